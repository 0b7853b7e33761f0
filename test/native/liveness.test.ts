/**
 * isObject reads liveness from the heap format (chunk headers, run bitmaps, allocation headers) plus
 * the running transaction's allocations and frees, without walking the heap. Its answers must be
 * exactly those of the walk (pmemobj_first/next, plus the root, which libpmemobj flags internal and
 * the walk skips) for every offset: object starts, offsets inside objects, headers, free space.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as n from '@pmemts/native';
import { Point, tempDir } from '../core/fixtures';
import { Pool } from '@pmemts/core';

const tmp = tempDir('liveness');
afterAll(() => tmp.cleanup());
const KiB = 1024;
const MiB = 1024 * KiB;
const CHUNK = 256 * KiB;
// Small sizes land in runs of many allocation classes (some blocks span several units); the last
// ones are huge (whole chunks).
const SIZES = [1, 8, 16, 24, 40, 48, 64, 100, 128, 200, 256, 300, 500, 700, 1000, 1500, 2048, 3000, 4096, 5000, 8000, 10000, 16384, 30000, 65536, 100000, 140000, 200000];
const HUGE = [CHUNK + 1, 600 * KiB, MiB, 3 * MiB];

/** Closes `pool`, first ending a transaction a failed expectation left open (it would block the next test). */
function closeAfterFailure(pool: n.NativePool): void {
  if (pool.closed) return;
  if (pool.txStage() === n.TxStage.Work) pool.txAbort();
  while (pool.txStage() !== n.TxStage.None) pool.txEnd();
  pool.close();
}

function inTx<T>(pool: n.NativePool, fn: () => T): T {
  pool.txBegin();
  const r = fn();
  pool.txCommit();
  expect(pool.txEnd()).toBe(0);
  return r;
}

/** The walk's answer (committed state). */
function walkTruth(pool: n.NativePool, root: number): Set<number> {
  const live = new Set<number>([root]);
  for (let o = pool.first(); o !== 0; o = pool.next(o)) live.add(o);
  return live;
}

/**
 * Each object's bytes hold fake compact allocation headers (plausible sizes, a type number) at every
 * 16 bytes, so that an offset inside an object looks like an object start to a header-only check.
 */
function forgeHeaders(pool: n.NativePool, offset: number): void {
  const dv = new DataView(pool.buffer);
  const end = offset + Math.min(pool.usableSize(offset), 64 * KiB);
  for (let at = offset, i = 0; at + 16 <= end; at += 16, i++) {
    dv.setBigUint64(at, BigInt(16 * (1 + (i % 8))), true);
    dv.setBigUint64(at + 8, 3n, true);
  }
  pool.persist(offset, end - offset);
}

/** Offsets to ask about: every 16 bytes over small objects and the space around them, every 4 KiB
 * inside big ones, chunk starts and the bytes after them, each object's neighbourhood, random ones. */
function offsetsToAsk(pool: n.NativePool, objects: Iterable<number>, heapEnd: number): number[] {
  const dv = new DataView(pool.buffer);
  const heap = Number(dv.getBigUint64(4096 + 1024 + 16, true));
  const chunks = heap + 1024 + 64 + 65528 * 8;
  const asks: number[] = [];
  for (let off = 0; off < Math.min(chunks + 2 * MiB, heapEnd); off += off < chunks - 4096 ? 4096 : 16) asks.push(off);
  for (let off = chunks + 2 * MiB; off < heapEnd; off += 4096) asks.push(off);
  for (let c = chunks; c < heapEnd; c += CHUNK) asks.push(c, c + 8, c + 16, c + 32, c + 64, c + 16 + 320, c + 16 + 384);
  for (const o of objects) {
    for (const d of [-64, -32, -16, -8, -1, 1, 8, 16, 32, 48, 64, 80, 96, 128, 256]) asks.push(o + d);
  }
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 4) / 2 ** 28;
  for (let i = 0; i < 20000; i++) asks.push(Math.floor(rand() * pool.size));
  asks.push(pool.size - 16, pool.size - 1);
  return asks.filter((off) => off >= 0);
}

/** Offsets where isObject and the expected set disagree (empty when they agree everywhere). */
function disagreements(pool: n.NativePool, expected: Set<number>, heapEnd: number): { offset: number; isObject: boolean }[] {
  const wrong: { offset: number; isObject: boolean }[] = [];
  for (const offset of offsetsToAsk(pool, expected, heapEnd)) {
    const answer = pool.isObject(offset);
    if (answer !== expected.has(offset)) wrong.push({ offset, isObject: answer });
  }
  return wrong.slice(0, 10);
}

function heapEndOf(pool: n.NativePool, live: Iterable<number>): number {
  let end = 0;
  for (const o of live) end = Math.max(end, o + pool.usableSize(o));
  return Math.min(pool.size, end + 2 * CHUNK);
}

