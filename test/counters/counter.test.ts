/**
 * Striped counters: the field's layout, sums across stripes under both write policies and every
 * persistence level, rotation over stripes (read back from the pool file), what a transaction logs,
 * abort, reopen, bad input, plain data, and schema changes.
 */
import * as fs from 'node:fs';
import 'reflect-metadata';
import {
  COUNTER_MAX,
  Field,
  FieldValueError,
  fromPlain,
  InvalidObjectError,
  LayoutDefinitionError,
  PCounter,
  PersistenceLevel,
  Persistent,
  Pool,
  PoolClosedError,
  resolveLayout,
  resolveLayouts,
  runTransaction,
  SchemaMismatchError,
  toPlain,
  TransactionError,
  WritePolicy,
} from '@pmemts/core';
import { tempDir } from '../core/fixtures';

const tmp = tempDir('counters');
afterAll(() => tmp.cleanup());

@Persistent({ name: 'CtrPoint' })
class Point {
  @Field('i32') x!: number;
  @Field({ type: 'counter', stripes: 2 }) moves!: PCounter;
}

@Persistent({ name: 'CtrHits' })
class Hits {
  @Field('u8') tag!: number;
  @Field({ type: 'counter', stripes: 8 }) hits!: PCounter;
  @Field('u64') plain!: bigint;
  @Field({ type: 'struct', of: () => Point }) at!: Point;
}

const TYPES = [Hits, Point];
const STRIPE = 64;

const POLICIES = [WritePolicy.WriteThrough, WritePolicy.WriteBack] as const;
const LEVELS = [PersistenceLevel.Transaction, PersistenceLevel.Flush, PersistenceLevel.None] as const;

function open(file: string, writePolicy: WritePolicy = WritePolicy.WriteThrough, persistenceLevel: PersistenceLevel = PersistenceLevel.Transaction): Pool {
  const memory = { writePolicy, persistenceLevel };
  return fs.existsSync(file) ? Pool.open(file, { types: TYPES, memory, probe: false }) : Pool.create(file, { types: TYPES, memory });
}

/** The stripes of `Hits.hits` as the pool file holds them (pool offsets are file offsets). */
function stripesInFile(file: string, objectOffset: number, field = 'hits', count = 8): bigint[] {
  const offset = objectOffset + resolveLayouts([Hits])[0].fields.find((f) => f.name === field)!.offset;
  const bytes = fs.readFileSync(file);
  return Array.from({ length: count }, (_, i) => bytes.readBigUInt64LE(offset + i * STRIPE));
}

/** Runs `fn` as the level requires: in a transaction at the Transaction level, bare otherwise. */
function store(pool: Pool, level: PersistenceLevel, fn: () => void): void {
  if (level === PersistenceLevel.Transaction) runTransaction(pool, fn);
  else fn();
}

describe('layout', () => {
  test('a counter is stripes × 64 bytes, aligned to a cache line, and its stripe count is in the fingerprint', () => {
    const [hits] = resolveLayouts([Hits]);
    const field = hits.fields.find((f) => f.name === 'hits')!;
    expect({ kind: field.kind, length: field.length, offset: field.offset, size: field.size, align: field.align }).toEqual({ kind: 'counter', length: 8, offset: 64, size: 512, align: 64 });
    expect(hits.fields.find((f) => f.name === 'plain')!.offset).toBe(576);
    expect(hits.align).toBe(64);

    @Persistent({ name: 'CtrFour' })
    class Four {
      @Field({ type: 'counter', stripes: 4 }) c!: PCounter;
    }
    @Persistent({ name: 'CtrFour' })
    class FourAgain {
      @Field({ type: 'counter', stripes: 4 }) c!: PCounter;
    }
    @Persistent({ name: 'CtrFour' })
    class Five {
      @Field({ type: 'counter', stripes: 5 }) c!: PCounter;
    }
    const [four, again, five] = [Four, FourAgain, Five].map((c) => resolveLayout(c));
    expect(four.size).toBe(256);
    expect(again.fingerprint).toBe(four.fingerprint);
    expect(five.fingerprint).not.toBe(four.fingerprint);
  });

  test.each([
    [{ type: 'counter' }, /needs stripes.*got undefined/],
    [{ type: 'counter', stripes: 0 }, /from 1 to 64.*got 0/],
    [{ type: 'counter', stripes: 65 }, /got 65/],
    [{ type: 'counter', stripes: 2.5 }, /got 2.5/],
    [{ type: 'counter', stripes: '8' }, /got 8/],
    [{ type: 'counter', stripes: 8, of: 'u64' }, /takes type, stripes, align; remove of/],
    [{ type: 'counter', stripes: 8, align: 3 }, /align must be a power of two/],
  ])('@Field(%p) is refused at decoration', (spec, message) => {
    const declare = () => {
      class Bad {
        hits!: PCounter;
      }
      Field(spec as never)(Bad.prototype, 'hits');
    };
    expect(declare).toThrow(LayoutDefinitionError);
    expect(declare).toThrow(message);
    expect(declare).toThrow(/^Bad\.hits: /);
  });

  test('reopening with another stripe count is a schema mismatch naming the field', () => {
    const file = tmp.file('mismatch');
    open(file).close();
    @Persistent({ name: 'CtrHits' })
    class Narrower {
      @Field('u8') tag!: number;
      @Field({ type: 'counter', stripes: 4 }) hits!: PCounter;
      @Field('u64') plain!: bigint;
      @Field({ type: 'struct', of: () => Point }) at!: Point;
    }
    expect(() => Pool.open(file, { types: [Narrower, Point], probe: false })).toThrow(SchemaMismatchError);
    expect(() => Pool.open(file, { types: [Narrower, Point], probe: false })).toThrow(/CtrHits\.hits: field: pool has counter \(length 8\).*code has counter \(length 4\)/);
  });
});

