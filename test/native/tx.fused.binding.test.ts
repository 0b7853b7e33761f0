/**
 * The fused transaction calls (txBeginAddRange, txBeginAlloc, txCommitEnd, txCommitBatch) and the
 * action API's redo commit (publishWords) at the binding level: bad arguments are typed errors that
 * leave the pool's bytes as they were and no transaction open; a fused call whose later part fails
 * ends what it began (txCommitBatch aborts, rolling back the transaction's earlier stores);
 * publishWords writes exactly the words it is given, durably.
 */
import { createHash } from 'node:crypto';
import * as n from '@pmemts/native';
import { tempDir } from '../core/fixtures';

const tmp = tempDir('native-fused');
afterAll(() => tmp.cleanup());
let pool: n.NativePool;
let file: string;
/** A 256-byte object filled with 0xee: the target of every write below. */
let o: number;

beforeEach(() => {
  file = tmp.file('fused');
  pool = n.create(file, 'fused', n.MIN_POOL_SIZE);
  pool.txBegin();
  o = pool.txAlloc(256, 1);
  pool.txCommit();
  pool.txEnd();
  pool.memsetPersist(o, 0xee, 256);
});
afterEach(() => {
  if (pool.closed) return;
  if (pool.txStage() === n.TxStage.Work) pool.txAbort();
  while (pool.txStage() !== n.TxStage.None) pool.txEnd();
  pool.close();
});

const digest = (p: n.NativePool = pool) => createHash('sha1').update(new Uint8Array(p.buffer)).digest('hex');
const bytesAt = (offset: number, length: number) => [...new Uint8Array(pool.buffer, offset, length)];
const ranges = (...triples: number[]) => new Float64Array(triples);
const word = (value: number) => new Uint8Array(8).fill(value);

