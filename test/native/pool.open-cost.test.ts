/**
 * Opening a pool does work proportional to its catalog, not its heap: the catalog blob is checked by
 * its allocation header (O(1), bounds-checked). The timing is measured in bench/ (scenario pool-open);
 * here, the walk counter and the header reader's answers (isObject's are in liveness.test.ts).
 */
import * as n from '@pmemts/native';
import { CATALOG_TYPE_NUM, Pool, PoolCorruptError, runTransaction } from '@pmemts/core';
import { Point, tempDir } from '../core/fixtures';

const tmp = tempDir('open-cost');
afterAll(() => tmp.cleanup());
const MiB = 1024 * 1024;
const CATALOG_OFF = 16; // RootField.catalogOff in the root record
const CATALOG_LEN = 24;

function poolWithPoints(count: number): { file: string; points: number[] } {
  const file = tmp.file('points');
  const pool = Pool.create(file, { types: [Point], size: 16 * MiB });
  const points = runTransaction(pool, () => Array.from({ length: count }, (_, i) => pool.create(Point, { x: i, y: -i })));
  const offsets = points.map((p) => pool.locate(p).offset);
  pool.close();
  return { file, points: offsets };
}

test('Pool.open walks no heap, whatever the number of objects', () => {
  for (const count of [0, 5000]) {
    const { file } = poolWithPoints(count);
    for (const probe of [false, 'open'] as const) {
      const pool = Pool.open(file, { types: [Point], probe });
      expect({ count, probe, walks: Pool.sessionOf(pool).native.heapWalks }).toEqual({ count, probe, walks: 0 });
      pool.close();
    }
  }
});

test('allocationHeader agrees with libpmemobj for every object, and is null off the heap', () => {
  const { file, points } = poolWithPoints(300);
  const pool = n.open(file, 'pmemts', { probe: false });
  try {
    let objects = 0;
    for (let o = pool.first(); o !== 0; o = pool.next(o), objects++) {
      expect(pool.allocationHeader(o)).toEqual({ typeNum: pool.typeNum(o), usableSize: pool.usableSize(o) });
    }
    expect(objects).toBe(points.length + 1); // and the catalog
    expect(pool.allocationHeader(points[0])).toEqual({ typeNum: pool.typeNum(points[0]), usableSize: pool.usableSize(points[0]) });
    for (const off of [0, 16, 4096, 8192, pool.size - 16, pool.size, pool.size + 4096, points[0] + 8]) {
      expect({ off, header: pool.allocationHeader(off) }).toEqual({ off, header: null });
    }
    expect(() => pool.allocationHeader(-1)).toThrow(TypeError);
  } finally {
    pool.close();
  }
});

test('allocationHeader of a huge block freed in a committed transaction is null', () => {
  const pool = n.create(tmp.file('huge'), 'x', 64 * MiB);
  try {
    pool.txBegin();
    const big = pool.txAlloc(12 * MiB, 9);
    pool.txCommit();
    pool.txEnd();
    expect(pool.allocationHeader(big)).toEqual({ typeNum: 9, usableSize: pool.usableSize(big) });
    pool.txBegin();
    pool.txFree(big);
    pool.txCommit();
    pool.txEnd();
    expect(pool.allocationHeader(big)).toBeNull();
  } finally {
    pool.close();
  }
});

test('allocationHeader never reads outside the mapping, whatever the heap metadata holds', () => {
  const { file } = poolWithPoints(200);
  const pool = n.open(file, 'pmemts', { probe: false });
  try {
    const bytes = new Uint8Array(pool.buffer);
    const dv = new DataView(pool.buffer);
    const heap = Number(dv.getBigUint64(4096 + 1024 + 16, true));
    const chunkHeaders = heap + 1024 + 64;
    let seed = 99;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
    // Garbage chunk headers, run headers and allocation headers: huge size_idx, run data loops, zero units.
    for (let i = 0; i < 64 * 8; i++) bytes[chunkHeaders + i] = rand() & 0xff;
    for (let i = 0; i < 4096; i++) bytes[heap + 1024 + 64 + 65528 * 8 + (rand() % (2 * MiB))] = rand() & 0xff;
    // Every 8th byte where the garbage lies (zone metadata and the first chunks), every 4 KiB elsewhere.
    const dense = heap + 1024 + 64 + 65528 * 8 + 3 * MiB;
    let found = 0;
    for (let off = 0; off < pool.size; off += off < dense ? 8 : 4096) if (pool.allocationHeader(off) !== null) found++;
    expect(found).toBeLessThan(1000);
    dv.setUint32(heap + 1024, 0, true); // zone magic gone: nothing is an allocation any more
    const left: number[] = [];
    for (let off = 0; off < pool.size; off += 64) if (pool.allocationHeader(off) !== null) left.push(off);
    expect(left).toEqual([]);
  } finally {
    pool.close();
  }
});

describe('a corrupted catalog pointer or length is refused at open, without a heap walk', () => {
  function corrupt(change: (dv: DataView, root: number, info: { catalog: number; point: number }) => void): string {
    const { file, points } = poolWithPoints(20);
    const pool = n.open(file, 'pmemts', { probe: false });
    const dv = new DataView(pool.buffer);
    const root = pool.root(48);
    const catalog = Number(dv.getBigUint64(root + CATALOG_OFF, true));
    expect(pool.typeNum(catalog)).toBe(CATALOG_TYPE_NUM);
    change(dv, root, { catalog, point: points[3] });
    pool.persist(root, 48);
    pool.close();
    return file;
  }
  const setOff = (value: number) => (dv: DataView, root: number) => dv.setBigUint64(root + CATALOG_OFF, BigInt(value), true);
  test.each([
    ['an object of another type', (dv: DataView, root: number, at: { point: number }) => setOff(at.point)(dv, root)],
    ['the middle of the catalog', (dv: DataView, root: number, at: { catalog: number }) => setOff(at.catalog + 64)(dv, root)],
    ['the pool header', setOff(4096)],
    ['the last bytes of the pool', setOff(16 * MiB - 8)],
    ['beyond the pool', setOff(2 ** 40)],
    ['a length beyond the block', (dv: DataView, root: number) => dv.setBigUint64(root + CATALOG_LEN, 1n << 20n, true)],
  ])('%s', (_name, change) => {
    const file = corrupt(change as never);
    let error: unknown;
    try {
      Pool.open(file, { types: [Point], probe: false }).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PoolCorruptError);
    expect(error).toMatchObject({ code: 'CATALOG_CORRUPT', message: expect.stringMatching(/schema catalog pointer is invalid/) });
  });
});
