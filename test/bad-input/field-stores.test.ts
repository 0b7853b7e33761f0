/**
 * Bad input to field stores, for every field kind and three memory modes (write-through and write-back
 * at the Transaction level, write-through at the Flush level): wrong JS types, out-of-range numbers,
 * bigints beyond 64 bits, f32 overflow/underflow, invalid dates, strings over capacity in UTF-8 bytes,
 * wrong-length arrays and bytes, views that cannot be referenced. A refused store throws a typed error
 * and leaves the object and the heap as they were; an accepted one reads back exactly (also after a
 * reopen).
 */
import * as fs from 'node:fs';
import 'reflect-metadata';
import {
  Field, FieldValueError, InvalidObjectError, Persistent, PersistenceLevel, Pool, PoolClosedError, PoolCorruptError, Ref, TransactionError,
  WritePolicy, MemoryTier, runTransaction,
} from '@pmemts/core';
import { Point, tempDir } from '../core/fixtures';
import { expectOutcome, expectRefusedUnchanged, fieldsOf, poolImage, refused, type Outcome, type Refused } from './harness';

const tmp = tempDir('bad-fields');
afterAll(() => tmp.cleanup());

type Obj = Record<string, unknown>;

/** One class per memory mode, with every field kind (decorated by hand so the three share one shape). */
function allKinds(name: string, memory?: Record<string, unknown>): new () => object {
  const Class = { [name]: class {} }[name];
  const field = (property: string, ...args: Parameters<typeof Field>) => Field(...args)(Class.prototype, property);
  field('u8', 'u8');
  field('i8', 'i8');
  field('u16', 'u16');
  field('i16', 'i16');
  field('u32', 'u32');
  field('i32', 'i32');
  field('u64', 'u64');
  field('i64', 'i64');
  field('f32', 'f32');
  field('f64', 'f64');
  field('flag', 'bool');
  field('when', 'timestamp');
  field('name', { type: 'string', maxBytes: 16 });
  field('essay', { type: 'heapString' });
  field('blob', { type: 'heapBytes' });
  field('tag', { type: 'bytes', length: 4 });
  field('triple', { type: 'array', of: 'u16', length: 3 });
  field('floats', { type: 'array', of: 'f32', length: 2 });
  field('at', { type: 'struct', of: () => Point });
  Ref(() => Class)(Class.prototype, 'other');
  Persistent({ name, memory })(Class);
  return Class;
}

/** Its first field is a struct, so a view of that struct starts where its parent does. */
@Persistent({ name: 'Wrapper' })
class Wrapper {
  @Field({ type: 'struct', of: () => Point }) p!: Point;
  @Ref(() => Wrapper) next!: Wrapper | null;
  @Ref(() => Point) point!: Point | null;
}

const modes = [
  { mode: 'write-through, Transaction', Class: allKinds('KindsWT'), transactional: true },
  { mode: 'write-back, Transaction', Class: allKinds('KindsWB', { cacheTier: MemoryTier.StandardDRAM, writePolicy: WritePolicy.WriteBack }), transactional: true },
  { mode: 'write-through, Flush', Class: allKinds('KindsFlush', { persistenceLevel: PersistenceLevel.Flush }), transactional: false },
] as const;
type Mode = (typeof modes)[number];
const types = [Point, Wrapper, ...modes.map((m) => m.Class)];

const INITIAL: Obj = {
  u8: 7, i8: -7, u16: 7, i16: -7, u32: 7, i32: -7, u64: 7n, i64: -7n, f32: 1.5, f64: 2.5, flag: true, when: new Date(1_000),
  name: 'initial', essay: 'initial essay', blob: new Uint8Array([1, 2, 3]), tag: new Uint8Array([9, 9, 9, 9]), triple: [1, 2, 3],
  floats: [0.5, 0.25], at: { x: 1, y: 2 },
};

/** What a row's value may depend on: objects made in beforeAll. */
interface Context {
  pool: Pool;
  subject: Obj;
  otherPoolObject: object;
  freed: object;
  rolledBack: object;
  counterpart: object;
  closedPoolObject: object;
}

let pool: Pool;
let otherPool: Pool;
let closedPool: Pool;
const ctx = new Map<Mode, Context>();
const wrappers: { a: Wrapper; b: Wrapper } = {} as never;

