import { InvalidObjectError, PoolClosedError, Pool, runTransaction } from '@pmemts/core';
import { Bank, TYPES, smallNodes, tempDir } from './fixtures';

const tmp = tempDir('map-iter');
afterAll(() => tmp.cleanup());
smallNodes(4, 3);

function filled(name: string): { pool: Pool; bank: Bank } {
  const pool = Pool.create(tmp.file(name), { types: TYPES });
  const bank = pool.root(Bank);
  runTransaction(pool, () => {
    for (let i = 0; i < 50; i++) bank.counts.set(BigInt(i), BigInt(i));
  });
  return { pool, bank };
}

const modified = (error: unknown) => error instanceof InvalidObjectError && error.code === 'COLLECTION_MODIFIED';

test('an insert or delete (through any handle) makes live iterators throw COLLECTION_MODIFIED on their next step', () => {
  const { pool, bank } = filled('mutate');
  const it = bank.counts.entries();
  expect(it.next().value).toEqual([0n, 0n]);
  bank.counts.set(1000n, 1n);
  expect(() => it.next()).toThrow(expect.objectContaining({ code: 'COLLECTION_MODIFIED' }));
  const keys = bank.counts.keys();
  keys.next();
  (pool.root(Bank) as Bank).counts.delete(3n);
  let caught: unknown;
  try {
    keys.next();
  } catch (error) {
    caught = error;
  }
  expect(modified(caught)).toBe(true);
  // A for-of loop that deletes as it goes fails at once instead of skipping or repeating entries.
  expect(() => {
    for (const [k] of bank.counts) bank.counts.delete(k);
  }).toThrow(InvalidObjectError);
  expect(bank.counts.size).toBe(49); // 50 + 1000n − 3n − 0n
  // The documented way: collect the keys first.
  for (const k of [...bank.counts.keys()]) bank.counts.delete(k);
  expect(bank.counts.size).toBe(0);
  pool.close();
});

test('replacing the value of an existing key does not invalidate iterators; other maps do not either', () => {
  const { pool, bank } = filled('overwrite');
  const it = bank.counts.range({ gte: 10n });
  expect(it.next().value).toEqual([10n, 10n]);
  bank.counts.set(11n, 111n);
  bank.rates.set(1n, 1);
  expect(it.next().value).toEqual([11n, 111n]);
  const rest = [...it];
  expect(rest.length).toBe(38);
  pool.close();
});

test('an iterator made inside a transaction that changed the map cannot be used after that transaction aborts', () => {
  const { pool, bank } = filled('abort');
  let it: IterableIterator<[bigint, bigint]> | undefined;
  expect(() =>
    runTransaction(pool, () => {
      bank.counts.set(500n, 5n);
      it = bank.counts.entries();
      expect(it.next().value).toEqual([0n, 0n]);
      throw new Error('abort');
    }),
  ).toThrow('abort');
  expect(() => it!.next()).toThrow(expect.objectContaining({ code: 'COLLECTION_MODIFIED' }));
  // An iterator made before a transaction that aborted after changing the map fails too.
  const before = bank.counts.keys();
  before.next();
  expect(() =>
    runTransaction(pool, () => {
      bank.counts.delete(1n);
      throw new Error('abort');
    }),
  ).toThrow('abort');
  expect(() => before.next()).toThrow(InvalidObjectError);
  expect(bank.counts.size).toBe(50);
  pool.close();
});

test('iterators after the owner is freed, and after the pool is closed, throw typed errors', () => {
  const pool = Pool.create(tmp.file('freed'), { types: TYPES });
  const owner = pool.create(Bank);
  owner.counts.set(1n, 1n);
  owner.counts.set(2n, 2n);
  const it = owner.counts.keys();
  expect(it.next().value).toBe(1n);
  pool.free(owner);
  expect(() => it.next()).toThrow(expect.objectContaining({ code: 'OBJECT_FREED' }));
  const bank = pool.root(Bank);
  bank.counts.set(1n, 1n);
  bank.counts.set(2n, 2n);
  const open = bank.counts.values();
  expect(open.next().value).toBe(1n);
  const map = bank.counts;
  pool.close();
  expect(() => open.next()).toThrow(PoolClosedError);
  expect(() => map.get(1n)).toThrow(PoolClosedError);
  expect(() => map.size).toThrow(PoolClosedError);
});

test('range checks its options: both gt and gte, a negative limit, a bound of the wrong type', () => {
  const { pool, bank } = filled('options');
  expect(() => bank.counts.range({ gt: 1n, gte: 2n })).toThrow(TypeError);
  expect(() => bank.counts.range({ limit: -1 })).toThrow(RangeError);
  expect(() => bank.counts.range({ limit: 1.5 })).toThrow(RangeError);
  expect(() => bank.counts.range({ lt: 'x' as unknown as bigint })).toThrow(/ColBank\.counts key: expected a bigint/);
  expect([...bank.counts.range({ limit: 0 })]).toEqual([]);
  expect([...bank.counts.range({ gt: 100n })]).toEqual([]);
  expect([...bank.counts.range({ lt: 0n })]).toEqual([]);
  expect([...bank.counts.range({ gte: 20n, lte: 20n })]).toEqual([[20n, 20n]]);
  expect([...bank.counts.range({ gt: 20n, lt: 21n })]).toEqual([]);
  pool.close();
});
