/**
 * Schema evolution at open: automatic changes, migration functions, refusals (typed, pool untouched),
 * references rewired everywhere, rollback of a throwing function, and an interrupted migration resumed.
 */
import * as fs from 'node:fs';
import { diffSchema, FieldValueError, manualFields, MigrationError, readPoolCatalog, resolveLayouts, OutOfSpaceError, Pool, runTransaction, SchemaMismatchError, setMigrationBatchSizeForTests, WritePolicy, type PersistentClass } from '@pmemts/core';
import { tempDir } from '../core/fixtures';
import { versionOf, type ClassBuilder } from './versions';

const tmp = tempDir('schema');
afterAll(() => tmp.cleanup());
afterEach(() => setMigrationBatchSizeForTests(1000));

const Point = versionOf('SPoint', 1, (c) => c.field('x', 'i32').field('y', 'i32'));

/** Account v1: the fields every test starts from. */
function accountV1(): PersistentClass<any> {
  const V1: PersistentClass<any> = versionOf('Account', 1, (c) =>
    c
      .field('id', 'u32')
      .field('balance', 'f64')
      .field('owner', { type: 'string', maxBytes: 32 })
      .field('gone', 'u8')
      .field('tags', { type: 'array', of: 'u16', length: 2 })
      .field('note', { type: 'heapString' })
      .field('at', { type: 'struct', of: () => Point })
      .ref('friend', () => V1),
  );
  return V1;
}

/** Account v2 with only automatic changes: owner widened and moved first, id widened, tags longer, gone removed, opened added. */
function accountV2(): PersistentClass<any> {
  const V2: PersistentClass<any> = versionOf('Account', 2, (c) =>
    c
      .field('owner', { type: 'string', maxBytes: 64 })
      .field('id', 'u64')
      .field('balance', 'f64')
      .field('tags', { type: 'array', of: 'u16', length: 4 })
      .field('note', { type: 'heapString' })
      .field('at', { type: 'struct', of: () => Point })
      .ref('friend', () => V2)
      .field('opened', 'timestamp'),
  );
  return V2;
}

function fillV1(file: string, V1: PersistentClass<any>, n: number): void {
  const pool = Pool.create(file, { types: [V1, Point], size: 8 * 1024 * 1024 });
  runTransaction(pool, () => {
    const accounts = Array.from({ length: n }, (_, i) =>
      pool.create(V1, { id: i + 1, balance: i + 0.5, owner: `owner ${i}`, gone: 7, tags: [i, i + 1], note: `note ${i} `.repeat(i % 3), at: { x: i, y: -i } }),
    );
    accounts.forEach((a, i) => (a.friend = accounts[(i + 1) % n]));
    pool.root(V1).friend = accounts[0];
  });
  pool.close();
}

const byId = (pool: Pool, Class: PersistentClass<any>) => new Map([...pool.objects(Class)].map((a) => [Number(a.id), a]));

test('automatic changes: widened, moved, added and removed fields migrate without a function; heap strings carried, nothing leaked', () => {
  const file = tmp.file('auto');
  fillV1(file, accountV1(), 10);
  const V2 = accountV2();
  const pool = Pool.open(file, { types: [V2, Point] });
  try {
    const accounts = byId(pool, V2);
    expect(accounts.size).toBe(11); // the root is an Account too (id 0)
    for (let i = 0; i < 10; i++) {
      const a = accounts.get(i + 1)!;
      expect(a.id).toBe(BigInt(i + 1));
      expect(a.balance).toBe(i + 0.5);
      expect(a.owner).toBe(`owner ${i}`);
      expect(a.tags).toEqual([i, i + 1, 0, 0]);
      expect(a.note).toBe(`note ${i} `.repeat(i % 3));
      expect({ x: a.at.x, y: a.at.y }).toEqual({ x: i, y: i === 0 ? 0 : -i });
      expect(a.opened.getTime()).toBe(0);
      expect('gone' in a).toBe(false);
      expect(a.friend).toBe(accounts.get(((i + 1) % 10) + 1));
    }
    expect(pool.deepCheck().problems).toEqual([]);
    // A longer owner than v1 could hold fits now.
    runTransaction(pool, () => (accounts.get(1)!.owner = 'x'.repeat(60)));
  } finally {
    pool.close();
  }
  // The catalog is at v2: reopening migrates nothing and the old classes are refused as a lower version.
  Pool.open(file, { types: [V2, Point] }).close();
  expect(() => Pool.open(file, { types: [accountV1(), Point] })).toThrow(expect.objectContaining({ reason: 'lower-version' }));
});