describe.each(POLICIES)('%s', (policy) => {
  describe.each(LEVELS)('%s level', (level) => {
    test('adds sum across stripes, survive reopen, and toPlain gives the sum', () => {
      const file = tmp.file(`sum-${policy}-${level}`);
      let pool = open(file, policy, level);
      const h = pool.root(Hits);
      let expected = 0n;
      for (let i = 1; i <= 20; i++) {
        store(pool, level, () => h.hits.add(i % 2 === 0 ? BigInt(i) : i));
        expected += BigInt(i);
        expect(h.hits.value).toBe(expected);
      }
      store(pool, level, () => h.at.moves.add(3));
      expect(h.hits).toBe(h.hits); // one handle per object
      expect(h.at.moves).toBe(h.at.moves); // embedded structs too, though their views are made afresh
      expect(toPlain(h)).toMatchObject({ hits: 210n, at: { x: 0, moves: 3n } });
      const offset = pool.locate(h).offset;
      pool.close();
      const stripes = stripesInFile(file, offset);
      expect(stripes.reduce((a, b) => a + b, 0n)).toBe(210n);
      // 20 adds over 8 stripes, one each in turn: every stripe took two or three of them.
      expect(stripes.every((s) => s > 0n)).toBe(true);
      pool = open(file, policy, level);
      const again = pool.objectAt(offset) as Hits;
      expect([again.hits.value, again.at.moves.value]).toEqual([210n, 3n]);
      pool.close();
    });
  });

  test('eight consecutive adds, each in its own transaction, touch eight different stripes', () => {
    const file = tmp.file(`rotate-${policy}`);
    const pool = open(file, policy);
    const h = pool.root(Hits);
    for (let i = 0; i < 8; i++) runTransaction(pool, () => h.hits.add(1n << BigInt(8 * i)));
    const offset = pool.locate(h).offset;
    pool.close();
    const stripes = stripesInFile(file, offset);
    // Each add is a different power of 256: each stripe holds exactly one of them.
    expect(new Set(stripes).size).toBe(8);
    expect(stripes.reduce((a, b) => a + b, 0n)).toBe(0x0101010101010101n);
  });

  test('a transaction keeps one stripe for all its adds to a counter, and the next one takes the next stripe', () => {
    const file = tmp.file(`one-stripe-${policy}`);
    const pool = open(file, policy);
    const h = pool.root(Hits);
    runTransaction(pool, () => {
      for (let i = 0; i < 5; i++) h.hits.add(1);
    });
    runTransaction(pool, () => h.hits.add(100));
    const offset = pool.locate(h).offset;
    pool.close();
    const used = stripesInFile(file, offset).filter((s) => s !== 0n);
    expect(used.sort()).toEqual([100n, 5n]);
  });

  test('an abort rolls the adds back, and the counter counts on afterwards', () => {
    const file = tmp.file(`abort-${policy}`);
    const pool = open(file, policy);
    const h = pool.root(Hits);
    runTransaction(pool, () => h.hits.add(7));
    expect(() =>
      runTransaction(pool, () => {
        h.hits.add(5);
        h.plain = 9n;
        h.hits.add(6);
        expect(h.hits.value).toBe(18n);
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect([h.hits.value, h.plain]).toEqual([7n, 0n]);
    for (let i = 0; i < 9; i++) runTransaction(pool, () => h.hits.add(1));
    expect(h.hits.value).toBe(16n);
    pool.close();
    const again = open(file, policy);
    expect(again.root(Hits).hits.value).toBe(16n);
    again.close();
  });

  test('at the Flush and None levels an abort does not undo an add, as for any store of those levels', () => {
    const pool = open(tmp.file(`flush-abort-${policy}`), policy, PersistenceLevel.Flush);
    const h = pool.root(Hits);
    expect(() =>
      runTransaction(pool, () => {
        h.hits.add(4);
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(h.hits.value).toBe(4n);
    pool.close();
  });

  test('at the Transaction level an add outside runTransaction is TX_REQUIRED and changes nothing', () => {
    const pool = open(tmp.file(`outside-${policy}`), policy);
    const h = pool.root(Hits);
    runTransaction(pool, () => h.hits.add(2));
    expect(() => h.hits.add(1)).toThrow(TransactionError);
    expect(() => h.hits.add(1)).toThrow(/add to CtrHits\.hits outside runTransaction/);
    expect(h.hits.value).toBe(2n);
    pool.close();
  });

  test('assigning sets the value (stripe 0 holds it, the others are zeroed) through the ordinary store', () => {
    const file = tmp.file(`assign-${policy}`);
    const pool = open(file, policy);
    const h = pool.root(Hits);
    for (let i = 0; i < 8; i++) runTransaction(pool, () => h.hits.add(1));
    runTransaction(pool, () => {
      h.hits = 42n as unknown as PCounter;
    });
    expect(h.hits.value).toBe(42n);
    expect(() => {
      h.hits = 1n as unknown as PCounter;
    }).toThrow(TransactionError);
    const made = runTransaction(pool, () => pool.create(Hits, { hits: 5n as unknown as PCounter }));
    expect(made.hits.value).toBe(5n);
    const offset = pool.locate(h).offset;
    pool.close();
    expect(stripesInFile(file, offset)).toEqual([42n, 0n, 0n, 0n, 0n, 0n, 0n, 0n]);
  });
});

describe('what an add logs', () => {
  test('write-through: an add snapshots only its stripe (8 bytes); a later store to the object still snapshots the object', () => {
    const pool = open(tmp.file('log-wt'));
    const h = pool.root(Hits);
    runTransaction(pool, () => h.hits.add(1)); // the object exists before the measured transactions
    const before = pool.stats();
    runTransaction(pool, () => {
      h.hits.add(1);
      h.hits.add(2);
    });
    const one = pool.stats();
    expect([one.snapshots - before.snapshots, one.snapshotBytes - before.snapshotBytes]).toEqual([1, 8]);
    runTransaction(pool, () => {
      h.hits.add(1);
      h.plain = 5n;
    });
    const two = pool.stats();
    expect(two.snapshots - one.snapshots).toBe(2);
    expect(two.snapshotBytes - one.snapshotBytes).toBe(8 + resolveLayouts([Hits])[0].size);
    pool.close();
  });

  test('write-back: a transaction that only adds commits one redo word', () => {
    const pool = open(tmp.file('log-wb'), WritePolicy.WriteBack);
    const h = pool.root(Hits);
    runTransaction(pool, () => h.hits.add(1));
    const before = pool.stats();
    runTransaction(pool, () => {
      h.hits.add(1);
      h.hits.add(2);
    });
    const after = pool.stats();
    expect([after.redoCommits - before.redoCommits, after.redoWords - before.redoWords, after.snapshots - before.snapshots]).toEqual([1, 1, 0]);
    pool.close();
  });

  test('write heat: 16 adds, one per transaction, flush each of the 8 stripe lines twice and change 128 bytes', () => {
    const file = tmp.file('heat');
    const pool = Pool.create(file, { types: TYPES, heat: true });
    const h = pool.root(Hits);
    pool.heat({ reset: true });
    for (let i = 0; i < 16; i++) runTransaction(pool, () => h.hits.add(1));
    const report = pool.heat({ top: 100 });
    const offset = pool.locate(h).offset;
    const lines = report.lines.filter((l) => l.object === offset);
    expect(lines.map((l) => [l.flushes, l.fields])).toEqual(Array.from({ length: 8 }, () => [2, ['hits']]));
    expect(report.changedBytes).toBe(128);
    pool.close();
  });

  test('write-through Flush level: each add persists one stripe (8 bytes), the stripes in turn', () => {
    const pool = open(tmp.file('log-flush'), WritePolicy.WriteThrough, PersistenceLevel.Flush);
    const h = pool.root(Hits);
    const before = pool.stats();
    for (let i = 0; i < 16; i++) h.hits.add(1);
    const after = pool.stats();
    expect([after.flushes - before.flushes, after.bytesPersisted - before.bytesPersisted]).toEqual([16, 16 * 8]);
    expect(h.hits.value).toBe(16n);
    pool.close();
  });
});

describe('bad input changes nothing', () => {
  const file = tmp.file('bad');
  let pool: Pool;
  let h: Hits;
  beforeAll(() => {
    pool = open(file);
    h = pool.root(Hits);
    runTransaction(pool, () => h.hits.add(10));
  });
  afterAll(() => pool.close());

  test.each([
    [1.5, TypeError, /n must be a bigint or a safe integer, got the number 1.5/],
    [NaN, TypeError, /got the number NaN/],
    [2 ** 53, TypeError, /safe integer/],
    ['1', TypeError, /got the string "1"/],
    [null, TypeError, /got null/],
    [undefined, TypeError, /got undefined/],
    [{}, TypeError, /got a Object/],
    [-1, RangeError, /must not be negative, got -1/],
    [-1n, RangeError, /must not be negative/],
    [COUNTER_MAX, RangeError, /over 2\^64 - 1 \(a counter does not wrap\)/],
  ])('add(%p) is a %p and the value stays', (n, type, message) => {
    expect(() => runTransaction(pool, () => h.hits.add(n as never))).toThrow(type);
    expect(() => runTransaction(pool, () => h.hits.add(n as never))).toThrow(message);
    expect(() => runTransaction(pool, () => h.hits.add(n as never))).toThrow(/^CtrHits\.hits\.add\(n\): /);
    expect(h.hits.value).toBe(10n);
  });

  test('the value may reach 2^64 - 1 exactly', () => {
    const file2 = tmp.file('max');
    const p = open(file2);
    const c = p.root(Hits);
    runTransaction(p, () => c.hits.add(COUNTER_MAX - 1n));
    runTransaction(p, () => c.hits.add(1));
    expect(c.hits.value).toBe(COUNTER_MAX);
    expect(() => runTransaction(p, () => c.hits.add(1))).toThrow(RangeError);
    runTransaction(p, () => c.hits.add(0));
    expect(c.hits.value).toBe(COUNTER_MAX);
    p.close();
  });

  test.each([
    [-1n, /outside \[0, 18446744073709551615\]/],
    [2n ** 64n, /outside/],
    ['5', /expected a bigint/],
    [1.5, /expected a bigint/],
  ])('assigning %p is a FieldValueError', (value, message) => {
    expect(() => runTransaction(pool, () => {
      h.hits = value as never;
    })).toThrow(FieldValueError);
    expect(() => runTransaction(pool, () => {
      h.hits = value as never;
    })).toThrow(message);
    expect(h.hits.value).toBe(10n);
  });

  test('a PCounter cannot be constructed by hand', () => {
    expect(() => new (PCounter as unknown as new (...args: unknown[]) => unknown)({}, {}, 0)).toThrow(TypeError);
  });
});

test('a freed object\'s counter throws InvalidObjectError, a closed pool\'s PoolClosedError', () => {
  const pool = open(tmp.file('dead'));
  const h = runTransaction(pool, () => pool.create(Hits));
  const counter = h.hits;
  runTransaction(pool, () => counter.add(1));
  pool.free(h);
  expect(() => counter.value).toThrow(InvalidObjectError);
  expect(() => runTransaction(pool, () => counter.add(1))).toThrow(InvalidObjectError);
  const root = pool.root(Hits).hits;
  pool.close();
  expect(() => root.value).toThrow(PoolClosedError);
  expect(() => root.add(1)).toThrow(PoolClosedError);
});

test('fromPlain assigns a counter its value, and toPlain reads it back', () => {
  const pool = open(tmp.file('plain'));
  const made = fromPlain(pool, Hits, { tag: 1, hits: 12345678901234567890n, plain: 2n, at: { x: 1, moves: 4 } });
  expect(made.hits.value).toBe(12345678901234567890n);
  expect(toPlain(made)).toEqual({ tag: 1, hits: 12345678901234567890n, plain: 2n, at: { x: 1, moves: 4n } });
  expect(() => fromPlain(pool, Hits, { hits: -3n })).toThrow(FieldValueError);
  expect(JSON.stringify({ c: made.hits })).toBe('{"c":"12345678901234567890"}');
  pool.close();
});
