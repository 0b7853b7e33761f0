import { Pool, runTransaction, FieldValueError, InvalidObjectError, PoolClosedError, TransactionError } from '@pmemts/core';
import { Counter, Everything, Point, tempDir } from './fixtures';

const tmp = tempDir('objects');
afterAll(() => tmp.cleanup());
const types = [Point, Everything, Counter];

function sample(pool: Pool): Everything {
  return runTransaction(pool, () => {
    const e = pool.create(Everything, {
      u8: 255, i8: -128, u16: 65535, i16: -32768, u32: 4294967295, i32: -2147483648,
      u64: 2n ** 64n - 1n, i64: -(2n ** 63n), f32: 1.5, f64: Math.PI, flag: true, when: new Date(1700000000123),
      name: 'héllo wörld', essay: 'x'.repeat(10000), blob: new Uint8Array([1, 2, 3]), tag: new Uint8Array([9, 8, 7, 6]),
      triple: [1, 2, 3],
    });
    e.at = { x: -5, y: 7 } as Point;
    e.other = e;
    return e;
  });
}

function expectSample(e: Everything): void {
  expect([e.u8, e.i8, e.u16, e.i16, e.u32, e.i32]).toEqual([255, -128, 65535, -32768, 4294967295, -2147483648]);
  expect(e.u64).toBe(2n ** 64n - 1n);
  expect(e.i64).toBe(-(2n ** 63n));
  expect(e.f32).toBe(1.5);
  expect(e.f64).toBe(Math.PI);
  expect(e.flag).toBe(true);
  expect(e.when.getTime()).toBe(1700000000123);
  expect(e.name).toBe('héllo wörld');
  expect(e.essay).toBe('x'.repeat(10000));
  expect([...e.blob]).toEqual([1, 2, 3]);
  expect([...e.tag]).toEqual([9, 8, 7, 6]);
  expect(e.triple).toEqual([1, 2, 3]);
  expect(e.at.x).toBe(-5);
  expect(e.at.y).toBe(7);
  expect(e.other).toBe(e);
}

test('every field type round-trips, across close and reopen', () => {
  const file = tmp.file('roundtrip');
  let pool = Pool.create(file, { types });
  const e = sample(pool);
  expectSample(e);
  expect(e).toBeInstanceOf(Everything);
  pool.close();
  pool = Pool.open(file, { types });
  const [again] = [...pool.objects(Everything)];
  expectSample(again);
  pool.close();
});

test('one view per object: identity holds', () => {
  const pool = Pool.create(tmp.file('identity'), { types });
  const e = sample(pool);
  expect([...pool.objects(Everything)][0]).toBe(e);
  expect(e.other).toBe(e);
  pool.close();
});

test('bad values are typed errors and write nothing', () => {
  const pool = Pool.create(tmp.file('bad'), { types });
  const e = sample(pool);
  const cases: [keyof Everything, unknown][] = [
    ['u8', 300], ['u8', -1], ['u8', 1.5], ['i8', 128], ['u16', 70000], ['i32', 2 ** 31], ['u32', -1],
    ['u64', -1n], ['i64', 2n ** 63n], ['f64', '1'], ['flag', 1], ['when', new Date(NaN)], ['name', 'y'.repeat(17)],
    ['name', 42], ['tag', new Uint8Array(3)], ['triple', [1, 2]], ['triple', [1, 2, 70000]], ['essay', 5], ['blob', 'no'],
    ['other', {}], ['u64', 1.5],
  ];
  for (const [field, value] of cases) {
    expect(() => runTransaction(pool, () => { (e as unknown as Record<string, unknown>)[field] = value; })).toThrow(FieldValueError);
  }
  expectSample(e);
  pool.close();
});

test('a ref to an object of another pool or a freed object is rejected', () => {
  const a = Pool.create(tmp.file('a'), { types });
  const b = Pool.create(tmp.file('b'), { types });
  const ea = sample(a);
  const eb = sample(b);
  expect(() => runTransaction(a, () => { ea.other = eb; })).toThrow(/another pool/);
  const victim = runTransaction(a, () => a.create(Everything));
  a.free(victim);
  expect(() => runTransaction(a, () => { ea.other = victim; })).toThrow(FieldValueError);
  expect(ea.other).toBe(ea);
  a.close();
  b.close();
});

test('freed objects and closed pools throw typed errors', () => {
  const pool = Pool.create(tmp.file('freed'), { types });
  const c = pool.create(Counter, { value: 5n });
  pool.free(c);
  expect(() => c.value).toThrow(InvalidObjectError);
  expect(() => pool.free(c)).toThrow(InvalidObjectError);
  const d = pool.create(Counter, { value: 6n });
  pool.close();
  expect(() => d.value).toThrow(PoolClosedError);
  expect(() => pool.create(Counter)).toThrow(PoolClosedError);
  expect(() => pool.close()).toThrow(PoolClosedError);
});

test('stores outside a transaction are refused', () => {
  const pool = Pool.create(tmp.file('notx'), { types });
  const c = pool.create(Counter, { value: 1n });
  expect(() => { c.value = 2n; }).toThrow(TransactionError);
  expect(c.value).toBe(1n);
  pool.close();
});

test('root is created once and survives reopen', () => {
  const file = tmp.file('root');
  let pool = Pool.create(file, { types });
  const root = pool.root(Counter);
  expect(pool.root(Counter)).toBe(root);
  runTransaction(pool, () => { root.value = 41n; });
  expect(() => pool.root(Point)).toThrow(TypeError);
  pool.close();
  pool = Pool.open(file, { types });
  expect(pool.root(Counter).value).toBe(41n);
  expect(() => pool.free(pool.root(Counter))).toThrow(TypeError);
  pool.close();
});

test('classes not registered with the pool are a TypeError', () => {
  const pool = Pool.create(tmp.file('unregistered'), { types: [Counter] });
  expect(() => pool.create(Point)).toThrow(TypeError);
  expect(() => pool.create(Counter, { nope: 1 } as never)).toThrow(TypeError);
  pool.close();
});