test('a version bump with no layout change migrates (functions run); a later i16 → i64 widens', () => {
  const file = tmp.file('bump');
  const V1 = versionOf('Count', 1, (c) => c.field('n', 'i16'));
  const pool = Pool.create(file, { types: [V1] });
  runTransaction(pool, () => [1, -2, 300].forEach((n) => pool.create(V1, { n })));
  pool.close();
  const V2 = versionOf('Count', 2, (c) => c.field('n', 'i16'));
  const reopened = Pool.open(file, { types: [V2], migrations: { Count: { 2: (old, next) => (next.n = old.n * 2) } } });
  expect([...reopened.objects(V2)].map((c) => c.n).sort((a, b) => a - b)).toEqual([-4, 2, 600]);
  reopened.close();
  const V3 = versionOf('Count', 3, (c) => c.field('n', 'i64'));
  const wide = Pool.open(file, { types: [V3] });
  expect([...wide.objects(V3)].map((c) => c.n).sort((a, b) => Number(a - b))).toEqual([-4n, 2n, 600n]);
  wide.close();
});

test('an embedded struct whose class changed automatically is converted field by field inside its owner', () => {
  const file = tmp.file('struct');
  const P1 = versionOf('SPt', 1, (c) => c.field('x', 'i16').field('name', { type: 'string', maxBytes: 4 }));
  const H1 = versionOf('SHolder', 1, (c) => c.field('p', { type: 'struct', of: () => P1 }).field('n', 'u8'));
  const pool = Pool.create(file, { types: [H1, P1] });
  runTransaction(pool, () => pool.root(H1).p = { x: -5, name: 'abcd' });
  pool.close();
  const P2 = versionOf('SPt', 2, (c) => c.field('y', 'u8').field('x', 'i32').field('name', { type: 'string', maxBytes: 8 }));
  const H2 = versionOf('SHolder', 2, (c) => c.field('n', 'u8').field('p', { type: 'struct', of: () => P2 }));
  const migrated = Pool.open(file, { types: [H2, P2] });
  const p = migrated.root(H2).p;
  expect({ x: p.x, y: p.y, name: p.name }).toEqual({ x: -5, y: 0, name: 'abcd' });
  migrated.close();
});

test('an added field with a declared default gets it in every migrated object (not in created ones); a bad default rolls back', () => {
  const file = tmp.file('default');
  fillV1(file, accountV1(), 4);
  const withDefaults = (opened: unknown) =>
    versionOf('Account', 2, (c) =>
      c
        .field('id', 'u32')
        .field('currency', { type: 'string', maxBytes: 3, default: 'EUR' })
        .field('limit', 'i32', { default: -100 })
        .field('opened', 'timestamp', { default: opened }),
    );
  const bad = withDefaults('not a date');
  expect(() => Pool.open(file, { types: [bad] })).toThrow(FieldValueError);
  const V2 = withDefaults(new Date(86_400_000));
  const pool = Pool.open(file, { types: [V2] });
  try {
    const accounts = [...pool.objects(V2)];
    expect(accounts.length).toBe(5);
    for (const a of accounts) expect([a.currency, a.limit, a.opened.getTime()]).toEqual(['EUR', -100, 86_400_000]);
    const created = runTransaction(pool, () => pool.create(V2));
    expect([created.currency, created.limit]).toEqual(['', 0]);
  } finally {
    pool.close();
  }
});

test('declared defaults are checked by @Field: given twice, or on a vector', () => {
  expect(() => versionOf('D1', 1, (c) => c.field('x', { type: 'u8', default: 1 } as never, { default: 2 } as never))).toThrow(/default is given twice/);
  expect(() => versionOf('D2', 1, (c) => c.field('m', { type: 'vector', of: 'u8' }, { default: [] } as never))).toThrow(/a vector field takes no default/);
});