beforeAll(() => {
  pool = Pool.create(tmp.file('main'), { types, size: 16 * 1024 * 1024 });
  otherPool = Pool.create(tmp.file('other'), { types, size: 8 * 1024 * 1024 });
  closedPool = Pool.create(tmp.file('closed'), { types, size: 8 * 1024 * 1024 });
  for (const m of modes) {
    const subject = pool.create(m.Class, INITIAL as never) as Obj;
    const freed = pool.create(m.Class);
    pool.free(freed);
    let rolledBack: object | undefined;
    expect(() => runTransaction(pool, () => {
      rolledBack = pool.create(m.Class);
      throw new Error('roll back');
    })).toThrow('roll back');
    ctx.set(m, {
      pool,
      subject,
      otherPoolObject: otherPool.create(m.Class),
      freed,
      rolledBack: rolledBack!,
      counterpart: pool.create(modes.find((o) => o !== m)!.Class),
      closedPoolObject: closedPool.create(m.Class),
    });
  }
  wrappers.a = pool.create(Wrapper);
  wrappers.b = pool.create(Wrapper);
  closedPool.close();
});
afterAll(() => {
  if (!pool.closed) pool.close();
  otherPool.close();
});

/** A store as the mode wants it: inside runTransaction for the Transaction level, plain for Flush. */
function store(m: Mode, target: object, field: string, value: unknown): void {
  const assign = () => { (target as Obj)[field] = value; };
  if (m.transactional) runTransaction(pool, assign);
  else assign();
}

interface Row {
  readonly field: string;
  readonly label: string;
  readonly value: (c: Context) => unknown;
  readonly outcome: Refused | { readonly readsBack: unknown };
}

const fieldValue = refused(FieldValueError, 'FIELD_VALUE');
const bad = (field: string, label: string, value: unknown): Row =>
  ({ field, label, value: () => value, outcome: fieldValue });
const badView = (field: string, label: string, value: (c: Context) => unknown): Row =>
  ({ field, label, value, outcome: fieldValue });
const stores = (field: string, label: string, value: unknown, readsBack: unknown = value): Row =>
  ({ field, label, value: () => value, outcome: { readsBack } });

const notNumbers: [string, unknown][] = [['a string', '1'], ['a bigint', 1n], ['null', null], ['undefined', undefined], ['a boolean', true], ['a Number object', new Number(1)]];
const intRanges: [string, number, number][] = [['u8', 0, 0xff], ['i8', -0x80, 0x7f], ['u16', 0, 0xffff], ['i16', -0x8000, 0x7fff], ['u32', 0, 0xffffffff], ['i32', -0x80000000, 0x7fffffff]];
const F32_MAX = 3.4028234663852886e38;
const F32_MIN = 1.401298464324817e-45; // smallest positive subnormal
const lone = '\ud800';
const FFFD = '\ufffd';

