/**
 * Write-back commits choose their log per transaction (WriteBackCommit): libpmemobj's redo log
 * (publishWords) for a small word-aligned set of stores when the transaction allocated and freed
 * nothing, its undo log otherwise. Whatever the choice, the values must be right in the views and
 * after reopen, an abort must leave the old values, and widening a dirty span to whole 8-byte words
 * must stay inside its object: the bytes around it, neighbouring objects' included, are untouched.
 */
import 'reflect-metadata';
import { Field, Persistent, Pool, runTransaction, WritePolicy } from '@pmemts/core';
import { MAX_PUBLISH_WORDS } from '@pmemts/native';
import { Counter, Everything, Point, tempDir } from './fixtures';

/** 12 bytes: a u32 at offset 4 shares its word with `a`; `c`'s word would end past the object. */
@Persistent({ name: 'Packed' })
class Packed {
  @Field('u32') a!: number;
  @Field('u32') b!: number;
  @Field('u8') c!: number;
}

/** More 8-byte words than one redo commit takes. */
@Persistent({ name: 'Wide' })
class Wide {
  @Field({ type: 'array', of: 'f64', length: MAX_PUBLISH_WORDS + 8 }) values!: number[];
}

const TYPES = [Counter, Packed, Wide, Everything, Point];
const tmp = tempDir('commit-paths');
afterAll(() => tmp.cleanup());

let file: string;
let pool: Pool;
beforeEach(() => {
  file = tmp.file('paths');
  pool = Pool.create(file, { types: TYPES, memory: { writePolicy: WritePolicy.WriteBack } });
});
afterEach(() => {
  if (!pool.closed) pool.close();
});

function reopen(): Pool {
  pool.close();
  pool = Pool.open(file, { types: TYPES, memory: { writePolicy: WritePolicy.WriteBack } });
  return pool;
}

/** What `fn` added to the commit-path counters. */
function countsOf(fn: () => void): { redo: number; snapshots: number } {
  const before = { ...pool.stats() };
  fn();
  const after = pool.stats();
  return { redo: after.redoCommits - before.redoCommits, snapshots: after.snapshots - before.snapshots };
}

function aborted(fn: () => void): void {
  expect(() =>
    runTransaction(pool, () => {
      fn();
      throw new Error('rolled back');
    }),
  ).toThrow('rolled back');
}

const root = () => pool.root(Counter);
const widesOf = (p: Pool) => [...p.objects(Wide)];
const packedOf = (p: Pool) => [...p.objects(Packed)].sort((x, y) => x.a - y.a);
const ramp = (start: number) => Array.from({ length: MAX_PUBLISH_WORDS + 8 }, (_, i) => start + i);

describe('which log a write-back commit takes', () => {
  test('a one-word store: the redo path; values right after reopen; an abort leaves the old value', () => {
    const counter = root();
    expect(countsOf(() => runTransaction(pool, () => (counter.value = 5n)))).toEqual({ redo: 1, snapshots: 0 });
    expect(counter.value).toBe(5n);
    expect(countsOf(() => aborted(() => (counter.value = 9n)))).toEqual({ redo: 0, snapshots: 0 });
    expect(counter.value).toBe(5n);
    // The aborted store must not ride along with the next commit of the same object.
    runTransaction(pool, () => (counter.touched = 1));
    expect(reopen().root(Counter).value).toBe(5n);
    expect(pool.root(Counter).touched).toBe(1);
  });

  test('a transaction that also creates: the undo log of its transaction; abort drops both', () => {
    const counter = root();
    const counts = countsOf(() =>
      runTransaction(pool, () => {
        counter.value = 6n;
        pool.create(Wide, { values: ramp(1) });
      }),
    );
    expect(counts.redo).toBe(0);
    expect(counts.snapshots).toBeGreaterThan(0);
    expect(countsOf(() => aborted(() => {
      counter.value = 7n;
      pool.create(Wide, { values: ramp(2) });
    })).redo).toBe(0);
    expect(counter.value).toBe(6n);
    expect(widesOf(pool).map((w) => w.values[0])).toEqual([1]);
    reopen();
    expect(pool.root(Counter).value).toBe(6n);
    expect(widesOf(pool).map((w) => w.values)).toEqual([ramp(1)]);
  });

  test('more dirty words than MAX_PUBLISH_WORDS: the undo log; abort leaves every old word', () => {
    const wide = pool.create(Wide, { values: ramp(0) });
    const counts = countsOf(() => runTransaction(pool, () => (wide.values = ramp(100))));
    expect(counts.redo).toBe(0);
    expect(counts.snapshots).toBeGreaterThan(0);
    expect(wide.values).toEqual(ramp(100));
    aborted(() => (wide.values = ramp(200)));
    expect(wide.values).toEqual(ramp(100));
    reopen();
    expect(widesOf(pool).map((w) => w.values)).toEqual([ramp(100)]);
  });
});