/** `call` throws `type` (with `code`, when given), no byte of the pool changes and no transaction is left open. */
function expectRejected(call: () => unknown, type: new (...args: never[]) => Error, code?: string): void {
  const before = digest();
  let thrown: unknown = null;
  try {
    call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(type);
  if (code !== undefined) expect(thrown).toMatchObject({ code });
  expect(digest()).toBe(before);
  expect(pool.txStage()).toBe(n.TxStage.None);
}

describe('txBeginAddRange', () => {
  test('bad arguments: typed errors, nothing begun', () => {
    for (const bad of [-1, 1.5, NaN, '8', undefined, 2 ** 53]) {
      expectRejected(() => pool.txBeginAddRange(bad as number, 8), TypeError);
      expectRejected(() => pool.txBeginAddRange(o, bad as number), TypeError);
    }
    expectRejected(() => pool.txBeginAddRange(o, 8, 1 << 9), TypeError);
    expectRejected(() => pool.txBeginAddRange(o, 0), n.OutOfBoundsError, 'OUT_OF_BOUNDS');
    expectRejected(() => pool.txBeginAddRange(pool.size - 4, 8), n.OutOfBoundsError, 'OUT_OF_BOUNDS');
    expectRejected(() => pool.txBeginAddRange(pool.size, 1), n.OutOfBoundsError, 'OUT_OF_BOUNDS');
  });

  test('opens the transaction and snapshots: abort restores, txCommitEnd commits', () => {
    pool.txBeginAddRange(o, 8);
    expect(pool.txStage()).toBe(n.TxStage.Work);
    new Uint8Array(pool.buffer, o, 8).fill(1);
    pool.txAbort();
    expect(pool.txEnd()).not.toBe(0);
    expect(bytesAt(o, 8)).toEqual(Array(8).fill(0xee));
    pool.txBeginAddRange(o, 8);
    new Uint8Array(pool.buffer, o, 8).fill(2);
    expect(pool.txCommitEnd()).toBe(0);
    expect(pool.txStage()).toBe(n.TxStage.None);
    expect(bytesAt(o, 9)).toEqual([...Array(8).fill(2), 0xee]);
  });

  test("while another pool's transaction is open: TX_OTHER_POOL, the other transaction untouched", () => {
    const other = n.create(tmp.file('other'), 'fused', n.MIN_POOL_SIZE);
    try {
      other.txBegin();
      const otherBefore = digest(other);
      expectRejected(() => pool.txBeginAddRange(o, 8), n.TransactionError, 'TX_OTHER_POOL');
      expectRejected(() => pool.txBeginAlloc(64, 1), n.TransactionError, 'TX_OTHER_POOL');
      expect(digest(other)).toBe(otherBefore);
      expect(other.txStage()).toBe(n.TxStage.Work);
      expect(other.txCommitEnd()).toBe(0);
    } finally {
      if (other.txStage() === n.TxStage.Work) other.txAbort();
      while (other.txStage() !== n.TxStage.None) other.txEnd();
      other.close();
    }
  });

  test('inside a committed, not yet ended transaction: TX_NOT_ACTIVE', () => {
    pool.txBegin();
    pool.txCommit();
    expect(() => pool.txBeginAddRange(o, 8)).toThrow(expect.objectContaining({ code: 'TX_NOT_ACTIVE' }));
    expect(pool.txStage()).toBe(n.TxStage.OnCommit);
    expect(pool.txEnd()).toBe(0);
    expect(bytesAt(o, 8)).toEqual(Array(8).fill(0xee));
  });
});

describe('txBeginAlloc', () => {
  test('bad arguments: typed errors, nothing begun', () => {
    for (const bad of [-1, 1.5, NaN, '8', undefined]) {
      expectRejected(() => pool.txBeginAlloc(bad as number, 1), TypeError);
      expectRejected(() => pool.txBeginAlloc(64, bad as number), TypeError);
    }
    expectRejected(() => pool.txBeginAlloc(64, 1, 1 << 7), TypeError);
    expectRejected(() => pool.txBeginAlloc(0, 1), n.OutOfBoundsError, 'OUT_OF_BOUNDS');
    expectRejected(() => pool.txBeginAlloc(n.MAX_ALLOC_SIZE + 1, 1), n.OutOfBoundsError, 'OUT_OF_BOUNDS');
  });

  test('an allocation the pool cannot hold: OutOfSpaceError and the transaction it began is ended', () => {
    const error = (() => {
      try {
        pool.txBeginAlloc(64 * 1024 * 1024, 7);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(n.OutOfSpaceError);
    expect(error).toMatchObject({ code: 'OUT_OF_SPACE' });
    expect(pool.txStage()).toBe(n.TxStage.None);
    expect(pool.first(7)).toBe(0);
    // Nothing is left open: a whole transaction runs next.
    const fresh = pool.txBeginAlloc(64, 7);
    expect(pool.txCommitEnd()).toBe(0);
    expect(pool.isObject(fresh)).toBe(true);
    expect(pool.typeNum(fresh)).toBe(7);
  });
});

describe('txCommitEnd', () => {
  test('with no transaction of this pool open: TX_NOT_ACTIVE', () => {
    expectRejected(() => pool.txCommitEnd(), n.TransactionError, 'TX_NOT_ACTIVE');
    const other = n.create(tmp.file('other'), 'fused', n.MIN_POOL_SIZE);
    other.txBegin();
    expect(() => pool.txCommitEnd()).toThrow(expect.objectContaining({ code: 'TX_NOT_ACTIVE' }));
    expect(other.txStage()).toBe(n.TxStage.Work);
    other.txAbort();
    other.txEnd();
    other.close();
  });

  test('after an abort: TX_NOT_ACTIVE, the transaction still to be ended', () => {
    pool.txBeginAddRange(o, 8);
    pool.txAbort();
    expect(() => pool.txCommitEnd()).toThrow(expect.objectContaining({ code: 'TX_NOT_ACTIVE' }));
    expect(pool.txStage()).toBe(n.TxStage.OnAbort);
    expect(pool.txEnd()).not.toBe(0);
  });

  test('ends one level of a nested transaction at a time', () => {
    pool.txBegin();
    pool.txBeginAddRange(o, 8);
    new Uint8Array(pool.buffer, o, 8).fill(3);
    expect(pool.txCommitEnd()).toBe(0);
    expect(pool.txStage()).toBe(n.TxStage.Work);
    expect(pool.txCommitEnd()).toBe(0);
    expect(pool.txStage()).toBe(n.TxStage.None);
    expect(bytesAt(o, 8)).toEqual(Array(8).fill(3));
  });
});

describe('txCommitBatch', () => {
  test('with no transaction open: TX_NOT_ACTIVE, nothing written', () => {
    expectRejected(() => pool.txCommitBatch(ranges(o, 8, 0), word(1)), n.TransactionError, 'TX_NOT_ACTIVE');
  });

  test('copies its ranges with the transaction, then commits and ends it', () => {
    pool.txBeginAddRange(o + 128, 8);
    new Uint8Array(pool.buffer, o + 128, 8).fill(4);
    pool.txCommitBatch(ranges(o, 4, 0, o + 16, 2, 4, 0, 0, 0), new Uint8Array([1, 2, 3, 4, 5, 6]), 0, 2);
    expect(pool.txStage()).toBe(n.TxStage.None);
    expect(bytesAt(o, 5)).toEqual([1, 2, 3, 4, 0xee]);
    expect(bytesAt(o + 16, 3)).toEqual([5, 6, 0xee]);
    expect(bytesAt(o + 128, 8)).toEqual(Array(8).fill(4));
  });

  // Each bad call aborts the open transaction: what it stored through txAddRange is rolled back.
  const badCalls: [string, () => void, new (...args: never[]) => Error][] = [
    ['ranges not a Float64Array', () => pool.txCommitBatch([o, 8, 0] as never, word(1)), TypeError],
    ['ranges a Float32Array', () => pool.txCommitBatch(new Float32Array([o, 8, 0]) as never, word(1)), TypeError],
    ['source not a Uint8Array', () => pool.txCommitBatch(ranges(o, 8, 0), [1, 2, 3, 4, 5, 6, 7, 8] as never), TypeError],
    ['source an Int8Array', () => pool.txCommitBatch(ranges(o, 8, 0), new Int8Array(8) as never), TypeError],
    ['unknown flags', () => pool.txCommitBatch(ranges(o, 8, 0), word(1), 1 << 9), TypeError],
    ['count beyond the triples', () => pool.txCommitBatch(ranges(o, 8, 0), word(1), 0, 2), TypeError],
    ['count not an integer', () => pool.txCommitBatch(ranges(o, 8, 0), word(1), 0, 0.5), TypeError],
    ['ranges not triples', () => pool.txCommitBatch(ranges(o, 8), word(1)), TypeError],
    ['a zero length', () => pool.txCommitBatch(ranges(o, 0, 0), word(1)), TypeError],
    ['a negative offset', () => pool.txCommitBatch(ranges(-8, 8, 0), word(1)), TypeError],
    ['a destination outside the pool', () => pool.txCommitBatch(ranges(o, 8, 0, pool.size - 4, 8, 0), word(1)), n.OutOfBoundsError],
    ['a source range outside the source', () => pool.txCommitBatch(ranges(o, 8, 4), word(1)), n.OutOfBoundsError],
  ];
  test.each(badCalls)('%s: typed error, the transaction aborted and ended', (_name, call, type) => {
    pool.txBegin();
    pool.txAddRange(o + 64, 8);
    new Uint8Array(pool.buffer, o + 64, 8).fill(9);
    expect(call).toThrow(type);
    expect(pool.txStage()).toBe(n.TxStage.None);
    expect(bytesAt(o, 256)).toEqual(Array(256).fill(0xee));
    // Nothing is left open: the next transaction commits.
    pool.txBeginAddRange(o, 8);
    pool.txCommitBatch(ranges(o, 8, 0), word(5));
    expect(bytesAt(o, 9)).toEqual([...Array(8).fill(5), 0xee]);
  });
});

describe('publishWords', () => {
  test('writes exactly the words given, durably', () => {
    const source = new Uint8Array(32).map((_, i) => i + 1);
    pool.publishWords(ranges(o + 8, 16, 0, o + 64, 8, 24, o + 128, 8, 0), source, 2);
    const expected = Array(256).fill(0xee);
    expected.splice(8, 16, ...source.subarray(0, 16));
    expected.splice(64, 8, ...source.subarray(24, 32));
    expect(bytesAt(o, 256)).toEqual(expected); // the third triple is beyond `count`
    pool.close();
    pool = n.open(file, 'fused');
    expect(bytesAt(o, 256)).toEqual(expected);
    expect(pool.txStage()).toBe(n.TxStage.None);
  });

  test('no triples, or a count of 0: nothing written, no error', () => {
    const before = digest();
    pool.publishWords(new Float64Array(0), new Uint8Array(0));
    pool.publishWords(ranges(o, 8, 0), word(1), 0);
    expect(digest()).toBe(before);
    expect(pool.txStage()).toBe(n.TxStage.None);
  });

  test('takes MAX_PUBLISH_WORDS words in one call, across triples', () => {
    expect(n.MAX_PUBLISH_WORDS).toBeGreaterThanOrEqual(1);
    const big = pool.txBeginAlloc(8 * n.MAX_PUBLISH_WORDS + 64, 2);
    expect(pool.txCommitEnd()).toBe(0);
    const source = new Uint8Array(8 * n.MAX_PUBLISH_WORDS).fill(0x5a);
    const half = 8 * Math.floor(n.MAX_PUBLISH_WORDS / 2);
    pool.publishWords(ranges(big, half, 0, big + half, source.length - half, half), source);
    expect(new Uint8Array(pool.buffer, big, source.length).every((b) => b === 0x5a)).toBe(true);
    expect(new Uint8Array(pool.buffer, big + source.length, 8).every((b) => b === 0)).toBe(true);
  });

  test('bad arguments: typed errors, nothing written', () => {
    expectRejected(() => pool.publishWords([o, 8, 0] as never, word(1)), TypeError);
    expectRejected(() => pool.publishWords(new Float32Array([o, 8, 0]) as never, word(1)), TypeError);
    expectRejected(() => pool.publishWords(ranges(o, 8, 0), [1, 2, 3, 4, 5, 6, 7, 8] as never), TypeError);
    expectRejected(() => pool.publishWords(ranges(o, 8, 0), new Int8Array(8) as never), TypeError);
    expectRejected(() => pool.publishWords(ranges(o, 8), word(1)), TypeError);
    expectRejected(() => pool.publishWords(ranges(o, 8, 0), word(1), 2), TypeError);
    expectRejected(() => pool.publishWords(ranges(o, 8, 0), word(1), -1), TypeError);
    expectRejected(() => pool.publishWords(ranges(o, 8, 0), word(1), 1.5), TypeError);
    expectRejected(() => pool.publishWords(ranges(o, 0, 0), word(1)), TypeError);
    expectRejected(() => pool.publishWords(ranges(o, 8, 0.5), word(1)), TypeError);
    // Misaligned: offset, length, or both; a bad triple after good ones rejects the whole call.
    expectRejected(() => pool.publishWords(ranges(o + 4, 8, 0), word(1)), TypeError);
    expectRejected(() => pool.publishWords(ranges(o, 4, 0), word(1)), TypeError);
    expectRejected(() => pool.publishWords(ranges(o, 12, 0), new Uint8Array(16)), TypeError);
    expectRejected(() => pool.publishWords(ranges(o, 8, 0, o + 17, 8, 0), word(1)), TypeError);
    // Too many words, in one triple or summed over several.
    const tooMany = new Uint8Array(8 * (n.MAX_PUBLISH_WORDS + 1));
    expectRejected(() => pool.publishWords(ranges(o, tooMany.length, 0), tooMany), TypeError);
    const perTriple = 8 * Math.ceil((n.MAX_PUBLISH_WORDS + 1) / 2);
    expectRejected(() => pool.publishWords(ranges(o, perTriple, 0, o + perTriple, perTriple, 0), new Uint8Array(perTriple)), TypeError);
    // Outside the pool or outside the source.
    expectRejected(() => pool.publishWords(ranges(pool.size, 8, 0), word(1)), n.OutOfBoundsError, 'OUT_OF_BOUNDS');
    expectRejected(() => pool.publishWords(ranges(pool.size - 8, 16, 0), new Uint8Array(16)), n.OutOfBoundsError, 'OUT_OF_BOUNDS');
    expectRejected(() => pool.publishWords(ranges(o, 8, 0, 2 ** 40, 8, 0), word(1)), n.OutOfBoundsError, 'OUT_OF_BOUNDS');
    expectRejected(() => pool.publishWords(ranges(o, 16, 0), word(1)), n.OutOfBoundsError, 'OUT_OF_BOUNDS');
    expectRejected(() => pool.publishWords(ranges(o, 8, 8), word(1)), n.OutOfBoundsError, 'OUT_OF_BOUNDS');
  });

  test('while a transaction is open, of this pool or another: TX_OPEN, the transaction untouched', () => {
    pool.txBeginAddRange(o + 64, 8);
    new Uint8Array(pool.buffer, o + 64, 8).fill(9);
    const before = digest();
    expect(() => pool.publishWords(ranges(o, 8, 0), word(1))).toThrow(expect.objectContaining({ code: 'TX_OPEN' }));
    expect(() => pool.publishWords(ranges(o, 8, 0), word(1))).toThrow(n.TransactionError);
    expect(() => pool.runBatch(ranges(o, 8, 0), word(1))).toThrow(expect.objectContaining({ code: 'TX_OPEN' }));
    expect(digest()).toBe(before);
    expect(pool.txStage()).toBe(n.TxStage.Work);
    pool.txAbort();
    pool.txEnd();
    expect(bytesAt(o, 256)).toEqual(Array(256).fill(0xee));

    const other = n.create(tmp.file('other'), 'fused', n.MIN_POOL_SIZE);
    other.txBegin();
    expectRejected(() => pool.publishWords(ranges(o, 8, 0), word(1)), n.TransactionError, 'TX_OPEN');
    expectRejected(() => pool.runBatch(ranges(o, 8, 0), word(1)), n.TransactionError, 'TX_OPEN');
    expect(other.txStage()).toBe(n.TxStage.Work);
    other.txAbort();
    other.txEnd();
    other.close();
    pool.publishWords(ranges(o, 8, 0), word(1));
    expect(bytesAt(o, 9)).toEqual([...Array(8).fill(1), 0xee]);
  });

  test('on a closed pool: PoolClosedError', () => {
    pool.close();
    expect(() => pool.publishWords(ranges(o, 8, 0), word(1))).toThrow(n.PoolClosedError);
    expect(() => pool.txCommitBatch(ranges(o, 8, 0), word(1))).toThrow(n.PoolClosedError);
    expect(() => pool.txBeginAddRange(o, 8)).toThrow(n.PoolClosedError);
    expect(() => pool.txBeginAlloc(8, 1)).toThrow(n.PoolClosedError);
    expect(() => pool.txCommitEnd()).toThrow(n.PoolClosedError);
    pool = n.open(file, 'fused');
    expect(bytesAt(o, 256)).toEqual(Array(256).fill(0xee));
  });
});