test('a new version that refers to and embeds classes new to the pool migrates, and they join the catalog', () => {
  const file = tmp.file('new-classes');
  const V1 = versionOf('Member', 1, (c) => c.field('id', 'u32'));
  const pool = Pool.create(file, { types: [V1], size: 8 * 1024 * 1024 });
  runTransaction(pool, () => (pool.root(V1).id = 7));
  pool.close();
  const Branch = versionOf('Branch', 1, (c) => c.field('code', 'u16'));
  const Addr = versionOf('Addr', 1, (c) => c.field('zip', 'u32'));
  const V2 = versionOf('Member', 2, (c) => c.field('id', 'u32').ref('branch', () => Branch).field('addr', { type: 'struct', of: () => Addr }));
  const migrated = Pool.open(file, { types: [V2] });
  try {
    const member = migrated.root(V2);
    expect([member.id, member.branch, member.addr.zip]).toEqual([7, null, 0]);
    runTransaction(migrated, () => (member.branch = migrated.create(Branch, { code: 3 })));
    expect(member.branch.code).toBe(3);
  } finally {
    migrated.close();
  }
  expect(readPoolCatalog(file, 'pmemts', false).types.map((t) => `${t.name} v${t.version}`).sort()).toEqual(['Addr v1', 'Branch v1', 'Member v2']);
});

test("the issue's scripted migration: a type change with its function, old values read-only", () => {
  const file = tmp.file('scripted');
  fillV1(file, accountV1(), 5);
  const V2: PersistentClass<any> = versionOf('Account', 2, (c) =>
    c
      .field('id', 'u32')
      .field('balance', 'i64') // f64 → i64: a type change, converted by the function
      .field('owner', { type: 'string', maxBytes: 64 })
      .field('tags', { type: 'array', of: 'u16', length: 2 })
      .field('note', { type: 'heapString' })
      .field('at', { type: 'struct', of: () => Point })
      .ref('friend', () => V2)
      .field('opened', 'timestamp'),
  );
  const seen: unknown[] = [];
  const pool = Pool.open(file, {
    types: [V2, Point],
    migrations: {
      Account: {
        2: (old, next) => {
          expect(Object.isFrozen(old)).toBe(true);
          seen.push(old.gone);
          next.balance = BigInt(Math.round(old.balance * 100));
          next.opened = new Date(0);
          if (old.id === 2) next.note = 'rewritten';
        },
      },
    },
  });
  try {
    const accounts = byId(pool, V2);
    expect(seen.sort()).toEqual([0, 7, 7, 7, 7, 7]); // the root was created zeroed
    expect([...accounts.values()].filter((a) => a.id !== 0).map((a) => [a.id, a.balance]).sort((a, b) => a[0] - b[0])).toEqual([1, 2, 3, 4, 5].map((id) => [id, BigInt(Math.round((id - 0.5) * 100))]));
    expect(accounts.get(2)!.note).toBe('rewritten');
    expect(accounts.get(3)!.note).toBe('note 2 note 2 ');
    expect(accounts.get(5)!.friend).toBe(accounts.get(1));
    expect(pool.deepCheck().problems).toEqual([]); // the replaced note's old blob was freed
  } finally {
    pool.close();
  }
});

describe('refusals are typed and leave the pool byte for byte as it was', () => {
  /**
   * The pool file from libpmemobj's lanes on (lanes_offset is the u64 after the 1 KiB layout name that
   * follows the 4 KiB pool header): pmemobj_open itself rewrites the descriptor before them (its run id)
   * at every open, whatever pmemts does.
   */
  const bytesOf = (file: string) => {
    const bytes = fs.readFileSync(file);
    const lanes = Number(bytes.readBigUInt64LE(4096 + 1024));
    expect(lanes).toBeGreaterThan(4096 + 1024);
    return bytes.subarray(lanes);
  };

  test('a type change without a migration function names the field', () => {
    const file = tmp.file('no-script');
    fillV1(file, accountV1(), 3);
    const before = bytesOf(file);
    const V2 = versionOf('Account', 2, (c) => c.field('id', 'u32').field('balance', 'i64').field('owner', { type: 'string', maxBytes: 16 }));
    let error: SchemaMismatchError | undefined;
    try {
      Pool.open(file, { types: [V2] });
    } catch (e) {
      error = e as SchemaMismatchError;
    }
    expect(error).toBeInstanceOf(SchemaMismatchError);
    expect(error!.reason).toBe('needs-migration');
    expect(error!.differences.map((d) => `${d.field}: ${d.what.split(',')[0]}`)).toEqual(['balance: type-changed', 'owner: narrowed']);
    expect(error!.message).toMatch(/Account\.balance: type-changed, which needs a migration function/);
    expect(bytesOf(file).equals(before)).toBe(true);
  });

  test('a lower version, and the same version with another layout', () => {
    const file = tmp.file('lower');
    fillV1(file, accountV1(), 2);
    const V2 = accountV2();
    Pool.open(file, { types: [V2, Point] }).close();
    const before = bytesOf(file);
    expect(() => Pool.open(file, { types: [accountV1(), Point] })).toThrow(expect.objectContaining({ name: 'SchemaMismatchError', reason: 'lower-version' }));
    const sameVersion = versionOf('Account', 2, (c) => c.field('id', 'u64'));
    expect(() => Pool.open(file, { types: [sameVersion] })).toThrow(expect.objectContaining({ name: 'SchemaMismatchError', reason: 'same-version' }));
    expect(bytesOf(file).equals(before)).toBe(true);
  });
});