/** A pool with objects of every size class, some freed in later transactions and some in their own. */
function populatedPool(file: string): { pool: n.NativePool; root: number; objects: number[]; freed: number[] } {
  const pool = n.create(file, 'live', 48 * MiB);
  const root = pool.root(64);
  const objects: number[] = [];
  const freed: number[] = [];
  for (const size of [...SIZES, ...HUGE]) {
    const count = size > CHUNK ? 2 : Math.max(3, Math.min(120, Math.floor((96 * KiB) / size)));
    inTx(pool, () => {
      for (let i = 0; i < count; i++) {
        const o = pool.txAlloc(size, 1 + (i % 3));
        if (i % 7 === 6) {
          pool.txFree(o); // allocated and freed in one transaction: never on media
        } else {
          objects.push(o);
        }
      }
    });
  }
  const kept: number[] = [];
  inTx(pool, () => {
    objects.forEach((o, i) => {
      if (i % 3 === 1) {
        pool.txFree(o);
        freed.push(o);
      } else {
        kept.push(o);
      }
    });
  });
  for (const o of kept) forgeHeaders(pool, o);
  return { pool, root, objects: kept, freed };
}

test('isObject agrees with the heap walk at every offset of a pool of every size class', () => {
  const file = tmp.file('classes');
  const { pool, root, objects, freed } = populatedPool(file);
  let reopened: n.NativePool | undefined;
  try {
    const truth = walkTruth(pool, root);
    expect(truth).toEqual(new Set([root, ...objects]));
    expect(freed.filter((o) => pool.isObject(o))).toEqual([]);
    const end = heapEndOf(pool, truth);
    expect(disagreements(pool, truth, end)).toEqual([]);
    pool.close();
    reopened = n.open(file, 'live', { probe: false });
    expect(disagreements(reopened, walkTruth(reopened, root), end)).toEqual([]);
    expect(reopened.heapWalks).toBe(0);
  } finally {
    closeAfterFailure(pool);
    if (reopened) closeAfterFailure(reopened);
  }
});

test('inside a transaction its allocations are live and its frees are not; commit and abort settle it', () => {
  const { pool, root, objects } = populatedPool(tmp.file('tx'));
  try {
    const before = walkTruth(pool, root);
    const end = heapEndOf(pool, before);
    for (const outcome of ['commit', 'abort'] as const) {
      const committed = walkTruth(pool, root);
      pool.txBegin();
      const allocated = [...SIZES, ...HUGE.slice(0, 2)].map((size, i) => pool.txAlloc(size, 4 + (i % 2)));
      const freedNow = objects.filter((o, i) => i % 5 === outcome.length % 5 && committed.has(o));
      for (const o of freedNow) pool.txFree(o);
      const allocatedThenFreed = pool.txAlloc(48, 6);
      pool.txFree(allocatedThenFreed);
      const during = new Set([...committed, ...allocated].filter((o) => !freedNow.includes(o)));
      expect(disagreements(pool, during, end)).toEqual([]);
      if (outcome === 'commit') pool.txCommit();
      else pool.txAbort();
      pool.txEnd();
      const after = walkTruth(pool, root);
      expect(after).toEqual(outcome === 'commit' ? during : committed);
      expect(disagreements(pool, after, end)).toEqual([]);
    }
  } finally {
    closeAfterFailure(pool);
  }
});

/** The chunk headers of zone 0 as (type, size_idx) pairs, and the pool offset of its first chunk. */
function chunkHeaders(pool: n.NativePool): { chunks: number; headers: { type: number; sizeIdx: number }[] } {
  const dv = new DataView(pool.buffer);
  const heap = Number(dv.getBigUint64(4096 + 1024 + 16, true));
  const zone = heap + 1024;
  const count = dv.getUint32(zone + 4, true);
  const headers = Array.from({ length: count }, (_, i) => ({ type: dv.getUint16(zone + 64 + i * 8, true), sizeIdx: dv.getUint32(zone + 64 + i * 8 + 4, true) }));
  return { chunks: zone + 64 + 65528 * 8, headers };
}

test('chunks reused by a huge object keep stale chunk headers: they are not objects', () => {
  const file = tmp.file('reuse');
  let pool = n.create(file, 'live', 32 * MiB);
  const root = pool.root(64);
  // Fill several runs, free everything: the empty runs become free chunks when the heap boots again.
  const small = inTx(pool, () => Array.from({ length: 30000 }, (_, i) => pool.txAlloc(SIZES[i % 12], 1)));
  inTx(pool, () => small.forEach((o) => pool.txFree(o)));
  pool.close();
  pool = n.open(file, 'live', { probe: false });
  try {
    const huge = inTx(pool, () => [pool.txAlloc(4 * MiB, 2), pool.txAlloc(2 * MiB, 2)]);
    for (const o of huge) forgeHeaders(pool, o);
    // libpmemobj writes only a span's first chunk header: the later ones inside the huge blocks still
    // hold what the heap's boot left there (footers of the free spans the emptied runs became).
    const { headers } = chunkHeaders(pool);
    let leftovers = 0;
    for (let id = 0; id < headers.length && headers[id].sizeIdx > 0; id += headers[id].sizeIdx) {
      if (headers[id].type !== 3) continue; // CHUNK_TYPE_USED
      for (let k = id + 1; k < id + headers[id].sizeIdx; k++) if (headers[k].type !== 0) leftovers++;
    }
    expect(leftovers).toBeGreaterThan(10);
    const truth = walkTruth(pool, root);
    expect(disagreements(pool, truth, heapEndOf(pool, truth))).toEqual([]);
  } finally {
    closeAfterFailure(pool);
  }
});

