/**
 * Bad input to @pmemts/native: every numeric parameter of every NativePool method given negative,
 * fractional, NaN, infinite, unsafe, string and bigint values; offsets and lengths beyond the pool;
 * transaction calls outside a transaction; closed handles; and the module functions' arguments. Each
 * refusal is typed and leaves the root object and the allocations as they were.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as native from '@pmemts/native';
import {
  InvalidObjectError, MAX_ALLOC_SIZE, OutOfBoundsError, OutOfSpaceError, PmemError, PoolClosedError, PoolCorruptError, PoolError, TransactionError, TxStage,
} from '@pmemts/native';
import { tempDir } from '../core/fixtures';
import { expectOutcome, refused, type Outcome } from './harness';

const tmp = tempDir('bad-native');
afterAll(() => tmp.cleanup());
const MiB = 1024 * 1024;

let pool: native.NativePool;
let root: number;
let object: number;
beforeAll(() => {
  pool = native.create(tmp.file('main'), 'bad', 8 * MiB);
  root = pool.root(64);
  pool.txBegin();
  object = pool.txAlloc(64, 7);
  pool.txCommit();
  pool.txEnd();
  new Uint8Array(pool.buffer, root, 64).fill(0xab);
  pool.persist(root, 64);
});
afterAll(() => {
  if (!pool.closed) pool.close();
});

/** The root's bytes and the list of allocations: what a refused call must not change. */
function image(): unknown {
  const allocations: [number, number][] = [];
  for (let o = pool.first(); o !== 0; o = pool.next(o)) allocations.push([o, pool.typeNum(o)]);
  return { root: Buffer.from(pool.buffer, root, 64).toString('hex'), allocations };
}

/** Runs `call` inside a transaction of its own and ends it whatever happens. */
function inTx(call: () => unknown): () => unknown {
  return () => {
    pool.txBegin();
    try {
      return call();
    } finally {
      if (pool.txStage() === TxStage.Work) pool.txAbort();
      pool.txEnd();
    }
  };
}

/** Every numeric parameter: the method call with `v` in that position, and the parameter's name. */
const numericParameters: { method: string; name: string; call: (v: unknown) => unknown }[] = [
  { method: 'root', name: 'size', call: (v) => pool.root(v as number) },
  { method: 'persist', name: 'offset', call: (v) => pool.persist(v as number, 8) },
  { method: 'persist', name: 'length', call: (v) => pool.persist(root, v as number) },
  { method: 'flush', name: 'offset', call: (v) => pool.flush(v as number, 8) },
  { method: 'flush', name: 'length', call: (v) => pool.flush(root, v as number) },
  { method: 'memcpyPersist', name: 'offset', call: (v) => pool.memcpyPersist(v as number, new Uint8Array(8)) },
  { method: 'memcpyPersist', name: 'flags', call: (v) => pool.memcpyPersist(root, new Uint8Array(0), v as number) },
  { method: 'memsetPersist', name: 'offset', call: (v) => pool.memsetPersist(v as number, 0, 8) },
  { method: 'memsetPersist', name: 'byte', call: (v) => pool.memsetPersist(root, v as number, 8) },
  { method: 'memsetPersist', name: 'length', call: (v) => pool.memsetPersist(root, 0, v as number) },
  { method: 'first', name: 'typeNum', call: (v) => pool.first(v as number) },
  { method: 'next', name: 'offset', call: (v) => pool.next(v as number) },
  { method: 'typeNum', name: 'offset', call: (v) => pool.typeNum(v as number) },
  { method: 'usableSize', name: 'offset', call: (v) => pool.usableSize(v as number) },
  { method: 'isObject', name: 'offset', call: (v) => pool.isObject(v as number) },
  { method: 'ctlSet', name: 'value', call: (v) => pool.ctlSet('tx.cache.threshold', v as number) },
  { method: 'txAddRange', name: 'offset', call: (v) => inTx(() => pool.txAddRange(v as number, 8))() },
  { method: 'txAddRange', name: 'length', call: (v) => inTx(() => pool.txAddRange(root, v as number))() },
  { method: 'txAddRange', name: 'flags', call: (v) => inTx(() => pool.txAddRange(root, 8, v as number))() },
  { method: 'txAlloc', name: 'size', call: (v) => inTx(() => pool.txAlloc(v as number, 7))() },
  { method: 'txAlloc', name: 'typeNum', call: (v) => inTx(() => pool.txAlloc(64, v as number))() },
  { method: 'txRealloc', name: 'offset', call: (v) => inTx(() => pool.txRealloc(v as number, 128, 7))() },
  { method: 'txRealloc', name: 'size', call: (v) => inTx(() => pool.txRealloc(object, v as number, 7))() },
  { method: 'txFree', name: 'offset', call: (v) => inTx(() => pool.txFree(v as number))() },
  { method: 'txAbort', name: 'errnum', call: (v) => inTx(() => pool.txAbort(v as number))() },
];
const notIntegers: [string, unknown, RegExp][] = [
  ['-1', -1, /must be a non-negative safe integer/],
  ['1.5', 1.5, /must be a non-negative safe integer/],
  ['NaN', NaN, /must be a non-negative safe integer/],
  ['Infinity', Infinity, /must be a non-negative safe integer/],
  ['2^53', 2 ** 53, /must be a non-negative safe integer/],
  ['a string', '8', /must be a number/],
  ['a bigint', 8n, /must be a number/],
];

