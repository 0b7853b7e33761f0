/**
 * Issue 18, defect 3: the catalog named ref targets by JS class name, so a pool whose classes'
 * JS names differ from their @Persistent names could not be inspected. The catalog now names
 * persistent names only; pools written the old way still open (and are upgraded) with their classes,
 * and are inspected without them by resolving each old target through the stored fingerprint.
 */
import { Field, openForInspection, Persistent, Pool, PoolCorruptError, Ref, resolveLayouts, runTransaction, type Catalog } from '@pmemts/core';
import { compareCatalog } from '../../packages/core/src/pool/catalog';
import { tempDir } from '../core/fixtures';
import { cli, expectOneLineFailure, poolBytes } from '../cli/run-cli';
import { storedCatalog, writeLegacyCatalog } from '../cli/legacy-catalog';

@Persistent({ name: 'Order' })
class OrderModel {
  @Field('u32') amount!: number;
}

/** Embedded in Customer, with a ref of its own: resolved before the type that embeds it. */
@Persistent({ name: 'Line' })
class LineModel {
  @Ref(() => OrderModel) order!: OrderModel | null;
  @Field('u16') qty!: number;
}

@Persistent({ name: 'Customer' })
class CustomerModel {
  @Field({ type: 'string', maxBytes: 16 }) name!: string;
  @Ref(() => OrderModel) last!: OrderModel | null;
  @Field({ type: 'struct', of: () => LineModel }) line!: LineModel;
}

/** The same persistent class with one more field: a real difference from the pool. */
@Persistent({ name: 'Customer' })
class CustomerModelV2 {
  @Field({ type: 'string', maxBytes: 16 }) name!: string;
  @Ref(() => OrderModel) last!: OrderModel | null;
  @Field({ type: 'struct', of: () => LineModel }) line!: LineModel;
  @Field('u32') visits!: number;
}

const TYPES = [CustomerModel, OrderModel, LineModel];
const tmp = tempDir('gh18-legacy');
afterAll(() => tmp.cleanup());

function customerPool(): string {
  const file = tmp.file('customers');
  const pool = Pool.create(file, { types: TYPES });
  runTransaction(pool, () => {
    const c = pool.root(CustomerModel);
    c.name = 'ann';
    c.last = pool.create(OrderModel, { amount: 7 });
    c.line.order = c.last;
    c.line.qty = 3;
  });
  pool.close();
  return file;
}

function legacyPool(): string {
  const file = customerPool();
  writeLegacyCatalog(file, TYPES);
  return file;
}

const refTargets = (catalog: Catalog) =>
  catalog.types.flatMap((t) => t.fields.filter((f) => f.kind === 'ref').map((f) => `${t.name}.${f.name}→${f.target}`)).sort();

test('the catalog names ref targets by their persistent names', () => {
  expect(refTargets(storedCatalog(customerPool()))).toEqual(['Customer.last→Order', 'Line.order→Order']);
});

test('the legacy fixture really names JS classes', () => {
  expect(refTargets(storedCatalog(legacyPool()))).toEqual(['Customer.last→OrderModel', 'Line.order→OrderModel']);
});

test('Pool.open with the classes accepts a legacy catalog and upgrades it to persistent names', () => {
  const file = legacyPool();
  const pool = Pool.open(file, { types: TYPES });
  const root = pool.root(CustomerModel);
  expect(root.last?.amount).toBe(7);
  expect(root.line.order?.amount).toBe(7);
  pool.close();
  expect(refTargets(storedCatalog(file))).toEqual(['Customer.last→Order', 'Line.order→Order']);
  expect(Pool.open(file, { types: TYPES }).root(CustomerModel).name).toBe('ann');
});

test('compareCatalog counts a legacy target as its persistent name and lists only real differences', () => {
  const catalog = storedCatalog(legacyPool());
  expect(compareCatalog(catalog, resolveLayouts(TYPES))).toEqual([]);
  const differences = compareCatalog(catalog, resolveLayouts([CustomerModelV2, OrderModel, LineModel]));
  expect(differences.map((d) => `${d.type}.${d.field ?? ''}:${d.what}`).sort()).toEqual(['Customer.:size', 'Customer.visits:field']);
});

test('openForInspection of a legacy pool without its classes resolves the targets and writes nothing', () => {
  const file = legacyPool();
  const before = poolBytes(file);
  const { pool, catalog } = openForInspection(file);
  expect(refTargets(catalog)).toEqual(['Customer.last→Order', 'Line.order→Order']);
  const root = pool.rootObject() as Record<string, any>;
  expect(pool.locate(root.last).layout.name).toBe('Order');
  expect(root.last.amount).toBe(7);
  expect(root.line.order.amount).toBe(7);
  pool.close();
  expect(poolBytes(file).equals(before)).toBe(true);
  expect(refTargets(storedCatalog(file))).toEqual(['Customer.last→OrderModel', 'Line.order→OrderModel']);
});

test('pmemts info, types, ls, check and export read a legacy pool, and leave it as it was', () => {
  const file = legacyPool();
  const before = poolBytes(file);
  for (const command of ['info', 'types', 'ls', 'check', 'export', 'stats']) {
    const r = cli(command, file, '--json');
    expect({ command, status: r.status, err: r.err }).toEqual({ command, status: 0, err: '' });
  }
  const types = cli('types', file, '--json').json();
  expect(types.find((t: { name: string }) => t.name === 'Customer').fields.find((f: { name: string }) => f.name === 'last').type).toBe('ref Order');
  const rows = cli('ls', file, '--type', 'Customer', '--json').json();
  expect(rows).toEqual([{ object: expect.stringMatching(/^Customer@\d+$/), name: 'ann', last: expect.stringMatching(/^Order@\d+$/), line: { order: rows[0].last, qty: 3 } }]);
  expect(cli('check', file, '--json').json()).toMatchObject({ consistent: true, problems: [] });
  expect(cli('show', file, 'root', '--json').json().last).toMatchObject({ object: rows[0].last, amount: 7 });
  expect(poolBytes(file).equals(before)).toBe(true);
});

test('a legacy target that no catalog type explains is one typed error, also in the CLI', () => {
  const file = customerPool();
  // A target naming nothing, in a type whose fingerprint no choice of target reproduces.
  writeLegacyCatalog(file, TYPES, (c) => ({ ...c, types: c.types.map((t) => (t.name === 'Customer' ? { ...t, fingerprint: '0'.repeat(64) } : t)) }));
  expect(() => openForInspection(file)).toThrow(PoolCorruptError);
  expect(() => openForInspection(file)).toThrow(/Customer refers to OrderModel, which names no type in the catalog/);
  for (const command of ['info', 'types', 'ls', 'check', 'export']) expectOneLineFailure(cli(command, file), 3, /CustomerModel|OrderModel/);
});