test('a resized root moves: the old offset is no object, and undo-log extensions are none either', () => {
  const pool = n.create(tmp.file('root'), 'live', 32 * MiB);
  try {
    const small = pool.root(64);
    const objects = inTx(pool, () => SIZES.map((size) => pool.txAlloc(size, 1)));
    expect([small, ...objects].filter((o) => !pool.isObject(o))).toEqual([]);
    const big = pool.root(3 * MiB);
    expect({ moved: big !== small, old: pool.isObject(small), now: pool.isObject(big) }).toEqual({ moved: true, old: false, now: true });
    // Snapshotting megabytes in one transaction makes libpmemobj allocate undo-log extensions: internal
    // blocks that the walk skips.
    const target = inTx(pool, () => pool.txAlloc(4 * MiB, 2));
    inTx(pool, () => {
      for (let at = 0; at < 4 * MiB; at += 64 * KiB) pool.txAddRange(target + at, 32 * KiB);
    });
    const truth = walkTruth(pool, big);
    expect(truth).toEqual(new Set([big, ...objects, target]));
    expect(disagreements(pool, truth, heapEndOf(pool, truth))).toEqual([]);
  } finally {
    closeAfterFailure(pool);
  }
});

test('no heap walk after open, root and reference reads of a pool of objects', () => {
  const file = tmp.file('points');
  const created = Pool.create(file, { types: [Point], size: 16 * MiB });
  const offsets = Array.from({ length: 3000 }, () => created.locate(created.create(Point, { x: 1, y: 2 })).offset);
  created.close();
  const pool = Pool.open(file, { types: [Point], probe: false });
  try {
    const native = Pool.sessionOf(pool).native;
    pool.root(Point);
    expect(offsets.filter((o) => !native.isObject(o))).toEqual([]);
    expect(native.heapWalks).toBe(0);
  } finally {
    pool.close();
  }
});

/** Run in a child: a crash there fails the test instead of killing the test runner. */
const FUZZ_CHILD = `
const addon = require(process.argv[1]);
const [file, seedText] = process.argv.slice(2);
const pool = addon.open(file, 'live');
const bytes = new Uint8Array(pool.buffer);
const dv = new DataView(pool.buffer);
let seed = Number(seedText);
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
const heap = Number(dv.getBigUint64(4096 + 1024 + 16, true));
const headers = heap + 1024 + 64;
const chunks = headers + 65528 * 8;
const objects = [];
for (let o = pool.first(); o !== 0; o = pool.next(o)) objects.push(o);
// Garbage over chunk headers, run headers and bitmaps, allocation headers and data.
for (let i = 0; i < 40 * 8; i++) if (rand() % 3 === 0) bytes[headers + i] = rand() & 0xff;
for (let c = 0; c < 40; c++) for (let i = 0; i < 512; i++) if (rand() % 4 === 0) bytes[chunks + c * 262144 + i] = rand() & 0xff;
for (let i = 0; i < 20000; i++) bytes[chunks + (rand() % (40 * 262144))] = rand() & 0xff;
for (const o of objects) if (rand() % 2 === 0) dv.setBigUint64(o - 16, BigInt(rand()) * BigInt(rand()), true);
let live = 0;
for (let off = heap - 4096; off < chunks + 3 * 1048576; off += off < chunks ? 8 : 8) if (pool.isObject(off)) live++;
for (let off = chunks; off < pool.size; off += 4096) if (pool.isObject(off + 16)) live++;
for (const o of objects) if (pool.isObject(o)) live++;
process.stdout.write(String(live));
`;

test('garbage anywhere in the heap metadata never crashes isObject', () => {
  const template = tmp.file('fuzz');
  const { pool } = populatedPool(template);
  pool.close();
  const addon = path.resolve(__dirname, '../../packages/native/build/Release/pmemts_native.node');
  const results: { seed: number; status: number | null; signal: string | null; stderr: string }[] = [];
  for (const seed of [1, 2, 3, 4]) {
    const copy = tmp.file(`fuzz-${seed}`);
    fs.copyFileSync(template, copy);
    const child = spawnSync(process.execPath, ['-e', FUZZ_CHILD, addon, copy, String(seed)], { encoding: 'utf8', timeout: 120000 });
    results.push({ seed, status: child.status, signal: child.signal, stderr: child.stderr.slice(0, 500) });
    expect(Number(child.stdout)).toBeGreaterThanOrEqual(0);
  }
  expect(results).toEqual([1, 2, 3, 4].map((seed) => ({ seed, status: 0, signal: null, stderr: '' })));
});
