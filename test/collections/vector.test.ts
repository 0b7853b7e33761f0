import { FieldValueError, InvalidObjectError, Pool, runTransaction } from '@pmemts/core';
import { Account, Bank, TYPES, expectSound, tempDir } from './fixtures';

const tmp = tempDir('vector');
afterAll(() => tmp.cleanup());

test('push, get, set, pop, insert, removeAt and iteration; growth keeps the elements', () => {
  const pool = Pool.create(tmp.file('ops'), { types: TYPES });
  const bank = pool.root(Bank);
  const v = bank.samples;
  expect(v.length).toBe(0);
  expect(v.pop()).toBeUndefined();
  runTransaction(pool, () => {
    for (let i = 0; i < 100; i++) expect(v.push(i * 0.5)).toBe(i + 1);
  });
  expect(v.length).toBe(100);
  expect([...v]).toEqual(Array.from({ length: 100 }, (_, i) => i * 0.5));
  v.set(3, 42);
  expect(v.get(3)).toBe(42);
  expect(v.pop()).toBe(49.5);
  v.insert(0, -1);
  v.insert(v.length, 1000);
  v.insert(50, 7.25);
  expect(v.get(0)).toBe(-1);
  expect(v.get(50)).toBe(7.25);
  expect(v.get(v.length - 1)).toBe(1000);
  expect(v.removeAt(50)).toBe(7.25);
  expect(v.removeAt(0)).toBe(-1);
  expect(v.length).toBe(100);
  expect(v.push(1, 2, 3)).toBe(103);
  expect([...v.entries()].slice(-3)).toEqual([[100, 1], [101, 2], [102, 3]]);
  const seen: number[] = [];
  v.forEach((x, i) => seen.push(i));
  expect(seen.length).toBe(103);
  expectSound(v);
  v.clear();
  expect(v.length).toBe(0);
  expect([...v]).toEqual([]);
  v.push(5);
  expect([...v]).toEqual([5]);
  expect(pool.deepCheck().problems).toEqual([]);
  pool.close();
});

test('string and ref elements; refs held only by a vector are reachable', () => {
  const pool = Pool.create(tmp.file('refs'), { types: TYPES });
  const bank = pool.root(Bank);
  runTransaction(pool, () => {
    for (const name of ['ada', 'bob', 'ßé']) {
      bank.recent.push(pool.create(Account, { owner: name, balance: 1n }));
      bank.names.push(name);
    }
  });
  expect(bank.recent.get(1).owner).toBe('bob');
  expect([...bank.names]).toEqual(['ada', 'bob', 'ßé']);
  expect(pool.deepCheck().problems).toEqual([]);
  pool.close();
});

test('an abort rolls back pushes (with growth), sets and removals', () => {
  const pool = Pool.create(tmp.file('abort'), { types: TYPES });
  const bank = pool.root(Bank);
  bank.samples.push(1, 2, 3);
  const heap = [...pool.heap()].length;
  expect(() =>
    runTransaction(pool, () => {
      for (let i = 0; i < 50; i++) bank.samples.push(i);
      bank.samples.set(0, 9);
      bank.samples.removeAt(1);
      throw new Error('abort');
    }),
  ).toThrow('abort');
  expect([...bank.samples]).toEqual([1, 2, 3]);
  expect([...pool.heap()].length).toBe(heap);
  expectSound(bank.samples);
  pool.close();
});

test('bad input: indexes out of range are RangeErrors, bad elements FieldValueErrors; nothing changes', () => {
  const pool = Pool.create(tmp.file('bad'), { types: TYPES });
  const bank = pool.root(Bank);
  bank.names.push('a', 'b');
  const commits = pool.stats().commits;
  expect(() => bank.names.get(2)).toThrow(RangeError);
  expect(() => bank.names.get(-1)).toThrow(/index must be an integer in \[0, 2\)/);
  expect(() => bank.names.get(0.5)).toThrow(RangeError);
  expect(() => bank.names.set(5, 'x')).toThrow(RangeError);
  expect(() => bank.names.insert(3, 'x')).toThrow(/\[0, 2\]/);
  expect(() => bank.names.removeAt(2)).toThrow(RangeError);
  expect(() => bank.names.push('ok', 'x'.repeat(9))).toThrow(FieldValueError);
  expect(() => bank.names.set(0, 5 as unknown as string)).toThrow(/ColBank\.names element: expected a string/);
  expect(() => bank.samples.push(1e39)).toThrow(/overflows f32/);
  expect(() => bank.recent.push({} as never)).toThrow(FieldValueError);
  expect([...bank.names]).toEqual(['a', 'b']);
  expect(bank.samples.length).toBe(0);
  expect(pool.stats().commits).toBe(commits);
  pool.close();
});

test('iterators fail after a length change, not after set; after free of the owner', () => {
  const pool = Pool.create(tmp.file('iter'), { types: TYPES });
  const owner = pool.create(Bank);
  owner.samples.push(1, 2, 3);
  const it = owner.samples.values();
  expect(it.next().value).toBe(1);
  owner.samples.set(1, 20);
  expect(it.next().value).toBe(20);
  owner.samples.push(4);
  expect(() => it.next()).toThrow(expect.objectContaining({ code: 'COLLECTION_MODIFIED' }));
  const again = owner.samples.values();
  pool.free(owner);
  expect(() => again.next()).toThrow(InvalidObjectError);
  pool.close();
});