interface Row {
  readonly label: string;
  readonly call: () => unknown;
  readonly outcome: Outcome;
}

const outOfBounds = refused(OutOfBoundsError, 'OUT_OF_BOUNDS');
const invalidObject = refused(InvalidObjectError, 'INVALID_OBJECT');
const notActive = refused(TransactionError, 'TX_NOT_ACTIVE');
const beyond = () => pool.size + 64;
const batch = (triples: number[], source = new Uint8Array(8)) => () => pool.runBatch(new Float64Array(triples), source);

const rows: Row[] = [
  ...numericParameters.flatMap((p) => notIntegers.map(([label, v, message]): Row => ({
    label: `${p.method}: ${p.name} ${label}`,
    call: () => p.call(v),
    outcome: refused(TypeError, new RegExp(`${p.name} ${message.source}`)),
  }))),
  // Ranges beyond the pool, and ranges that wrap around its end.
  { label: 'persist beyond the pool', call: () => pool.persist(beyond(), 8), outcome: outOfBounds },
  { label: 'persist across the end of the pool', call: () => pool.persist(pool.size - 4, 8), outcome: outOfBounds },
  { label: 'flush of a length larger than the pool', call: () => pool.flush(root, pool.size), outcome: outOfBounds },
  { label: 'memcpyPersist beyond the pool', call: () => pool.memcpyPersist(beyond(), new Uint8Array(8)), outcome: outOfBounds },
  { label: 'memcpyPersist across the end', call: () => pool.memcpyPersist(pool.size - 4, new Uint8Array(8)), outcome: outOfBounds },
  { label: 'memsetPersist beyond the pool', call: () => pool.memsetPersist(beyond(), 0, 8), outcome: outOfBounds },
  { label: 'memsetPersist across the end', call: () => pool.memsetPersist(pool.size - 4, 0, 8), outcome: outOfBounds },
  { label: 'memsetPersist byte 256', call: () => pool.memsetPersist(root, 256, 8), outcome: refused(TypeError, /byte must be between 0 and 255/) },
  { label: 'memcpyPersist of a plain array', call: () => pool.memcpyPersist(root, [1, 2] as never), outcome: refused(TypeError, /source must be a Uint8Array/) },
  { label: 'memcpyPersist of an ArrayBuffer', call: () => pool.memcpyPersist(root, new ArrayBuffer(2) as never), outcome: refused(TypeError, /source must be a Uint8Array/) },
  { label: 'txAddRange beyond the pool', call: inTx(() => pool.txAddRange(beyond(), 8)), outcome: outOfBounds },
  { label: 'txAddRange of length 0', call: inTx(() => pool.txAddRange(root, 0)), outcome: outOfBounds },
  { label: 'root of size 0', call: () => pool.root(0), outcome: outOfBounds },
  { label: 'root larger than the pool', call: () => pool.root(pool.size * 2), outcome: refused(OutOfSpaceError, 'OUT_OF_SPACE') },
  { label: 'txAlloc of size 0', call: inTx(() => pool.txAlloc(0, 7)), outcome: outOfBounds },
  { label: 'txAlloc over MAX_ALLOC_SIZE', call: inTx(() => pool.txAlloc(MAX_ALLOC_SIZE + 1, 7)), outcome: outOfBounds },
  { label: 'txAlloc larger than the pool', call: inTx(() => pool.txAlloc(pool.size, 7)), outcome: refused(OutOfSpaceError, 'OUT_OF_SPACE') },
  { label: 'txRealloc of size 0', call: inTx(() => pool.txRealloc(object, 0, 7)), outcome: outOfBounds },
  // Offsets that are not a live object.
  ...[['beyond the pool', beyond], ['0', () => 0], ['inside an object', () => object + 8], ['the root record’s middle', () => root + 8]].flatMap(([label, at]) => {
    const offset = at as () => number;
    return [
      { label: `next(${label})`, call: () => pool.next(offset()), outcome: invalidObject },
      { label: `typeNum(${label})`, call: () => pool.typeNum(offset()), outcome: invalidObject },
      { label: `usableSize(${label})`, call: () => pool.usableSize(offset()), outcome: invalidObject },
      { label: `isObject(${label})`, call: () => pool.isObject(offset()), outcome: { returns: false } },
      { label: `txFree(${label})`, call: inTx(() => pool.txFree(offset())), outcome: invalidObject },
      { label: `txRealloc(${label})`, call: inTx(() => pool.txRealloc(offset(), 128, 7)), outcome: invalidObject },
    ] as Row[];
  }),
  // Batches.
  { label: 'runBatch beyond the pool', call: batch([8 * MiB, 8, 0]), outcome: outOfBounds },
  { label: 'runBatch with a negative offset', call: batch([-1, 8, 0]), outcome: refused(TypeError, /ranges\[0\]: offsets must be non-negative integers and length positive/) },
  { label: 'runBatch with a NaN offset', call: batch([NaN, 8, 0]), outcome: refused(TypeError, /ranges\[0\]: offsets must be non-negative integers/) },
  { label: 'runBatch with a fractional offset', call: () => batch([root + 0.5, 8, 0])(), outcome: refused(TypeError, /ranges\[0\]: offsets must be non-negative integers/) },
  { label: 'runBatch with length 0', call: () => batch([root, 0, 0])(), outcome: refused(TypeError, /ranges\[0\]: .*length positive/) },
  { label: 'runBatch with a source range past the source', call: () => batch([root, 8, 4])(), outcome: refused(OutOfBoundsError, 'OUT_OF_BOUNDS') },
  { label: 'runBatch with a count past the triples', call: () => pool.runBatch(new Float64Array([root, 8, 0]), new Uint8Array(8), 0, 2), outcome: refused(TypeError, /count exceeds the triples in ranges/) },
  { label: 'runBatch with a plain array of ranges', call: () => pool.runBatch([root, 8, 0] as never, new Uint8Array(8)), outcome: refused(TypeError, /ranges must be a Float64Array/) },
  { label: 'runBatch with 2 numbers', call: () => batch([root, 8])(), outcome: refused(TypeError, /ranges length must be a multiple of 3/) },
  { label: 'runBatch with a plain array source', call: () => pool.runBatch(new Float64Array([root, 8, 0]), [1, 2, 3, 4, 5, 6, 7, 8] as never), outcome: refused(TypeError, /source must be a Uint8Array/) },
  { label: 'runBatch into the pool header', call: batch([0, 8, 0]), outcome: refused(TransactionError, 'TX_FAILED') },
  // Transaction calls with no transaction.
  { label: 'txAddRange outside a transaction', call: () => pool.txAddRange(root, 8), outcome: notActive },
  { label: 'txAlloc outside a transaction', call: () => pool.txAlloc(8, 7), outcome: notActive },
  { label: 'txFree outside a transaction', call: () => pool.txFree(object), outcome: notActive },
  { label: 'txCommit outside a transaction', call: () => pool.txCommit(), outcome: notActive },
  { label: 'txAbort outside a transaction', call: () => pool.txAbort(), outcome: notActive },
  { label: 'txEnd outside a transaction', call: () => pool.txEnd(), outcome: notActive },
  { label: 'txWriteBatch outside a transaction', call: () => pool.txWriteBatch(new Float64Array([root, 8, 0]), new Uint8Array(8)), outcome: notActive },
  // ctl names.
  { label: 'ctlGet of an unknown name', call: () => pool.ctlGet('heap.nope' as never), outcome: refused(TypeError, /ctlGet: unknown ctl name 'heap.nope'/) },
  { label: 'ctlSet of a read-only name', call: () => pool.ctlSet('stats.heap.curr_allocated', 1), outcome: refused(TypeError, /ctlSet: 'stats.heap.curr_allocated' is read-only/) },
];

