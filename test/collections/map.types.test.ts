import { FieldValueError, Pool, runTransaction } from '@pmemts/core';
import { Account, Bank, TYPES, expectSound, tempDir } from './fixtures';

const tmp = tempDir('map-types');
afterAll(() => tmp.cleanup());

let pool: Pool;
let bank: Bank;
beforeAll(() => {
  pool = Pool.create(tmp.file('types'), { types: TYPES });
  bank = pool.root(Bank);
});
afterAll(() => pool.close());

test('a map field is an empty map before anything is stored', () => {
  const fresh = pool.create(Bank);
  expect(fresh.byId.size).toBe(0);
  expect(fresh.byId.get(1n)).toBeUndefined();
  expect(fresh.byId.has(1n)).toBe(false);
  expect(fresh.byId.delete(1n)).toBe(false);
  expect([...fresh.byId]).toEqual([]);
  expect(fresh.byId.first()).toBeUndefined();
  expect(fresh.byId.last()).toBeUndefined();
  expect(fresh.byId).toBe(fresh.byId);
  expect(Object.prototype.toString.call(fresh.byId)).toBe('[object PMap]');
  expect(fresh.recent.length).toBe(0);
  pool.free(fresh);
});

test('u32 keys with u8 values; i32 keys order negatives first', () => {
  runTransaction(pool, () => {
    for (const k of [4000000000, 0, 7, 65536]) bank.small.set(k, k % 256);
    for (const k of [5, -1, -2147483648, 2147483647, 0, -7]) bank.flags.set(k, k % 2 === 0);
  });
  expect([...bank.small]).toEqual([[0, 0], [7, 7], [65536, 0], [4000000000, 4000000000 % 256]]);
  expect([...bank.flags.keys()]).toEqual([-2147483648, -7, -1, 0, 5, 2147483647]);
  expect(bank.flags.get(-2147483648)).toBe(true);
  expect(bank.flags.get(5)).toBe(false);
  expectSound(bank.small);
  expectSound(bank.flags);
});

test('i64 keys order numerically across the sign, u64 keys up to 2^64 - 1', () => {
  const signed = [-(2n ** 63n), -4294967296n, -4294967295n, -1n, 0n, 1n, 4294967295n, 4294967296n, 2n ** 63n - 1n];
  runTransaction(pool, () => {
    for (const k of [...signed].reverse()) bank.rates.set(k, Number(k));
    for (const k of [2n ** 64n - 1n, 0n, 2n ** 32n, 2n ** 32n - 1n, 2n ** 63n]) bank.counts.set(k, k);
  });
  expect([...bank.rates.keys()]).toEqual(signed);
  expect([...bank.counts.keys()]).toEqual([0n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n]);
  expect(bank.counts.get(2n ** 64n - 1n)).toBe(2n ** 64n - 1n);
  // A safe-integer number is the same key as its bigint (as for u64 fields).
  expect(bank.counts.get(4294967296 as unknown as bigint)).toBe(2n ** 32n);
});

test('f64 keys order numerically (negatives, fractions, infinities); -0 is the key 0', () => {
  const keys = [-Infinity, -1e300, -2.5, -Number.MIN_VALUE, 0, Number.MIN_VALUE, 0.1, 1, 1.5, 1e300, Infinity];
  runTransaction(pool, () => {
    for (const [i, k] of [...keys].reverse().entries()) bank.times.set(k, new Date(i * 1000));
  });
  expect([...bank.times.keys()]).toEqual(keys);
  bank.times.set(-0, new Date(42));
  expect(bank.times.size).toBe(keys.length);
  expect(bank.times.get(0)).toEqual(new Date(42));
  expect(Object.is(bank.times.first()![0], -Infinity)).toBe(true);
  expect(() => bank.times.set(NaN, new Date(0))).toThrow(FieldValueError);
  expect(() => bank.times.get(NaN)).toThrow(/NaN cannot be a key/);
  expectSound(bank.times);
});

test('string keys order by UTF-8 bytes, which is code point order; a prefix sorts first', () => {
  const owners = ['', 'a', 'a\u0000', 'ab', 'b', 'Z', 'é', 'z', '\u{1F600}', '\uFFFD', 'ä'.repeat(16)];
  runTransaction(pool, () => {
    for (const o of owners) bank.byOwner.set(o, pool.create(Account, { owner: o.slice(0, 4), balance: BigInt(o.length) }));
  });
  const byCodePoint = [...owners].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  expect([...bank.byOwner.keys()]).toEqual(byCodePoint);
  expect(byCodePoint.indexOf('\uFFFD')).toBeLessThan(byCodePoint.indexOf('\u{1F600}'));
  expect(bank.byOwner.get('ab')!.balance).toBe(2n);
  expect(bank.byOwner.get('a\u0000')!.balance).toBe(2n);
  expect(bank.byOwner.get('a')!.balance).toBe(1n);
  expect(bank.byOwner.get('ä'.repeat(16))!.owner).toBe('ääää');
  expect([...bank.byOwner.range({ gte: 'a', lt: 'b' })].map(([k]) => k)).toEqual(['a', 'a\u0000', 'ab']);
  expectSound(bank.byOwner);
});

test('bytes keys order bytewise, shorter first on a common prefix; string values', () => {
  const keys = [[], [0], [0, 0], [0, 1], [1], [255], [255, 255, 255, 255, 255, 255, 255, 255]].map((b) => new Uint8Array(b));
  runTransaction(pool, () => {
    for (const k of [...keys].reverse()) bank.tags.set(k, `len ${k.length}`);
  });
  expect([...bank.tags.keys()].map((k) => [...k])).toEqual(keys.map((k) => [...k]));
  expect(bank.tags.get(new Uint8Array([0, 1]))).toBe('len 2');
  expect(bank.tags.get(new Uint8Array([0, 1, 0]))).toBeUndefined();
  expectSound(bank.tags);
});

test('ref values are live objects (the same view); null is a value, distinct from a missing key', () => {
  const a = pool.create(Account, { owner: 'ada', balance: 100n });
  bank.byId.set(1n, a);
  bank.byId.set(2n, null as unknown as Account);
  expect(bank.byId.get(1n)).toBe(a);
  expect(bank.byId.get(2n)).toBeNull();
  expect(bank.byId.has(2n)).toBe(true);
  expect(bank.byId.get(3n)).toBeUndefined();
  bank.byId.set(1n, pool.create(Account, { owner: 'bob', balance: 5n }));
  expect(bank.byId.get(1n)!.owner).toBe('bob');
  pool.free(a);
  expect(bank.byId.size).toBe(2);
});

test('Map-shaped API: set returns the map, forEach, entries/keys/values, delete returns a boolean', () => {
  const owner = pool.create(Bank);
  const m = owner.counts;
  expect(m.set(3n, 30n).set(1n, 10n).set(2n, 20n)).toBe(m);
  const seen: [bigint, bigint][] = [];
  m.forEach(function (this: unknown, v, k, map) {
    expect(map).toBe(m);
    expect(this).toBe(seen);
    seen.push([k, v]);
  }, seen);
  expect(seen).toEqual([[1n, 10n], [2n, 20n], [3n, 30n]]);
  expect([...m.values()]).toEqual([10n, 20n, 30n]);
  expect([...m.entries()]).toEqual(seen);
  expect(m.delete(2n)).toBe(true);
  expect(m.delete(2n)).toBe(false);
  expect(new Map(m)).toEqual(new Map([[1n, 10n], [3n, 30n]]));
  pool.free(owner);
  // Every Account is held only by a map: reachable through it, not a leak.
  expect(pool.deepCheck().problems).toEqual([]);
});
