/**
 * Every class of a real pool migrated at once: the bank example (a map of refs to accounts, a chain of
 * transfer records, refs between classes) is opened with each class one version up (same layouts,
 * classes rebuilt from its catalog), which copies every object, rewires every reference (map values,
 * ref chains, the root) and frees the originals. What the application sees must not change.
 */
import { classesFromCatalog, Pool, readPoolCatalog, toPlain, type Catalog } from '@pmemts/core';
import { accountsOf, openBank, transfer } from '../../packages/examples/src';
import { tempDir } from '../core/fixtures';

const tmp = tempDir('migrate-everything');
afterAll(() => tmp.cleanup());

/** The root's object graph as JSON, `Class@offset` names replaced by their order of appearance (offsets change). */
function graphOf(file: string, catalog: Catalog): string {
  const pool = Pool.open(file, { layout: 'pmemts-bank', types: classesFromCatalog(catalog), probe: false });
  try {
    const names = new Map<string, string>();
    const json = JSON.stringify(toPlain(pool.rootObject()!), (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
    const problems = pool.deepCheck().problems;
    expect(problems).toEqual([]);
    return json.replace(/([A-Za-z_]\w*)@\d+/g, (name) => {
      if (!names.has(name)) names.set(name, `#${names.size}`);
      return names.get(name)!;
    });
  } finally {
    pool.close();
  }
}

test('opening the bank with every class one version up keeps every value and reference', () => {
  const file = tmp.file('bank');
  const { pool, bank } = openBank(file, 6, { size: 16 * 1024 * 1024 });
  const accounts = accountsOf(bank);
  for (let i = 0; i < 40; i++) transfer(pool, bank, accounts[i % 6], accounts[(i * 5 + 1) % 6], BigInt(1 + (i % 7)));
  pool.close();

  const catalog = readPoolCatalog(file, 'pmemts-bank', false);
  const before = graphOf(file, catalog);
  const bumped: Catalog = { ...catalog, types: catalog.types.map((t) => ({ ...t, version: t.version + 1 })) };
  const phases = new Set<string>();
  Pool.open(file, { layout: 'pmemts-bank', types: classesFromCatalog(bumped), probe: false, onMigrationProgress: (phase) => phases.add(phase) }).close();
  expect([...phases]).toEqual(['copy', 'rewire', 'free']);
  const after = readPoolCatalog(file, 'pmemts-bank', false);
  expect(after.types.map((t) => t.version)).toEqual(bumped.types.map((t) => t.version));
  expect(after.sections?.migration).toBeUndefined();
  expect(graphOf(file, after)).toBe(before);
  expect(before.match(/"amount"/g)?.length).toBe(40); // every transfer record, through the chain of refs
});
