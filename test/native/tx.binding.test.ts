import * as n from '@pmemts/native';
import { tempDir } from '../core/fixtures';

const tmp = tempDir('native-tx');
afterAll(() => tmp.cleanup());
const MiB = 1024 * 1024;
let pool: n.NativePool;
let dv: DataView;
beforeEach(() => {
  pool = n.create(tmp.file('tx'), 'tx', 16 * MiB);
  dv = new DataView(pool.buffer);
});
afterEach(() => {
  if (!pool.closed) {
    if (pool.txStage() !== n.TxStage.None) {
      if (pool.txStage() === n.TxStage.Work) pool.txAbort();
      while (pool.txStage() !== n.TxStage.None) pool.txEnd();
    }
    pool.close();
  }
});

function inTx<T>(fn: () => T): T {
  pool.txBegin();
  const r = fn();
  pool.txCommit();
  expect(pool.txEnd()).toBe(0);
  return r;
}

test('abort restores snapshotted bytes and rolls back alloc and free', () => {
  const keep = inTx(() => pool.txAlloc(64, 5));
  dv.setUint32(keep, 0, true);
  pool.persist(keep, 4);
  pool.txBegin();
  expect(pool.txStage()).toBe(n.TxStage.Work);
  pool.txAddRange(keep, 4);
  dv.setUint32(keep, 99, true);
  const fresh = pool.txAlloc(32, 6, n.XAllocFlags.Zero);
  expect(dv.getUint32(fresh, true)).toBe(0);
  expect(pool.isObject(fresh)).toBe(true);
  pool.txFree(keep);
  expect(pool.isObject(keep)).toBe(false);
  pool.txAbort();
  expect(pool.txStage()).toBe(n.TxStage.OnAbort);
  expect(pool.txEnd()).not.toBe(0);
  expect(dv.getUint32(keep, true)).toBe(0);
  expect(pool.isObject(keep)).toBe(true);
  expect(pool.isObject(fresh)).toBe(false);
});

test('realloc, typeNum, usableSize and iteration by type', () => {
  const a = inTx(() => pool.txAlloc(40, 1));
  const b = inTx(() => pool.txAlloc(40, 2));
  const c = inTx(() => pool.txAlloc(40, 1));
  expect(pool.typeNum(b)).toBe(2);
  expect(pool.usableSize(a)).toBeGreaterThanOrEqual(40);
  const ofType1: number[] = [];
  for (let o = pool.first(1); o !== 0; o = pool.next(o, 1)) ofType1.push(o);
  expect(ofType1.sort()).toEqual([a, c].sort());
  const all: number[] = [];
  for (let o = pool.first(); o !== 0; o = pool.next(o)) all.push(o);
  expect(all.length).toBe(3); // the root object is not part of the heap walk
  const moved = inTx(() => pool.txRealloc(a, 4096, 1));
  expect(pool.usableSize(moved)).toBeGreaterThanOrEqual(4096);
  if (moved !== a) expect(pool.isObject(a)).toBe(false);
});

test('nested transactions flatten: an inner abort aborts the outer one', () => {
  const o = inTx(() => pool.txAlloc(8, 1));
  pool.txBegin();
  pool.txAddRange(o, 8);
  dv.setFloat64(o, 1, true);
  pool.txBegin();
  pool.txAddRange(o, 8);
  dv.setFloat64(o, 2, true);
  pool.txAbort();
  pool.txEnd();
  expect(pool.txStage()).toBe(n.TxStage.OnAbort);
  expect(() => pool.txAddRange(o, 8)).toThrow(n.TransactionError);
  pool.txEnd();
  expect(dv.getFloat64(o, true)).toBe(0);
});

test('txWriteBatch and runBatch snapshot and copy in one call', () => {
  const o = inTx(() => pool.txAlloc(64, 1));
  const src = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  pool.runBatch(new Float64Array([o, 4, 0, o + 32, 4, 4]), src);
  expect([...new Uint8Array(pool.buffer, o, 4)]).toEqual([1, 2, 3, 4]);
  expect([...new Uint8Array(pool.buffer, o + 32, 4)]).toEqual([5, 6, 7, 8]);
  pool.txBegin();
  pool.txWriteBatch(new Float64Array([o, 8, 0]), new Uint8Array(8).fill(9));
  pool.txAbort();
  pool.txEnd();
  expect([...new Uint8Array(pool.buffer, o, 4)]).toEqual([1, 2, 3, 4]);
  // A bad triple anywhere rejects the whole batch before any byte is written.
  expect(() => pool.runBatch(new Float64Array([o, 4, 0, pool.size, 4, 0]), src)).toThrow(n.OutOfBoundsError);
  expect(() => pool.runBatch(new Float64Array([o, 4, 6]), src)).toThrow(n.OutOfBoundsError);
  expect(() => pool.runBatch(new Float64Array([o, 4]), src)).toThrow(TypeError);
  expect(() => pool.runBatch([o, 4, 0] as never, src)).toThrow(TypeError);
  expect(() => pool.runBatch(new Float64Array([o, 4, 0]), src, 1 << 9)).toThrow(TypeError);
  expect([...new Uint8Array(pool.buffer, o, 4)]).toEqual([1, 2, 3, 4]);
  pool.txBegin();
  expect(() => pool.runBatch(new Float64Array([o, 4, 0]), src)).toThrow(n.TransactionError);
});

