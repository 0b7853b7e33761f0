import { InvalidObjectError, PersistenceLevel, Persistent, Field, Pool, WritePolicy, runTransaction, type PMap } from '@pmemts/core';
import { Account, Bank, TYPES, expectSound, heightOf, rng, smallNodes, tempDir } from './fixtures';

const tmp = tempDir('map-tx');
afterAll(() => tmp.cleanup());
smallNodes(4, 3);

const contents = (m: PMap<bigint, bigint>) => [...m];

test('an abort rolls back inserts, deletes, splits and merges; the live map shows the old contents', () => {
  const pool = Pool.create(tmp.file('abort'), { types: TYPES });
  const bank = pool.root(Bank);
  runTransaction(pool, () => {
    for (let i = 0; i < 40; i += 2) bank.counts.set(BigInt(i), BigInt(i));
  });
  const before = contents(bank.counts);
  const height = heightOf(pool, bank, 'counts');
  const heap = [...pool.heap()].map((a) => a.offset);
  expect(() =>
    runTransaction(pool, () => {
      for (let i = 1; i < 200; i += 2) bank.counts.set(BigInt(i), 0n); // splits up to a taller tree
      for (let i = 0; i < 40; i += 2) bank.counts.delete(BigInt(i)); // and merges
      bank.counts.set(0n, 99n); // reuses a slot freed in this transaction
      bank.touched = 7;
      expect(heightOf(pool, bank, 'counts')).toBeGreaterThan(height);
      throw new Error('abort');
    }),
  ).toThrow('abort');
  expect(contents(bank.counts)).toEqual(before);
  expect(bank.counts.size).toBe(20);
  expect(bank.touched).toBe(0);
  expect(heightOf(pool, bank, 'counts')).toBe(height);
  expect([...pool.heap()].map((a) => a.offset)).toEqual(heap);
  expectSound(bank.counts);
  // The map still works after the abort.
  bank.counts.set(1n, 1n);
  expect(bank.counts.get(1n)).toBe(1n);
  expectSound(bank.counts);
  pool.close();
});

test('an abort of the first insert leaves the field empty (the header allocation rolls back too)', () => {
  const pool = Pool.create(tmp.file('first'), { types: TYPES });
  const bank = pool.root(Bank);
  const heap = [...pool.heap()].length;
  expect(() =>
    runTransaction(pool, () => {
      bank.rates.set(1n, 1);
      throw new Error('abort');
    }),
  ).toThrow('abort');
  expect(bank.rates.size).toBe(0);
  expect(heightOf(pool, bank, 'rates')).toBe(0);
  expect([...pool.heap()].length).toBe(heap);
  bank.rates.set(2n, 2);
  expect([...bank.rates]).toEqual([[2n, 2]]);
  expect(pool.deepCheck().problems).toEqual([]);
  pool.close();
});

test('outside runTransaction each call is its own transaction: a failing call changes nothing, earlier calls stay', () => {
  const pool = Pool.create(tmp.file('own'), { types: TYPES });
  const bank = pool.root(Bank);
  bank.byId.set(1n, pool.create(Account, { owner: 'a', balance: 1n }));
  const other = pool.create(Bank);
  expect(() => bank.byId.set(2n, other as unknown as Account)).toThrow(/expected a ColAccount, got a ColBank/);
  expect([...bank.byId.keys()]).toEqual([1n]);
  pool.free(other);
  expect(pool.stats().aborts).toBe(0);
  pool.close();
});

test('inside runTransaction, mutations join it: a Transaction-level class needs no other wrapper, and an inner throw aborts the whole chain', () => {
  const pool = Pool.create(tmp.file('join'), { types: TYPES });
  const bank = pool.root(Bank);
  const commits = pool.stats().commits;
  runTransaction(pool, () => {
    for (let i = 0; i < 30; i++) bank.counts.set(BigInt(i), 1n);
  });
  expect(pool.stats().commits).toBe(commits + 1);
  expect(() =>
    runTransaction(pool, () => {
      bank.counts.delete(5n);
      try {
        runTransaction(pool, () => {
          bank.counts.set(100n, 1n);
          throw new Error('inner');
        });
      } catch {
        /* swallowed: the chain still aborts */
      }
    }),
  ).toThrow();
  expect(bank.counts.has(5n)).toBe(true);
  expect(bank.counts.has(100n)).toBe(false);
  pool.close();
});