const rows: Row[] = [
  // Integers up to 32 bits: numbers only, integral, in range; the bounds themselves are stored.
  ...intRanges.flatMap(([f, min, max]): Row[] => [
    bad(f, `${max + 1}`, max + 1),
    bad(f, `${min - 1}`, min - 1),
    bad(f, '1.5', 1.5),
    bad(f, 'NaN', NaN),
    bad(f, 'Infinity', Infinity),
    ...notNumbers.map(([label, v]) => bad(f, label, v)),
    stores(f, `${min}`, min),
    stores(f, `${max}`, max),
  ]),
  stores('u8', '-0 (an integer zero)', -0, 0),
  // 64-bit integers: bigints, or safe-integer numbers.
  bad('u64', '-1n', -1n),
  bad('u64', '2^64', 2n ** 64n),
  bad('u64', '2^53 as a number (not exact)', 2 ** 53),
  bad('u64', '1.5', 1.5),
  bad('u64', 'a string', '1'),
  bad('u64', 'NaN', NaN),
  bad('u64', 'null', null),
  bad('i64', '2^63', 2n ** 63n),
  bad('i64', '-2^63 - 1', -(2n ** 63n) - 1n),
  bad('i64', 'a Date', new Date(0)),
  stores('u64', '2^64 - 1', 2n ** 64n - 1n),
  stores('u64', 'a safe integer number', 2 ** 53 - 1, 2n ** 53n - 1n),
  stores('i64', '-2^63', -(2n ** 63n)),
  stores('i64', '2^63 - 1', 2n ** 63n - 1n),
  // f32: rounding is the contract, overflow to ±Infinity and underflow to 0 are refused.
  bad('f32', '1e39 (overflows)', 1e39),
  bad('f32', '-1e39 (overflows)', -1e39),
  bad('f32', 'Number.MAX_VALUE', Number.MAX_VALUE),
  bad('f32', '1e-46 (underflows to 0)', 1e-46),
  bad('f32', '-1e-46 (underflows to -0)', -1e-46),
  bad('f32', 'Number.MIN_VALUE', Number.MIN_VALUE),
  ...notNumbers.map(([label, v]) => bad('f32', label, v)),
  stores('f32', 'the largest finite f32', F32_MAX),
  stores('f32', '3.4028235e38 (rounds down to the largest)', 3.4028235e38, F32_MAX),
  stores('f32', 'the smallest subnormal', F32_MIN),
  stores('f32', '1e-45 (rounds to the smallest subnormal)', 1e-45, F32_MIN),
  stores('f32', '0.1 (rounded)', 0.1, Math.fround(0.1)),
  stores('f32', 'NaN', NaN),
  stores('f32', 'Infinity', Infinity),
  stores('f32', '-Infinity', -Infinity),
  stores('f32', '-0', -0),
  ...notNumbers.map(([label, v]) => bad('f64', label, v)),
  stores('f64', 'NaN', NaN),
  stores('f64', '-Infinity', -Infinity),
  stores('f64', '-0', -0),
  stores('f64', 'Number.MIN_VALUE', Number.MIN_VALUE),
  bad('flag', '1', 1),
  bad('flag', "'true'", 'true'),
  bad('flag', 'null', null),
  stores('flag', 'false', false),
  bad('when', 'an invalid Date', new Date(NaN)),
  bad('when', 'a number', 1_000),
  bad('when', 'an ISO string', '2020-01-01T00:00:00Z'),
  bad('when', 'null', null),
  stores('when', 'the latest Date', new Date(8.64e15)),
  stores('when', 'the earliest Date', new Date(-8.64e15)),
  // Inline strings: capacity in UTF-8 bytes, lone surrogates become U+FFFD (3 bytes) as UTF-8 demands.
  bad('name', '17 ASCII bytes', 'x'.repeat(17)),
  bad('name', "9 × 'é' (18 bytes, 9 chars)", 'é'.repeat(9)),
  bad('name', '5 emoji (20 bytes, 10 UTF-16 units)', '😀'.repeat(5)),
  bad('name', '6 lone surrogates (18 bytes once encoded, 6 UTF-16 units)', lone.repeat(6)),
  bad('name', 'a number', 42),
  bad('name', 'null', null),
  bad('name', 'a String object', new String('x')),
  stores('name', "8 × 'é' (16 bytes: exactly full)", 'é'.repeat(8)),
  stores('name', '4 emoji (16 bytes)', '😀'.repeat(4)),
  stores('name', 'a lone high surrogate reads back as U+FFFD', `a${lone}b`, `a${FFFD}b`),
  stores('name', '5 lone surrogates (15 bytes) read back as 5 × U+FFFD', '\udc00'.repeat(5), FFFD.repeat(5)),
  stores('name', 'a NUL inside', 'a\0b'),
  stores('name', 'empty', ''),
  bad('essay', 'a number', 42),
  bad('essay', 'null', null),
  bad('essay', 'undefined', undefined),
  bad('essay', 'a Uint8Array', new Uint8Array(2)),
  stores('essay', 'a lone low surrogate reads back as U+FFFD', `x\udc00`, `x${FFFD}`),
  stores('essay', '10,000 chars', 'é'.repeat(10_000)),
  stores('essay', 'empty', ''),
  bad('blob', 'a string', 'abc'),
  bad('blob', 'an array', [1, 2, 3]),
  bad('blob', 'a Uint16Array', new Uint16Array(2)),
  bad('blob', 'an ArrayBuffer', new ArrayBuffer(2)),
  bad('blob', 'null', null),
  stores('blob', 'a Buffer', Buffer.from('abc'), new Uint8Array([97, 98, 99])),
  stores('blob', 'empty', new Uint8Array(0)),
  bad('tag', '3 bytes', new Uint8Array(3)),
  bad('tag', '5 bytes', Buffer.alloc(5)),
  bad('tag', 'an array of 4', [1, 2, 3, 4]),
  bad('tag', 'a Uint8ClampedArray of 4', new Uint8ClampedArray(4)),
  bad('tag', 'a 4-char string', 'abcd'),
  stores('tag', 'a Buffer of 4', Buffer.from([1, 2, 3, 4]), new Uint8Array([1, 2, 3, 4])),
  bad('triple', '2 elements', [1, 2]),
  bad('triple', '4 elements', [1, 2, 3, 4]),
  bad('triple', 'the last out of range (nothing written)', [4, 5, 65536]),
  bad('triple', 'a string element', [1, 2, '3']),
  bad('triple', 'a hole', [1, , 3]), // eslint-disable-line no-sparse-arrays
  bad('triple', 'an array-like object', { length: 3, 0: 1, 1: 2, 2: 3 }),
  bad('triple', 'a 3-char string', 'abc'),
  bad('triple', 'a DataView', new DataView(new ArrayBuffer(6))),
  bad('triple', 'a Uint16Array of 2', new Uint16Array(2)),
  stores('triple', 'a Uint16Array of 3', Uint16Array.of(4, 5, 65535), [4, 5, 65535]),
  bad('floats', 'an element overflowing f32', [1, 1e39]),
  bad('floats', 'an element underflowing f32', [1e-46, 1]),
  stores('floats', 'NaN and a rounded value', [NaN, 0.1], [NaN, Math.fround(0.1)]),
  // Embedded structs: validated whole, before any byte is written.
  bad('at', 'a number', 42),
  bad('at', 'null', null),
  bad('at', 'the second field invalid (the first must not be written)', { x: 100, y: 'bad' }),
  bad('at', 'an unknown key', { x: 100, z: 1 }),
  bad('at', 'an out-of-range field', { x: 2 ** 40, y: 0 }),
  // An embedded struct is stored under its parent's memory mode (a Flush-level object's struct outside a transaction).
  stores('at', 'a whole value', { x: -5, y: 5 }),
  // Refs: null or a live object of this pool and of the target class.
  bad('other', 'undefined', undefined),
  bad('other', 'a number', 42),
  bad('other', 'a string', 'x'),
  bad('other', 'a plain object', { u8: 1 }),
  bad('other', 'an array', []),
  badView('other', 'an object of another class', (c) => c.counterpart),
  badView('other', 'an object of another pool', (c) => c.otherPoolObject),
  badView('other', 'a freed object', (c) => c.freed),
  badView('other', 'an object whose allocation was rolled back', (c) => c.rolledBack),
  badView('other', 'an object of a closed pool', (c) => c.closedPoolObject),
  badView('other', 'an embedded struct view', (c) => c.subject.at),
  stores('other', 'null', null),
];

