/**
 * Bad input to PVector and PMap beyond their element values (those are test/collections/map.bad-input):
 * indexes, f32 and string capacity of vector elements, a batch with one bad element, callbacks and
 * range options, collections of freed objects and closed pools, and verifyCollection's argument. A
 * refusal is typed and leaves the collections and the heap as they were.
 */
import { FieldValueError, InvalidObjectError, Pool, PoolClosedError, runTransaction, verifyCollection } from '@pmemts/core';
import { Account, Bank, TYPES, tempDir } from '../collections/fixtures';
import { expectOutcome, refused, type Outcome } from './harness';

const tmp = tempDir('bad-collections');
afterAll(() => tmp.cleanup());

let pool: Pool;
let other: Pool;
let bank: Bank;
let account: Account;
let freedAccount: Account;
let otherAccount: Account;
let freedBank: Bank;
beforeAll(() => {
  pool = Pool.create(tmp.file('main'), { types: TYPES, size: 16 * 1024 * 1024 });
  other = Pool.create(tmp.file('other'), { types: TYPES, size: 8 * 1024 * 1024 });
  bank = pool.root(Bank);
  account = pool.create(Account, { owner: 'ada', balance: 1n });
  freedAccount = pool.create(Account, { owner: 'gone', balance: 0n });
  pool.free(freedAccount);
  otherAccount = other.create(Account, { owner: 'elsewhere', balance: 0n });
  freedBank = pool.create(Bank);
  pool.free(freedBank);
  runTransaction(pool, () => {
    bank.samples.push(0.5, 0.25);
    bank.names.push('a', 'b');
    bank.recent.push(account);
    bank.counts.set(1n, 1n);
  });
});
afterAll(() => {
  pool.close();
  other.close();
});

function image(): unknown {
  return {
    heap: [...pool.heap()],
    samples: [...bank.samples],
    names: [...bank.names],
    recent: [...bank.recent].map((a) => pool.locate(a).offset),
    counts: [...bank.counts],
  };
}

interface Row {
  readonly label: string;
  readonly call: () => unknown;
  readonly outcome: Outcome;
}

const fieldValue = refused(FieldValueError, 'FIELD_VALUE');
const badIndexes: [string, unknown][] = [['-1', -1], ['1.5', 1.5], ['NaN', NaN], ["'0'", '0'], ['2^53', 2 ** 53], ['undefined', undefined]];
const indexError = refused(RangeError, /index/);

const rows: Row[] = [
  ...badIndexes.flatMap(([label, index]): Row[] => [
    { label: `samples.get(${label})`, call: () => bank.samples.get(index as number), outcome: indexError },
    { label: `samples.set(${label}, 1)`, call: () => bank.samples.set(index as number, 1), outcome: indexError },
    { label: `samples.insert(${label}, 1)`, call: () => bank.samples.insert(index as number, 1), outcome: indexError },
    { label: `samples.removeAt(${label})`, call: () => bank.samples.removeAt(index as number), outcome: indexError },
  ]),
  { label: 'samples.get(length)', call: () => bank.samples.get(bank.samples.length), outcome: indexError },
  { label: 'samples.removeAt(length)', call: () => bank.samples.removeAt(bank.samples.length), outcome: indexError },
  { label: 'samples.insert(length + 1, 1)', call: () => bank.samples.insert(bank.samples.length + 1, 1), outcome: indexError },
  { label: 'samples.set(0, 1e39): overflows f32', call: () => bank.samples.set(0, 1e39), outcome: fieldValue },
  { label: 'samples.set(0, 1e-46): underflows f32', call: () => bank.samples.set(0, 1e-46), outcome: fieldValue },
  { label: "samples.set(0, '1')", call: () => bank.samples.set(0, '1' as never), outcome: fieldValue },
  { label: 'samples.push(1, 2, 1e39): nothing pushed', call: () => bank.samples.push(1, 2, 1e39), outcome: fieldValue },
  { label: "samples.push(1, 'x'): nothing pushed", call: () => bank.samples.push(1, 'x' as never), outcome: fieldValue },
  { label: 'names.push(9 bytes)', call: () => bank.names.push('x'.repeat(9)), outcome: fieldValue },
  { label: 'names.push(3 lone surrogates: 9 bytes once encoded)', call: () => bank.names.push('\ud800'.repeat(3)), outcome: fieldValue },
  { label: 'names.insert(0, null)', call: () => bank.names.insert(0, null as never), outcome: fieldValue },
  { label: 'recent.push(a plain object)', call: () => bank.recent.push({ owner: 'x', balance: 0n } as Account), outcome: fieldValue },
  { label: 'recent.push(a freed object)', call: () => bank.recent.push(freedAccount), outcome: fieldValue },
  { label: 'recent.push(an object of another pool)', call: () => bank.recent.push(otherAccount), outcome: fieldValue },
  { label: 'recent.push(undefined)', call: () => bank.recent.push(undefined as never), outcome: fieldValue },
  { label: 'recent.set(0, the bank itself: another class)', call: () => bank.recent.set(0, bank as never), outcome: fieldValue },
  { label: "samples.forEach('x')", call: () => bank.samples.forEach('x' as never), outcome: refused(TypeError, /callback/) },
  { label: "counts.forEach('x')", call: () => bank.counts.forEach('x' as never), outcome: refused(TypeError, /callback/) },
  { label: 'counts.range({ limit: NaN })', call: () => bank.counts.range({ limit: NaN }), outcome: refused(RangeError, /limit/) },
  { label: "counts.range('x')", call: () => bank.counts.range('x' as never), outcome: refused(TypeError, /options/) },
  { label: 'a map of a freed object', call: () => freedBank.counts.set(2n, 2n), outcome: refused(InvalidObjectError, 'OBJECT_FREED') },
  { label: 'a vector of a freed object', call: () => freedBank.samples.push(1), outcome: refused(InvalidObjectError, 'OBJECT_FREED') },
  { label: 'verifyCollection({})', call: () => verifyCollection({} as never), outcome: refused(TypeError, /verifyCollection/) },
  { label: 'verifyCollection(null)', call: () => verifyCollection(null as never), outcome: refused(TypeError, /verifyCollection/) },
];

for (const row of rows) {
  test(row.label, () => {
    const before = image();
    expectOutcome(row.call, row.outcome);
    expect(image()).toEqual(before);
    expect(verifyCollection(bank.samples)).toEqual([]);
  });
}

test('pop of an empty vector is undefined and changes nothing', () => {
  const before = image();
  expect(bank.recent.length).toBe(1);
  expect(pool.create(Bank).names.pop()).toBeUndefined();
  expect(image()).toEqual({ ...(before as object), heap: expect.any(Array) });
});

test('collections of a closed pool: PoolClosedError', () => {
  const closed = Pool.create(tmp.file('closed'), { types: TYPES, size: 8 * 1024 * 1024 });
  const b = closed.root(Bank);
  const map = b.counts;
  const vector = b.samples;
  runTransaction(closed, () => { map.set(1n, 1n); vector.push(1); });
  closed.close();
  const poolClosed = refused(PoolClosedError, 'POOL_CLOSED');
  for (const call of [() => b.counts, () => map.get(1n), () => map.size, () => map.set(2n, 2n), () => [...map], () => vector.length, () => vector.get(0), () => vector.push(2), () => [...vector]]) {
    expectOutcome(call, poolClosed);
  }
});