@Persistent({ name: 'ColFlushBank', memory: { writePolicy: WritePolicy.WriteBack, persistenceLevel: PersistenceLevel.Flush } })
class FlushBank {
  @Field('u32') n!: number;
  @Field({ type: 'map', key: 'u32', value: 'u32' }) m!: PMap<number, number>;
}

test('a write-back Flush-level owner: map mutations are still transactional, and flushing the object never overwrites the slot', () => {
  const file = tmp.file('writeback');
  const pool = Pool.create(file, { types: [FlushBank] });
  const owner = pool.create(FlushBank);
  owner.n = 1; // dirty DRAM copy spanning the slot's neighbourhood
  owner.m.set(1, 10);
  owner.n = 2;
  expect(() =>
    runTransaction(pool, () => {
      owner.m.set(2, 20);
      throw new Error('abort');
    }),
  ).toThrow('abort');
  owner.m.set(3, 30);
  pool.flush();
  expect([...owner.m]).toEqual([[1, 10], [3, 30]]);
  const offset = pool.locate(owner).offset;
  pool.close();
  const again = Pool.open(file, { types: [FlushBank] });
  const reopened = again.objectAt(offset) as FlushBank;
  expect(reopened.n).toBe(2);
  expect([...reopened.m]).toEqual([[1, 10], [3, 30]]);
  expectSound(reopened.m);
  again.close();
});

test('freeing the owner frees every node; an abort of the free brings the map back', () => {
  const pool = Pool.create(tmp.file('free'), { types: TYPES });
  const bank = pool.create(Bank);
  runTransaction(pool, () => {
    for (let i = 0; i < 100; i++) bank.counts.set(BigInt(i), 1n);
    bank.recent.push(pool.create(Account, { owner: 'x', balance: 0n }));
  });
  const map = bank.counts;
  const heapWith = [...pool.heap()].length;
  expect(() =>
    runTransaction(pool, () => {
      pool.free(bank);
      throw new Error('abort');
    }),
  ).toThrow('abort');
  expect(map.size).toBe(100);
  expectSound(map);
  const account = bank.recent.get(0);
  pool.free(bank);
  expect(() => map.size).toThrow(InvalidObjectError);
  expect(() => map.get(1n)).toThrow(InvalidObjectError);
  expect(() => map.set(1n, 1n)).toThrow(InvalidObjectError);
  // Left: the Account (now unreachable), nothing of the tree.
  const heapAfter = [...pool.heap()];
  expect(heapAfter.length).toBeLessThan(heapWith - 30);
  pool.free(account);
  expect(pool.deepCheck().problems).toEqual([]);
  pool.close();
});

test.each([99, 7, 2024])('random batches that split, merge and rotate at every level, half of them aborted: the map always equals the committed model (seed %i)', (seed) => {
  const pool = Pool.create(tmp.file('random-abort'), { types: TYPES });
  const bank = pool.root(Bank);
  const random = rng(seed);
  let model = new Map<bigint, bigint>();
  for (let round = 0; round < 60; round++) {
    const next = new Map(model);
    const abort = random() < 0.5;
    try {
      runTransaction(pool, () => {
        const n = 20 + Math.floor(random() * 80);
        for (let i = 0; i < n; i++) {
          const key = BigInt(Math.floor(random() * 150));
          if (random() < (round % 10 < 5 ? 0.7 : 0.3)) {
            bank.counts.set(key, BigInt(round));
            next.set(key, BigInt(round));
          } else {
            bank.counts.delete(key);
            next.delete(key);
          }
        }
        if (abort) throw new Error('abort');
      });
      model = next;
    } catch (error) {
      expect(abort).toBe(true);
    }
    expect([...bank.counts]).toEqual([...model.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    expectSound(bank.counts);
  }
  expect(pool.deepCheck().problems).toEqual([]);
  pool.close();
});