test('transaction misuse is a TransactionError, never a libpmemobj abort', () => {
  const o = inTx(() => pool.txAlloc(8, 1));
  expect(() => pool.txAddRange(o, 8)).toThrow(expect.objectContaining({ code: 'TX_NOT_ACTIVE' }));
  expect(() => pool.txAlloc(8, 1)).toThrow(n.TransactionError);
  expect(() => pool.txFree(o)).toThrow(n.TransactionError);
  expect(() => pool.txCommit()).toThrow(n.TransactionError);
  expect(() => pool.txAbort()).toThrow(n.TransactionError);
  expect(() => pool.txEnd()).toThrow(n.TransactionError);
  pool.txBegin();
  expect(() => pool.txEnd()).toThrow(expect.objectContaining({ code: 'TX_NOT_FINISHED' }));
  expect(() => pool.close()).toThrow(n.TransactionError);
  expect(() => pool.root(128)).toThrow(n.TransactionError);
  const other = n.create(tmp.file('other'), 'tx', 8 * MiB);
  expect(() => other.txBegin()).toThrow(expect.objectContaining({ code: 'TX_OTHER_POOL' }));
  expect(() => other.txAddRange(64, 8)).toThrow(n.TransactionError);
  pool.txCommit();
  pool.txEnd();
  other.close();
});

test('out of space is OutOfSpaceError; after abort the pool is still usable', () => {
  pool.txBegin();
  let error: unknown;
  try {
    for (;;) pool.txAlloc(256 * 1024, 3);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(n.OutOfSpaceError);
  expect((error as n.OutOfSpaceError).code).toBe('OUT_OF_SPACE');
  pool.txAbort();
  pool.txEnd();
  expect(pool.first(3)).toBe(0);
  const o = inTx(() => pool.txAlloc(1024, 3));
  expect(pool.isObject(o)).toBe(true);
});

test('persistence outside transactions', () => {
  const o = inTx(() => pool.txAlloc(128, 1));
  pool.memcpyPersist(o, new Uint8Array([7, 7, 7]));
  expect([...new Uint8Array(pool.buffer, o, 3)]).toEqual([7, 7, 7]);
  pool.memsetPersist(o, 0xab, 16, n.MemFlags.NonTemporal);
  expect(new Uint8Array(pool.buffer, o, 16).every((b) => b === 0xab)).toBe(true);
  dv.setUint8(o, 1);
  pool.flush(o, 1);
  pool.drain();
  pool.persist(o, 128);
  expect(() => pool.memcpyPersist(o, new Uint8Array(1), 1 << 12)).toThrow(TypeError);
  expect(() => pool.memsetPersist(o, 256, 1)).toThrow(TypeError);
});

test('ctl: stats and settings by name', () => {
  pool.ctlSet('stats.enabled', 1);
  expect(pool.ctlGet('stats.enabled')).toBe(1);
  const before = pool.ctlGet('stats.heap.curr_allocated');
  inTx(() => pool.txAlloc(4096, 1));
  expect(pool.ctlGet('stats.heap.curr_allocated')).toBeGreaterThan(before);
  pool.ctlSet('prefault.at_open', 0);
  expect(() => pool.ctlGet('no.such.ctl' as never)).toThrow(TypeError);
  expect(() => pool.ctlSet('stats.heap.curr_allocated', 1)).toThrow(/read-only/);
});

test('every offset and length is bounds-checked; bad numbers are TypeErrors', () => {
  const o = inTx(() => pool.txAlloc(16, 1));
  const size = pool.size;
  expect(() => pool.persist(size, 1)).toThrow(n.OutOfBoundsError);
  expect(() => pool.persist(size - 4, 8)).toThrow(n.OutOfBoundsError);
  expect(() => pool.flush(2 ** 52, 1)).toThrow(n.OutOfBoundsError);
  expect(() => pool.memcpyPersist(size - 1, new Uint8Array(2))).toThrow(n.OutOfBoundsError);
  expect(() => pool.memsetPersist(size, 0, 1)).toThrow(n.OutOfBoundsError);
  expect(() => pool.root(0)).toThrow(n.OutOfBoundsError);
  for (const bad of [-1, 1.5, NaN, Infinity, '8', 2 ** 53]) {
    expect(() => pool.persist(bad as number, 1)).toThrow(TypeError);
    expect(() => pool.typeNum(bad as number)).toThrow(TypeError);
  }
  pool.txBegin();
  expect(() => pool.txAddRange(size - 4, 8)).toThrow(n.OutOfBoundsError);
  expect(() => pool.txAddRange(o, 0)).toThrow(n.OutOfBoundsError);
  expect(() => pool.txAddRange(o, 8, 1 << 9)).toThrow(TypeError);
  expect(() => pool.txAlloc(0, 1)).toThrow(n.OutOfBoundsError);
  expect(() => pool.txAlloc(8, 1, 1 << 7)).toThrow(TypeError);
  for (const offset of [o + 8, 12345, size - 64, 0]) {
    expect(() => pool.txFree(offset)).toThrow(n.InvalidObjectError);
    expect(() => pool.txRealloc(offset, 32, 1)).toThrow(n.InvalidObjectError);
  }
  expect(() => pool.txFree(pool.root(64) as number)).toThrow(n.TransactionError); // root() cannot run in a tx
  pool.txAbort();
  pool.txEnd();
  const root = pool.root(64);
  pool.txBegin();
  expect(() => pool.txFree(root)).toThrow(n.InvalidObjectError);
  pool.txFree(o);
  expect(() => pool.txFree(o)).toThrow(n.InvalidObjectError); // double free in one transaction
  pool.txCommit();
  pool.txEnd();
  for (const call of [() => pool.typeNum(o), () => pool.usableSize(o), () => pool.next(o)]) expect(call).toThrow(n.InvalidObjectError);
  expect(pool.isObject(o)).toBe(false);
});