describe.each(modes)('$mode', (m) => {
  for (const row of rows) {
    test(`${row.field} ← ${row.label}`, () => {
      const c = ctx.get(m)!;
      if ('readsBack' in row.outcome) {
        const target = pool.create(m.Class) as Obj;
        store(m, target, row.field, row.value(c));
        const read = row.field === 'at' ? fieldsOf(pool, target).at : target[row.field];
        expect(read).toEqual(row.outcome.readsBack);
        storedRows.push({ offset: pool.locate(target).offset, Class: m.Class, field: row.field, expected: row.outcome.readsBack });
      } else {
        expectRefusedUnchanged(pool, [c.subject], () => store(m, c.subject, row.field, row.value(c)), row.outcome);
      }
    });
  }

  test('other ← the object itself, and another of its class', () => {
    const c = ctx.get(m)!;
    const target = pool.create(m.Class) as Obj;
    store(m, target, 'other', target);
    expect(pool.locate(target.other as object).offset).toBe(pool.locate(target).offset);
    store(m, target, 'other', c.subject);
    expect(target.other).toBe(c.subject);
  });

  // A struct's bytes are part of its parent's: a write-back parent's DRAM copy must not overwrite them at commit.
  test('at.x and at ← values between stores to the fields around the struct', () => {
    const target = pool.create(m.Class) as Obj & { at: Point };
    const both = () => {
      target.u8 = 1;
      target.at = { x: 5, y: 6 };
      target.other = null;
    };
    if (m.transactional) runTransaction(pool, both);
    else both();
    expect(fieldsOf(pool, target).at).toEqual({ x: 5, y: 6 });
    const nextStores = () => { target.u8 = 2; target.other = target; };
    const structStore = () => { target.at.x = 7; };
    if (m.transactional) {
      runTransaction(pool, structStore);
      runTransaction(pool, nextStores);
    } else {
      structStore();
      nextStores();
    }
    expect(fieldsOf(pool, target).at).toEqual({ x: 7, y: 6 });
    storedRows.push({ offset: pool.locate(target).offset, Class: m.Class, field: 'at', expected: { x: 7, y: 6 } });
  });

  /** The object stored into is unusable: the store is refused with its own error. */
  const targets: { label: string; target: (c: Context) => object; outcome: Outcome }[] = [
    { label: 'a freed object', target: (c) => c.freed, outcome: refused(InvalidObjectError, 'OBJECT_FREED') },
    { label: 'an object whose allocation was rolled back', target: (c) => c.rolledBack, outcome: refused(InvalidObjectError, 'OBJECT_FREED') },
  ];
  for (const t of targets) {
    test(`store into ${t.label}`, () => {
      const c = ctx.get(m)!;
      const before = pool.stats();
      expectOutcome(() => store(m, t.target(c), 'u8', 1), t.outcome);
      expectOutcome(() => (t.target(c) as Obj).u8, t.outcome);
      expect(pool.stats().commits).toBe(before.commits);
    });
  }
  test('store into an object of a closed pool', () => {
    const c = ctx.get(m)!;
    expectOutcome(() => { (c.closedPoolObject as Obj).u8 = 1; }, refused(PoolClosedError, 'POOL_CLOSED'));
    expectOutcome(() => (c.closedPoolObject as Obj).u8, refused(PoolClosedError, 'POOL_CLOSED'));
  });
  if (m.transactional) {
    test('a store outside runTransaction', () => {
      const c = ctx.get(m)!;
      for (const f of ['u8', 'essay', 'other']) {
        expectRefusedUnchanged(pool, [c.subject], () => { c.subject[f] = INITIAL[f] ?? null; }, refused(TransactionError, 'TX_REQUIRED'));
      }
    });
  }
});

