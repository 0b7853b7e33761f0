import { Field, FieldValueError, LayoutDefinitionError, PMap, PVector, Persistent, Pool, runTransaction } from '@pmemts/core';
import { Account, Bank, Other, TYPES, expectSound, tempDir } from './fixtures';

const tmp = tempDir('map-bad');
afterAll(() => tmp.cleanup());

let pool: Pool;
let bank: Bank;
let snapshot: () => unknown;
let other: Other;
beforeAll(() => {
  pool = Pool.create(tmp.file('bad'), { types: TYPES });
  bank = pool.root(Bank);
  runTransaction(pool, () => {
    bank.byOwner.set('ada', pool.create(Account, { owner: 'ada', balance: 1n }));
    bank.counts.set(1n, 1n);
    bank.small.set(1, 1);
    bank.tags.set(new Uint8Array([1]), 'one');
  });
  other = pool.create(Other);
  const heapSize = () => [...pool.heap()].length;
  snapshot = () => ({
    heap: heapSize(),
    owners: [...bank.byOwner.keys()],
    counts: [...bank.counts],
    small: [...bank.small],
    tags: [...bank.tags].map(([k, v]) => [[...k], v]),
    stats: pool.stats().commits,
  });
});
afterAll(() => pool.close());

const cases: [string, () => unknown, RegExp][] = [
  ['a string for a u64 key', () => bank.counts.set('1' as unknown as bigint, 1n), /ColBank\.counts key: expected a bigint/],
  ['a float for a u64 key', () => bank.counts.set(1.5 as unknown as bigint, 1n), /counts key/],
  ['a negative u64 key', () => bank.counts.set(-1n, 1n), /outside/],
  ['a u32 key over 2^32 - 1', () => bank.small.set(2 ** 32, 1), /ColBank\.small key: expected an integer in \[0, 4294967295\]/],
  ['a u8 value of 256', () => bank.small.set(2, 256), /ColBank\.small value: expected an integer in \[0, 255\]/],
  ['a NaN f64 key', () => bank.times.set(NaN, new Date()), /NaN cannot be a key/],
  ['an invalid Date value', () => bank.times.set(1, new Date(NaN)), /expected a valid Date/],
  ['a string key over maxBytes', () => bank.byOwner.set('x'.repeat(33), bank.byOwner.get('ada')!), /33 UTF-8 bytes exceed the capacity of 32/],
  ['a multi-byte string key over maxBytes', () => bank.byOwner.set('é'.repeat(17), bank.byOwner.get('ada')!), /34 UTF-8 bytes/],
  ['a number for a string key', () => bank.byOwner.set(5 as unknown as string, bank.byOwner.get('ada')!), /expected a string/],
  ['a bytes key over maxLength', () => bank.tags.set(new Uint8Array(9), 'x'), /9 bytes exceed the key's maxLength of 8/],
  ['a string for a bytes key', () => bank.tags.set('ab' as unknown as Uint8Array, 'x'), /expected a Uint8Array/],
  ['a string value over maxBytes', () => bank.tags.set(new Uint8Array(2), 'x'.repeat(13)), /exceed the capacity of 12/],
  ['a value of the wrong class', () => bank.byOwner.set('bob', other as unknown as Account), /expected a ColAccount, got a ColOther/],
  ['a plain object as a ref value', () => bank.byOwner.set('bob', { owner: 'bob', balance: 1n } as Account), /expected a live ColAccount object of this pool/],
  ['undefined as a ref value', () => bank.byOwner.set('bob', undefined as unknown as Account), /expected a ColAccount object or null/],
  ['a missing key (get)', () => bank.counts.get(undefined as unknown as bigint), /expected a bigint/],
  ['a key of the wrong type (delete)', () => bank.counts.delete('1' as unknown as bigint), /expected a bigint/],
  ['a key of the wrong type (has)', () => bank.small.has(-1), /expected an integer/],
];

test.each(cases)('%s: FieldValueError naming the field, nothing changed', (_what, act, message) => {
  const before = snapshot();
  let caught: unknown;
  try {
    act();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(FieldValueError);
  expect(String((caught as Error).message)).toMatch(message);
  expect(snapshot()).toEqual(before);
  expectSound(bank.byOwner);
});

test('a ref to a freed object, or to an object of another pool: FieldValueError, nothing changed', () => {
  const gone = pool.create(Account, { owner: 'gone', balance: 0n });
  pool.free(gone);
  const before = snapshot();
  expect(() => bank.byOwner.set('gone', gone)).toThrow(/was freed/);
  const otherPool = Pool.create(tmp.file('other'), { types: TYPES });
  const foreign = otherPool.create(Account, { owner: 'f', balance: 0n });
  expect(() => bank.byOwner.set('f', foreign)).toThrow(/belongs to another pool/);
  expect(() => bank.recent.push(foreign)).toThrow(FieldValueError);
  otherPool.close();
  expect(snapshot()).toEqual(before);
  expect(bank.recent.length).toBe(0);
});

test('a map or vector field cannot be assigned, at create or afterwards', () => {
  const before = snapshot();
  expect(() => {
    (bank as unknown as Record<string, unknown>).counts = new Map();
  }).toThrow(/ColBank\.counts: a map field cannot be assigned; change its contents with set, delete and clear/);
  expect(() => {
    (bank as unknown as Record<string, unknown>).recent = [];
  }).toThrow(FieldValueError);
  expect(() => pool.create(Bank, { counts: new Map() } as unknown as Partial<Bank>)).toThrow(FieldValueError);
  expect(snapshot()).toEqual(before);
});

test('decoration refuses malformed map and vector fields, naming the fix', () => {
  const declare = (type: unknown) => () => {
    class Broken {
      x!: unknown;
    }
    Field(type as never)(Broken.prototype, 'x');
  };
  expect(declare({ type: 'map', key: 'u8', value: 'f64' })).toThrow(/a map key is one of u32, i32, u64, i64, f64/);
  expect(declare({ type: 'map', key: 'bool', value: 'f64' })).toThrow(LayoutDefinitionError);
  expect(declare({ type: 'map', key: { type: 'string' }, value: 'f64' })).toThrow(/a string key needs maxBytes/);
  expect(declare({ type: 'map', key: { type: 'string', maxbytes: 3 }, value: 'f64' })).toThrow(/remove maxbytes/);
  expect(declare({ type: 'map', key: { type: 'bytes', maxLength: 0 }, value: 'f64' })).toThrow(/maxLength/);
  expect(declare({ type: 'map', key: 'u64' })).toThrow(/a map value is a scalar name/);
  expect(declare({ type: 'map', key: 'u64', value: Account })).toThrow(/not the class itself/);
  expect(declare({ type: 'map', key: 'u64', value: 'f64', of: 'u8' })).toThrow(/remove of/);
  expect(declare({ type: 'vector', of: { type: 'heapString' } })).toThrow(/a vector's 'of' is a scalar name/);
  expect(declare({ type: 'vector' })).toThrow(LayoutDefinitionError);
  @Persistent({ name: 'ColNotInPool' })
  class NotInPool {
    @Field({ type: 'map', key: 'u64', value: () => Unregistered }) m!: PMap<bigint, unknown>;
  }
  class Unregistered {}
  expect(() => Pool.create(tmp.file('unregistered'), { types: [NotInPool] })).toThrow(/holds references to Unregistered, which is not @Persistent/);
});

test('PMap and PVector are not constructed by hand', () => {
  expect(() => new (PMap as unknown as new () => unknown)()).toThrow(/declare a field @Field\(\{ type: 'map'/);
  expect(() => new (PVector as unknown as new () => unknown)()).toThrow(/declare a field @Field\(\{ type: 'vector'/);
});
