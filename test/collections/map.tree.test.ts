import { Pool, runTransaction } from '@pmemts/core';
import { Bank, TYPES, expectSound, heightOf, rng, smallNodes, tempDir } from './fixtures';

// Each mutation outside runTransaction is a transaction of its own, an msync of the pool file off pmem
// (milliseconds): the long loops below run in batches of transactions; map.tx.test.ts covers single calls.

const tmp = tempDir('map-tree');
afterAll(() => tmp.cleanup());

describe('with 4-entry leaves and 3-key inner nodes', () => {
  smallNodes(4, 3);

  test('ascending inserts split leaves and inner nodes up to height 5; deleting everything merges back to empty', () => {
    const pool = Pool.create(tmp.file('asc'), { types: TYPES });
    const bank = pool.root(Bank);
    const n = 300;
    runTransaction(pool, () => {
      for (let i = 0; i < n; i++) bank.counts.set(BigInt(i), BigInt(i * 10));
    });
    expect(bank.counts.size).toBe(n);
    expect(heightOf(pool, bank, 'counts')).toBeGreaterThanOrEqual(5);
    expectSound(bank.counts);
    expect([...bank.counts.keys()]).toEqual(Array.from({ length: n }, (_, i) => BigInt(i)));
    for (let batch = 0; batch < n; batch += 25) {
      runTransaction(pool, () => {
        for (let i = batch; i < batch + 25; i++) expect(bank.counts.delete(BigInt(i))).toBe(true);
      });
      expectSound(bank.counts);
    }
    expect(bank.counts.size).toBe(0);
    expect(heightOf(pool, bank, 'counts')).toBe(0);
    expect([...bank.counts]).toEqual([]);
    expect(bank.counts.first()).toBeUndefined();
    expectSound(bank.counts);
    expect(pool.deepCheck().problems).toEqual([]);
    pool.close();
  });

  test('descending deletes and inserts mirror the ascending ones', () => {
    const pool = Pool.create(tmp.file('desc'), { types: TYPES });
    const bank = pool.root(Bank);
    runTransaction(pool, () => {
      for (let i = 200; i > 0; i--) bank.counts.set(BigInt(i), 1n);
    });
    expectSound(bank.counts);
    runTransaction(pool, () => {
      for (let i = 200; i > 0; i--) expect(bank.counts.delete(BigInt(i))).toBe(true);
    });
    expectSound(bank.counts);
    expect(bank.counts.size).toBe(0);
    pool.close();
  });

  test('random inserts, overwrites and deletes agree with a JS Map; the invariants hold after every step', () => {
    const pool = Pool.create(tmp.file('random'), { types: TYPES });
    const bank = pool.root(Bank);
    const model = new Map<bigint, bigint>();
    const random = rng(42);
    let maxHeight = 0;
    for (let batch = 0; batch < 40; batch++) {
      runTransaction(pool, () => {
        for (let step = 0; step < 100; step++) {
          const key = BigInt(Math.floor(random() * 400));
          if (random() < 0.55) {
            const value = BigInt(step);
            bank.counts.set(key, value);
            model.set(key, value);
          } else {
            expect(bank.counts.delete(key)).toBe(model.delete(key));
          }
          maxHeight = Math.max(maxHeight, heightOf(pool, bank, 'counts'));
        }
      });
      expectSound(bank.counts);
    }
    expectSound(bank.counts);
    expect(maxHeight).toBeGreaterThanOrEqual(4);
    const sorted = [...model.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    expect([...bank.counts]).toEqual(sorted);
    expect(bank.counts.size).toBe(model.size);
    for (const [k, v] of model) expect(bank.counts.get(k)).toBe(v);
    runTransaction(pool, () => {
      for (const k of model.keys()) bank.counts.delete(k);
    });
    expect(bank.counts.size).toBe(0);
    expectSound(bank.counts);
    expect(pool.deepCheck().problems).toEqual([]);
    pool.close();
  });
});

describe('with 8-entry leaves and 5-key inner nodes (borrowing as well as merging)', () => {
  smallNodes(8, 5);

  test('interleaved deletes make nodes lend entries and keys before they merge', () => {
    const pool = Pool.create(tmp.file('borrow'), { types: TYPES });
    const bank = pool.root(Bank);
    runTransaction(pool, () => {
      for (let i = 0; i < 1000; i++) bank.counts.set(BigInt(i), BigInt(i));
    });
    expect(heightOf(pool, bank, 'counts')).toBeGreaterThanOrEqual(4);
    for (const stride of [7, 3, 2, 1]) {
      runTransaction(pool, () => {
        for (let i = 0; i < 1000; i += stride) bank.counts.delete(BigInt(i));
      });
      expectSound(bank.counts);
      expect([...bank.counts.keys()].every((k) => (Number(k) % stride !== 0))).toBe(true);
    }
    expect(bank.counts.size).toBe(0);
    pool.close();
  });
});

test('default node sizes: 20,000 random keys, range scans and clear()', () => {
  const pool = Pool.create(tmp.file('default'), { types: TYPES });
  const bank = pool.root(Bank);
  const random = rng(7);
  const keys = new Set<bigint>();
  runTransaction(pool, () => {
    while (keys.size < 20000) {
      const k = BigInt(Math.floor(random() * 2 ** 52)) - 2n ** 51n;
      keys.add(k);
      bank.rates.set(k, Number(k) / 3);
    }
  });
  const sorted = [...keys].sort((a, b) => (a < b ? -1 : 1));
  expect(bank.rates.size).toBe(20000);
  expect(heightOf(pool, bank, 'rates')).toBe(3);
  expectSound(bank.rates);
  expect([...bank.rates.keys()]).toEqual(sorted);
  expect([...bank.rates.keys()].length).toBe(20000);
  const lo = sorted[5000];
  const hi = sorted[5100];
  expect([...bank.rates.range({ gte: lo, lt: hi })].map(([k]) => k)).toEqual(sorted.slice(5000, 5100));
  expect([...bank.rates.range({ gt: lo, lte: hi })].map(([k]) => k)).toEqual(sorted.slice(5001, 5101));
  expect([...bank.rates.range({ gte: lo, lt: hi, reverse: true })].map(([k]) => k)).toEqual(sorted.slice(5000, 5100).reverse());
  expect([...bank.rates.range({ gt: lo, limit: 3 })].map(([k]) => k)).toEqual(sorted.slice(5001, 5004));
  expect([...bank.rates.range({ lt: lo, reverse: true, limit: 2 })].map(([k]) => k)).toEqual([sorted[4999], sorted[4998]]);
  expect(bank.rates.first()).toEqual([sorted[0], Number(sorted[0]) / 3]);
  expect(bank.rates.last()).toEqual([sorted[19999], Number(sorted[19999]) / 3]);
  const heapBefore = [...pool.heap()].length;
  bank.rates.clear();
  expect(bank.rates.size).toBe(0);
  expect([...bank.rates]).toEqual([]);
  expect([...pool.heap()].length).toBeLessThan(heapBefore - 300);
  expectSound(bank.rates);
  bank.rates.set(1n, 1);
  expect([...bank.rates]).toEqual([[1n, 1]]);
  expect(pool.deepCheck().problems).toEqual([]);
  pool.close();
});

describe('string and bytes keys in tiny nodes', () => {
  smallNodes(4, 3);

  test('random UTF-8 keys split and merge like numbers, and stay in code point order', () => {
    const pool = Pool.create(tmp.file('strings'), { types: TYPES });
    const bank = pool.root(Bank);
    const random = rng(11);
    const alphabet = ['a', 'b', 'é', 'z', '\u0000', '\u{1F600}', 'Ω'];
    const model = new Map<string, Uint8Array>();
    for (let batch = 0; batch < 10; batch++) {
      runTransaction(pool, () => {
        for (let i = 0; i < 40; i++) {
          let key = '';
          const length = Math.floor(random() * 6);
          for (let c = 0; c < length; c++) key += alphabet[Math.floor(random() * alphabet.length)];
          const bytes = new Uint8Array(Buffer.from(key).subarray(0, 8));
          if (random() < 0.7) {
            bank.byOwner.set(key, null as never);
            model.set(key, bytes);
            bank.tags.set(bytes, key.slice(0, 3));
          } else {
            expect(bank.byOwner.delete(key)).toBe(model.delete(key));
          }
        }
      });
      expectSound(bank.byOwner);
      expectSound(bank.tags);
    }
    const order = [...model.keys()].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...bank.byOwner.keys()]).toEqual(order);
    const tagOrder = [...bank.tags.keys()].map((k) => Buffer.from(k));
    expect(tagOrder).toEqual([...tagOrder].sort(Buffer.compare));
    expect(heightOf(pool, bank, 'byOwner')).toBeGreaterThanOrEqual(3);
    pool.close();
  });
});