test('every reference to a migrated object is rewired: ref fields, refs in embedded structs, map values, vector elements, the root', () => {
  const file = tmp.file('rewire');
  const build = (Account: () => Function) => {
    const Slot = versionOf('Slot', 1, (c) => c.ref('account', Account));
    const Holder = versionOf('Holder', 1, (c) =>
      c
        .ref('one', Account)
        .field('slot', { type: 'struct', of: () => Slot })
        .field('byId', { type: 'map', key: 'u32', value: Account as never })
        .field('list', { type: 'vector', of: Account as never }),
    );
    return { Slot, Holder };
  };
  const V1: PersistentClass<any> = versionOf('Acct', 1, (c) => c.field('id', 'u32').ref('self', () => V1));
  const old = build(() => V1);
  const pool = Pool.create(file, { types: [V1, old.Holder, old.Slot] });
  runTransaction(pool, () => {
    const accounts = Array.from({ length: 40 }, (_, i) => pool.create(V1, { id: i }));
    accounts.forEach((a) => (a.self = a));
    const holder = pool.root(old.Holder);
    holder.one = accounts[3];
    holder.slot.account = accounts[4];
    accounts.forEach((a, i) => holder.byId.set(i, a));
    accounts.forEach((a) => holder.list.push(a));
  });
  pool.close();
  const V2: PersistentClass<any> = versionOf('Acct', 2, (c) => c.field('label', { type: 'string', maxBytes: 8 }).field('id', 'u32').ref('self', () => V2));
  const now = build(() => V2);
  setMigrationBatchSizeForTests(7);
  const migrated = Pool.open(file, { types: [V2, now.Holder, now.Slot] });
  try {
    const holder = migrated.root(now.Holder);
    expect(holder.one.id).toBe(3);
    expect(holder.slot.account.id).toBe(4);
    expect([...holder.byId.entries()].map(([k, a]: [number, any]) => [k, a.id])).toEqual(Array.from({ length: 40 }, (_, i) => [i, i]));
    expect([...holder.list].map((a: any) => a.id)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    for (const a of migrated.objects(V2)) expect(a.self).toBe(a);
    expect(migrated.deepCheck().problems).toEqual([]);
  } finally {
    migrated.close();
  }
});

test('a throwing migration function rolls back every committed batch; the old classes open the pool as it was', () => {
  const file = tmp.file('throws');
  const V1 = accountV1();
  fillV1(file, V1, 20);
  const V2: PersistentClass<any> = versionOf('Account', 2, (c) => c.field('id', 'u32').field('balance', 'i64').field('note', { type: 'heapString' }).ref('friend', () => V2));
  setMigrationBatchSizeForTests(3);
  let calls = 0;
  const open = () =>
    Pool.open(file, {
      types: [V2],
      migrations: {
        Account: {
          2: (old, next) => {
            next.note = 'replaced'; // a new blob, to be freed by the rollback
            if (++calls === 14) throw new Error('bad row');
            next.balance = BigInt(old.id);
          },
        },
      },
    });
  expect(open).toThrow(MigrationError);
  calls = 0;
  try {
    open();
  } catch (e) {
    expect(e).toMatchObject({ type: 'Account', version: 2, code: 'MIGRATION_FAILED' });
    expect((e as Error).cause).toEqual(new Error('bad row'));
  }
  const pool = Pool.open(file, { types: [V1, Point] });
  try {
    const accounts = byId(pool, V1);
    expect(accounts.size).toBe(21);
    expect(accounts.get(5)!.balance).toBe(4.5);
    expect(accounts.get(5)!.note).toBe('note 4 ');
    expect(accounts.get(20)!.friend).toBe(accounts.get(1));
    expect(pool.deepCheck().problems).toEqual([]);
  } finally {
    pool.close();
  }
});

test('a counter with another stripe count needs a function, which reads the old value and assigns it', () => {
  const file = tmp.file('counter');
  const C1 = versionOf('Hits', 1, (c) => c.field('hits', { type: 'counter', stripes: 2 }));
  const pool = Pool.create(file, { types: [C1], size: 8 * 1024 * 1024 });
  runTransaction(pool, () => pool.root(C1).hits.add(41));
  runTransaction(pool, () => pool.root(C1).hits.add(1));
  pool.close();
  const C2 = versionOf('Hits', 2, (c) => c.field('hits', { type: 'counter', stripes: 4 }));
  expect(() => Pool.open(file, { types: [C2] })).toThrow(expect.objectContaining({ reason: 'needs-migration' }));
  const migrated = Pool.open(file, { types: [C2], migrations: { Hits: { 2: (old, next) => (next.hits = old.hits) } } });
  expect(migrated.root(C2).hits.value).toBe(42n);
  migrated.close();
});

test('a pool too full for the copies: OutOfSpaceError, the migration rolled back, the old classes open it as it was', () => {
  const file = tmp.file('full');
  const V1 = versionOf('Blob', 1, (c) => c.field('id', 'u32').field('data', { type: 'bytes', length: 200 }));
  const pool = Pool.create(file, { types: [V1], size: 8 * 1024 * 1024 });
  let n = 0;
  try {
    for (;;) runTransaction(pool, () => Array.from({ length: 500 }, () => pool.create(V1, { id: n++ })));
  } catch (error) {
    expect(error).toBeInstanceOf(OutOfSpaceError);
  }
  pool.close();
  setMigrationBatchSizeForTests(100);
  const V2 = versionOf('Blob', 2, (c) => c.field('id', 'u32').field('data', { type: 'bytes', length: 240 }));
  expect(() => Pool.open(file, { types: [V2] })).toThrow(OutOfSpaceError);
  const reopened = Pool.open(file, { types: [V1] });
  const ids = [...reopened.objects(V1)].map((b) => b.id);
  expect(ids.length).toBeGreaterThan(1000);
  expect(new Set(ids).size).toBe(ids.length);
  expect(reopened.deepCheck().problems.filter((p) => p.kind !== 'leak')).toEqual([]);
  reopened.close();
});

test('a write-back class with a migration function: heap values (also in embedded structs) carried, the stores of the function committed', () => {
  const file = tmp.file('write-back');
  const Tag = versionOf('WTag', 1, (c) => c.field('label', { type: 'heapString' }));
  const declare = (version: number, extra: (c: ClassBuilder) => void) => {
    const ctor = versionOf('WDoc', version, (c) => {
      c.field('title', { type: 'heapString' }).field('tag', { type: 'struct', of: () => Tag }).field('n', version === 1 ? 'f64' : 'i32');
      extra(c);
    });
    return ctor;
  };
  const V1 = declare(1, () => undefined);
  const memory = { writePolicy: WritePolicy.WriteBack };
  const pool = Pool.create(file, { types: [V1, Tag], memory, size: 8 * 1024 * 1024 });
  runTransaction(pool, () => {
    for (let i = 0; i < 6; i++) pool.create(V1, { title: `title ${i}`, tag: { label: `label ${i}` }, n: i + 0.25 });
  });
  pool.close();
  const V2 = declare(2, (c) => c.field('summary', { type: 'heapString' }));
  setMigrationBatchSizeForTests(4);
  const migrated = Pool.open(file, { types: [V2, Tag], memory, migrations: { WDoc: { 2: (old, next) => { next.n = Math.floor(old.n) * 10; next.summary = `${old.title}/${old.tag.label}`; } } } });
  try {
    const docs = [...migrated.objects(V2)].sort((a, b) => a.n - b.n);
    expect(docs.map((d) => [d.title, d.tag.label, d.n, d.summary])).toEqual(Array.from({ length: 6 }, (_, i) => [`title ${i}`, `label ${i}`, i * 10, `title ${i}/label ${i}`]));
    expect(migrated.deepCheck().problems.filter((p) => p.kind !== 'leak')).toEqual([]);
    expect(migrated.deepCheck().problems.length).toBe(6 * 3 + 6); // the objects (unreferenced from the root) with their blobs: nothing else
  } finally {
    migrated.close();
  }
});

test('an interrupted migration (here: the progress callback throws) is refused by the old classes and finished by the new ones', () => {
  for (const stopAt of ['copy', 'rewire', 'free'] as const) {
    const file = tmp.file(`stop-${stopAt}`);
    fillV1(file, accountV1(), 25);
    setMigrationBatchSizeForTests(4);
    const V2 = accountV2();
    const phases: string[] = [];
    expect(() =>
      Pool.open(file, {
        types: [V2, Point],
        onMigrationProgress: (phase, done) => {
          phases.push(phase);
          if (phase === stopAt && done >= 8) throw new Error('stop');
        },
      }),
    ).toThrow('stop');
    expect(() => Pool.open(file, { types: [accountV1(), Point] })).toThrow(expect.objectContaining({ reason: 'migration-in-progress' }));
    const pool = Pool.open(file, { types: [V2, Point] });
    try {
      const accounts = byId(pool, V2);
      expect([...accounts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 26 }, (_, i) => i));
      expect(accounts.get(25)!.friend).toBe(accounts.get(1));
      expect(accounts.get(7)!.owner).toBe('owner 6');
      expect(pool.deepCheck().problems).toEqual([]);
    } finally {
      pool.close();
    }
  }
});