/** Struct views where a ref belongs: a view of an embedded struct is not an object, even at offset 0. */
describe('embedded struct views as refs', () => {
  const cases: { label: string; store: () => void }[] = [
    { label: 'a struct at offset 0 into a ref to its parent class', store: () => { wrappers.a.next = wrappers.b.p as never; } },
    { label: 'a struct at offset 0 into a ref to the struct class', store: () => { wrappers.a.point = wrappers.b.p; } },
  ];
  for (const c of cases) {
    test(c.label, () => {
      expectRefusedUnchanged(pool, [wrappers.a, wrappers.b], () => runTransaction(pool, c.store), fieldValue);
    });
  }
});

/** Accepted stores, checked again in a new session: the bytes in the pool are what was read back. */
const storedRows: { offset: number; Class: new () => object; field: string; expected: unknown }[] = [];
test('after a reopen, the objects every refused store aimed at are as they were, and every accepted store reads back', () => {
  expect(storedRows.length).toBeGreaterThan(50);
  const file = pool.path;
  const subjects = modes.map((m) => ctx.get(m)!.subject);
  const image = poolImage(pool, subjects) as { objects: { offset: number }[] };
  pool.close();
  pool = Pool.open(file, { types });
  expect(poolImage(pool, image.objects.map((o) => pool.objectAt(o.offset)))).toEqual(image);
  for (const row of storedRows) {
    const obj = pool.objectAt(row.offset) as Obj;
    expect(obj).toBeInstanceOf(row.Class);
    const read = row.field === 'at' ? fieldsOf(pool, obj).at : obj[row.field];
    expect({ field: row.field, read }).toEqual({ field: row.field, read: row.expected });
  }
});

/** A value no store could have written (a corrupted pool) reads as PoolCorruptError, not as a wrong value. */
test('a stored time beyond the range of a Date reads as PoolCorruptError FIELD_CORRUPT', () => {
  const Class = modes[0].Class;
  const obj = pool.create(Class, { when: new Date(5) } as never) as Obj;
  const { offset, layout } = pool.locate(obj);
  const at = offset + layout.fields.find((f) => f.name === 'when')!.offset;
  const fd = fs.openSync(pool.path, 'r+');
  try {
    const raw = Buffer.alloc(8);
    for (const ms of [8_640_000_000_000_001n, -(2n ** 63n)]) {
      raw.writeBigInt64LE(ms);
      fs.writeSync(fd, raw, 0, 8, at); // the mapping shares the file's page cache
      expectOutcome(() => obj.when, refused(PoolCorruptError, 'FIELD_CORRUPT'));
    }
    raw.writeBigInt64LE(8_640_000_000_000_000n);
    fs.writeSync(fd, raw, 0, 8, at);
    expect(obj.when).toEqual(new Date(8.64e15));
  } finally {
    fs.closeSync(fd);
  }
});