describe('an open NativePool', () => {
  for (const row of rows) {
    test(row.label, () => {
      const before = image();
      expectOutcome(row.call, row.outcome);
      expect(pool.txStage()).toBe(TxStage.None);
      expect(image()).toEqual(before);
    });
  }
});

describe('a closed NativePool', () => {
  let closed: native.NativePool;
  beforeAll(() => {
    closed = native.create(tmp.file('closed'), 'bad', 8 * MiB);
    closed.close();
  });
  const calls: [string, () => unknown][] = [
    ['close', () => closed.close()],
    ['buffer', () => closed.buffer],
    ['root', () => closed.root(8)],
    ['rootSize', () => closed.rootSize()],
    ['txBegin', () => closed.txBegin()],
    ['txAddRange', () => closed.txAddRange(4096, 8)],
    ['txAlloc', () => closed.txAlloc(8, 1)],
    ['txRealloc', () => closed.txRealloc(4096, 8, 1)],
    ['txFree', () => closed.txFree(4096)],
    ['txWriteBatch', () => closed.txWriteBatch(new Float64Array(0), new Uint8Array(0))],
    ['txCommit', () => closed.txCommit()],
    ['txAbort', () => closed.txAbort()],
    ['txEnd', () => closed.txEnd()],
    ['txStage', () => closed.txStage()],
    ['runBatch', () => closed.runBatch(new Float64Array(0), new Uint8Array(0))],
    ['persist', () => closed.persist(4096, 8)],
    ['flush', () => closed.flush(4096, 8)],
    ['drain', () => closed.drain()],
    ['memcpyPersist', () => closed.memcpyPersist(4096, new Uint8Array(8))],
    ['memsetPersist', () => closed.memsetPersist(4096, 0, 8)],
    ['first', () => closed.first()],
    ['next', () => closed.next(4096)],
    ['typeNum', () => closed.typeNum(4096)],
    ['usableSize', () => closed.usableSize(4096)],
    ['isObject', () => closed.isObject(4096)],
    ['ctlGet', () => closed.ctlGet('stats.enabled')],
    ['ctlSet', () => closed.ctlSet('tx.cache.threshold', 1)],
  ];
  for (const [label, call] of calls) {
    test(label, () => expectOutcome(call, refused(PoolClosedError, 'POOL_CLOSED')));
  }
});