describe('widening a dirty span to whole words stays inside the object', () => {
  /** Three adjacent Packed objects (a = 1, 2, 3) and the pool bytes around them. */
  function packedRow(): { middle: Packed; region: () => Uint8Array; start: number } {
    const row = [1, 2, 3].map((a) => pool.create(Packed, { a, b: 0x22222222 * a, c: 0x30 + a }));
    const offsets = row.map((p) => pool.locate(p).offset);
    const start = Math.min(...offsets) - 64;
    const end = Math.max(...offsets) + 128;
    const u8 = Pool.sessionOf(pool).pmemBytes();
    return { middle: row[1], region: () => u8.slice(start, end), start };
  }

  /** Pool offsets whose byte differs between two copies of the region at `start`. */
  function changed(before: Uint8Array, after: Uint8Array, start: number): number[] {
    const at: number[] = [];
    for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) at.push(start + i);
    return at;
  }

  function fieldBytes(obj: Packed, name: string): number[] {
    const { offset, layout } = pool.locate(obj);
    const field = layout.fields.find((f) => f.name === name)!;
    const size = name === 'c' ? 1 : 4;
    return Array.from({ length: size }, (_, i) => offset + field.offset + i);
  }

  test('a u32 at offset 4 commits through the redo path; only its own bytes change', () => {
    const { middle, region, start } = packedRow();
    const before = region();
    expect(countsOf(() => runTransaction(pool, () => (middle.b = 0xdeadbeef)))).toEqual({ redo: 1, snapshots: 0 });
    expect(changed(before, region(), start)).toEqual(fieldBytes(middle, 'b')); // 0x44444444 → 0xdeadbeef: every byte differs
    expect([middle.a, middle.b, middle.c]).toEqual([2, 0xdeadbeef, 0x32]);
    reopen();
    expect(packedOf(pool).map((p) => [p.a, p.b, p.c])).toEqual([
      [1, 0x22222222, 0x31],
      [2, 0xdeadbeef, 0x32],
      [3, 0x66666666, 0x33],
    ]);
  });

  test('the last byte of a 12-byte object, whose word would end past it: committed, neighbours untouched', () => {
    const { middle, region, start } = packedRow();
    const before = region();
    // The widened word [8, 16) would end past the object's 12 bytes: the undo log takes the byte.
    expect(countsOf(() => runTransaction(pool, () => (middle.c = 0x7f)))).toEqual({ redo: 0, snapshots: 1 });
    expect(changed(before, region(), start)).toEqual(fieldBytes(middle, 'c'));
    expect([middle.a, middle.b, middle.c]).toEqual([2, 0x44444444, 0x7f]);
    reopen();
    expect(packedOf(pool).map((p) => [p.a, p.b, p.c])).toEqual([
      [1, 0x22222222, 0x31],
      [2, 0x44444444, 0x7f],
      [3, 0x66666666, 0x33],
    ]);
  });

  test('a u32 at the end of a 12-byte object (Counter.touched) commits and leaves the i64 before it alone', () => {
    const counter = root();
    runTransaction(pool, () => (counter.value = -3n));
    runTransaction(pool, () => (counter.touched = 0xfffffffe));
    expect([counter.value, counter.touched]).toEqual([-3n, 0xfffffffe]);
    reopen();
    expect([pool.root(Counter).value, pool.root(Counter).touched]).toEqual([-3n, 0xfffffffe]);
  });

  test("an aborted store to half a word does not ride along with the next commit of the word's other half", () => {
    const { middle, region, start } = packedRow();
    const before = region();
    aborted(() => (middle.b = 0x0badf00d));
    expect(middle.b).toBe(0x44444444);
    expect(changed(before, region(), start)).toEqual([]);
    // `a` shares b's word: a redo commit of `a` writes the whole word from the DRAM copy.
    runTransaction(pool, () => (middle.a = 20));
    expect([middle.a, middle.b]).toEqual([20, 0x44444444]);
    reopen();
    expect(packedOf(pool).map((p) => [p.a, p.b, p.c])).toEqual([
      [1, 0x22222222, 0x31],
      [3, 0x66666666, 0x33],
      [20, 0x44444444, 0x32],
    ]);
  });
});

test('random stores to every kind of field, one to three per transaction, some aborted: reopen shows what the views showed', () => {
  const e = pool.root(Everything);
  let seed = 11;
  const next = (n: number) => (((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n);
  // Fields of every size and alignment (u8 at 0 shares its word with i8, u16 and i16), inline and heap.
  const stores: (() => void)[] = [
    () => (e.u8 = next(256)),
    () => (e.i8 = next(256) - 128),
    () => (e.u16 = next(65536)),
    () => (e.i16 = next(65536) - 32768),
    () => (e.u32 = next(2 ** 24)),
    () => (e.i32 = next(2 ** 24) - 2 ** 23),
    () => (e.u64 = BigInt(next(2 ** 24))),
    () => (e.i64 = -BigInt(next(2 ** 24))),
    () => (e.f32 = next(1000) / 4),
    () => (e.f64 = next(1000) / 3),
    () => (e.flag = next(2) === 1),
    () => (e.when = new Date(next(2 ** 24) * 1000)),
    () => (e.name = `n${next(1000)}`),
    () => (e.essay = 'essay '.repeat(next(20))),
    () => (e.blob = new Uint8Array(next(40)).fill(7)),
    () => (e.tag = new Uint8Array([next(256), 1, 2, 3])),
    () => (e.triple = [next(100), next(100), next(100)]),
    () => (e.at = { x: next(100), y: next(100) } as Point),
  ];
  const shown = (x: Everything) =>
    JSON.stringify([x.u8, x.i8, x.u16, x.i16, x.u32, x.i32, `${x.u64}`, `${x.i64}`, x.f32, x.f64, x.flag, x.when.getTime(), x.name, x.essay, [...x.blob], [...x.tag], x.triple, [x.at.x, x.at.y]]);
  const redoBefore = pool.stats().redoCommits;
  for (let i = 0; i < 300; i++) {
    const picked = Array.from({ length: 1 + next(3) }, () => stores[next(stores.length)]);
    if (next(5) === 0) {
      const before = shown(e);
      aborted(() => picked.forEach((store) => store()));
      expect(shown(e)).toBe(before);
    } else {
      runTransaction(pool, () => picked.forEach((store) => store()));
    }
  }
  expect(pool.stats().redoCommits - redoBefore).toBeGreaterThan(20); // the one-word transactions
  const expected = shown(e);
  expect(shown(reopen().root(Everything))).toBe(expected);
});