describe('bad input is a typed error and touches nothing', () => {
  const cases: [string, unknown, RegExp, typeof TypeError | typeof RangeError][] = [
    ['not an object', 5, /options\.migrations must be an object/, TypeError],
    ['an unknown class', { Nope: {} }, /options\.migrations\.Nope names no class/, TypeError],
    ['versions not an object', { Account: [] }, /options\.migrations\.Account must be an object/, TypeError],
    ['version 1', { Account: { 1: () => undefined } }, /version "1" must be an integer from 2 to Account's version in code \(2\)/, RangeError],
    ['a version above the code', { Account: { 3: () => undefined } }, /version "3"/, RangeError],
    ['a version that is no integer', { Account: { 'x': () => undefined } }, /version "x"/, RangeError],
    ['a function that is not one', { Account: { 2: 'f' } }, /options\.migrations\.Account\[2\] must be a function/, TypeError],
  ];
  let file = '';
  beforeAll(() => fillV1((file = tmp.file('bad')), accountV1(), 2));
  test.each(cases)('%s', (_, migrations, message, ErrorClass) => {
    const before = fs.readFileSync(file);
    const open = () => Pool.open(file, { types: [accountV2(), Point], migrations: migrations as never });
    expect(open).toThrow(ErrorClass);
    expect(open).toThrow(message);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  test('onMigrationProgress that is not a function; an async migration function rolls back', () => {
    const file = tmp.file('bad-progress');
    fillV1(file, accountV1(), 2);
    expect(() => Pool.open(file, { types: [accountV2(), Point], onMigrationProgress: 'x' as never })).toThrow(TypeError);
    expect(() => Pool.open(file, { types: [accountV2(), Point], migrations: { Account: { 2: (async () => undefined) as never } } })).toThrow(/must be synchronous/);
    Pool.open(file, { types: [accountV1(), Point] }).close();
  });
});

test('diffSchema and manualFields refuse what they cannot read', () => {
  expect(() => diffSchema(5 as never, [])).toThrow(/diffSchema: catalog must be a Catalog/);
  expect(() => diffSchema(null, [{}] as never)).toThrow(/diffSchema: layouts must be an array of TypeLayouts/);
  expect(() => manualFields(null as never)).toThrow(TypeError);
  expect(diffSchema(null, resolveLayouts([Point])).map((d) => d.status)).toEqual(['new']);
});