describe('module functions', () => {
  const files = {
    pool: tmp.file('module'),
    zero: tmp.file('zero'),
    dir: path.join(path.dirname(tmp.file('x')), 'dir'),
    fifo: tmp.file('fifo'),
  };
  beforeAll(() => {
    native.create(files.pool, 'mod', 8 * MiB).close();
    fs.writeFileSync(files.zero, '');
    fs.mkdirSync(files.dir);
    expect(spawnSync('mkfifo', [files.fifo]).status).toBe(0);
  });
  const rowsOf = (): Row[] => [
    { label: "open(…, options: null)", call: () => native.open(files.pool, 'mod', null as never), outcome: refused(TypeError, /options must be an object/) },
    { label: "open(…, options: 'walk')", call: () => native.open(files.pool, 'mod', 'walk' as never), outcome: refused(TypeError, /options must be an object/) },
    { label: "open(…, { probe: 'yes' })", call: () => native.open(files.pool, 'mod', { probe: 'yes' as never }), outcome: refused(TypeError, /options\.probe must be 'open', 'walk' or false/) },
    { label: 'open(a FIFO, { probe: false })', call: () => native.open(files.fifo, 'mod', { probe: false }), outcome: refused(PoolError, 'POOL_NOT_A_FILE') },
    { label: 'open(a 0-byte file, { probe: false })', call: () => native.open(files.zero, 'mod', { probe: false }), outcome: refused(PoolCorruptError, 'POOL_CORRUPT') },
    { label: 'create(…, mode 0o10000)', call: () => native.create(tmp.file('m'), 'mod', 8 * MiB, 0o10000), outcome: refused(TypeError, /mode must be a file mode/) },
    { label: 'create(…, layout of 1024 bytes)', call: () => native.create(tmp.file('l'), 'x'.repeat(1024), 8 * MiB), outcome: refused(RangeError, /layout is longer than 1023 bytes/) },
    { label: "check('')", call: () => native.check('', 'mod'), outcome: refused(TypeError, /path must not be empty/) },
    { label: 'check(a missing file)', call: () => native.check(tmp.file('missing'), 'mod'), outcome: refused(PoolError, 'POOL_NOT_FOUND') },
    { label: 'check(a directory)', call: () => native.check(files.dir, 'mod'), outcome: refused(PoolError, 'POOL_NOT_A_FILE') },
    { label: 'check(a FIFO)', call: () => native.check(files.fifo, 'mod'), outcome: refused(PoolError, 'POOL_NOT_A_FILE') },
    { label: 'check(a 0-byte file)', call: () => native.check(files.zero, 'mod').consistent, outcome: { returns: false } },
    { label: 'check(another layout)', call: () => native.check(files.pool, 'other'), outcome: refused(PoolError, 'POOL_LAYOUT_MISMATCH') },
    { label: "probePool(…, mode 'bogus')", call: () => native.probePool(files.pool, 'mod', 'bogus' as never), outcome: refused(TypeError, /mode/) },
    { label: "probePool('', …)", call: () => native.probePool('', 'mod', 'open'), outcome: refused(TypeError, /path must not be empty/) },
    { label: 'setFailpoint(alloc, 0)', call: () => native.setFailpoint('alloc', 0), outcome: refused(TypeError, /nth must be at least 1/) },
    { label: 'setFailpoint(alloc, 1.5)', call: () => native.setFailpoint('alloc', 1.5), outcome: refused(TypeError, /nth must be a non-negative integer/) },
    {
      label: 'setFailpoint(alloc, 1) in the shipped build',
      call: () => native.setFailpoint('alloc', 1),
      outcome: native.NATIVE_BUILD === 'release' ? refused(PmemError, 'FAILPOINTS_UNAVAILABLE') : { returns: undefined },
    },
  ];
  for (const row of rowsOf()) {
    test(row.label, () => {
      const before = fs.readFileSync(files.pool).subarray(8192).toString('base64');
      try {
        expectOutcome(() => closeIfOpened(row.call()), row.outcome);
      } finally {
        native.setFailpoint();
      }
      expect(fs.readFileSync(files.pool).subarray(8192).toString('base64') === before).toBe(true);
    });
  }
});

/** A row that wrongly opens a pool must not leave it locked for the rows after it. */
function closeIfOpened(value: unknown): unknown {
  const handle = value as Partial<native.NativePool> | undefined;
  if (handle && typeof handle.close === 'function' && handle.closed === false) handle.close();
  return value;
}
