/**
 * Mapped regions: zero-copy bytes, persistence across reopen, the directory by name, snapshots that
 * join a transaction (rolled back by an abort, kept by a commit), and what a closed pool does to them.
 */
import { Pool, PoolClosedError, PoolError, REGION_TYPE_NUM, Region, TransactionError, runTransaction } from '@pmemts/core';
import { directoryAllocations } from '../../packages/core/src/regions/region-directory';
import { tempDir } from '../core/fixtures';

const tmp = tempDir('regions');
afterAll(() => tmp.cleanup());
const MiB = 1024 * 1024;

function fresh(): { file: string; pool: Pool } {
  const file = tmp.file('r');
  return { file, pool: Pool.create(file, { size: 16 * MiB }) };
}

test('bytes is a zero-copy view: stores through it and through the persist calls survive reopen', () => {
  const { file, pool } = fresh();
  const region = pool.region('image', 8192);
  expect(region).toBeInstanceOf(Region);
  expect(region.size).toBe(8192);
  expect(region.bytes.length).toBe(8192);
  expect(region.bytes.every((b) => b === 0)).toBe(true); // created zeroed
  region.bytes.set([1, 2, 3], 0);
  region.persist(0, 3);
  region.bytes[4000] = 77;
  region.flush(4000, 1);
  region.drain();
  region.memcpyPersist(100, new Uint8Array([9, 8, 7]));
  region.memsetPersist(8000, 0xab, 192);
  // Zero copy: the region's array and the pool mapping are the same memory.
  const heap = [...pool.heap()].find((a) => a.typeNum === REGION_TYPE_NUM)!;
  expect(heap.offset).toBe(region.offset);
  expect(heap.usableSize).toBeGreaterThanOrEqual(8192);
  pool.close();

  const reopened = Pool.open(file);
  const again = reopened.region('image', 8192);
  expect(again.offset).toBe(region.offset);
  expect([...again.bytes.subarray(0, 4)]).toEqual([1, 2, 3, 0]);
  expect(again.bytes[4000]).toBe(77);
  expect([...again.bytes.subarray(100, 103)]).toEqual([9, 8, 7]);
  expect(again.bytes.subarray(8000).every((b) => b === 0xab)).toBe(true);
  expect(again.bytes[7999]).toBe(0);
  reopened.close();
});

test('one Region per name per session; names are independent; another size for a name is refused', () => {
  const { pool } = fresh();
  const a = pool.region('a', 64);
  expect(pool.region('a', 64)).toBe(a);
  const b = pool.region('b', 128);
  expect(b.offset).not.toBe(a.offset);
  const heapBefore = [...pool.heap()];
  expect(() => pool.region('a', 65)).toThrow(expect.objectContaining({ constructor: PoolError, code: 'REGION_SIZE_MISMATCH', message: expect.stringContaining('64 bytes') }));
  expect([...pool.heap()]).toEqual(heapBefore);
  pool.close();
});

test('a different size is refused after reopen too (the directory is persistent)', () => {
  const { file, pool } = fresh();
  pool.region('a', 100);
  pool.close();
  const reopened = Pool.open(file);
  expect(() => reopened.region('a', 200)).toThrow(expect.objectContaining({ code: 'REGION_SIZE_MISMATCH' }));
  expect(reopened.region('a', 100).size).toBe(100);
  reopened.close();
});

describe('snapshot joins the running transaction', () => {
  test('an abort restores the snapshotted bytes; bytes not snapshotted keep their stores', () => {
    const { file, pool } = fresh();
    const region = pool.region('ring', 256);
    region.memsetPersist(0, 1, 256);
    expect(() =>
      runTransaction(pool, () => {
        region.snapshot(0, 16);
        region.bytes.fill(2, 0, 16);
        region.bytes[200] = 3; // not snapshotted: not undone
        throw new RangeError('undo');
      }),
    ).toThrow(RangeError);
    expect(region.bytes.subarray(0, 16).every((b) => b === 1)).toBe(true);
    expect(region.bytes[200]).toBe(3);
    pool.close();
    const reopened = Pool.open(file);
    expect(reopened.region('ring', 256).bytes.subarray(0, 16).every((b) => b === 1)).toBe(true);
    reopened.close();
  });

  test('a commit keeps and persists the stores; a nested transaction joins the outer one', () => {
    const { file, pool } = fresh();
    const region = pool.region('ring', 256);
    runTransaction(pool, () => {
      region.snapshot(32, 8);
      region.bytes.fill(5, 32, 40);
      runTransaction(pool, () => {
        region.snapshot(64, 1); // nested: the same transaction
        region.bytes[64] = 6;
      });
    });
    expect(pool.stats().commits).toBeGreaterThanOrEqual(1);
    pool.close();
    const reopened = Pool.open(file);
    const again = reopened.region('ring', 256);
    expect([...again.bytes.subarray(31, 41)]).toEqual([0, 5, 5, 5, 5, 5, 5, 5, 5, 0]);
    expect(again.bytes[64]).toBe(6);
    reopened.close();
  });

  test('an inner throw caught by the outer closure still aborts the snapshotted bytes', () => {
    const { pool } = fresh();
    const region = pool.region('ring', 64);
    expect(() =>
      runTransaction(pool, () => {
        try {
          runTransaction(pool, () => {
            region.snapshot(0, 8);
            region.bytes.fill(9, 0, 8);
            throw new Error('inner');
          });
        } catch {
          // swallowed; the chain aborts anyway
        }
      }),
    ).toThrow(expect.objectContaining({ code: 'TX_INNER_FAILED' }));
    expect(region.bytes.subarray(0, 8).every((b) => b === 0)).toBe(true);
    pool.close();
  });

  test('outside a transaction it is TX_REQUIRED and changes nothing', () => {
    const { pool } = fresh();
    const region = pool.region('ring', 64);
    expect(() => region.snapshot(0, 8)).toThrow(expect.objectContaining({ constructor: TransactionError, code: 'TX_REQUIRED' }));
    expect(pool.stats().snapshots).toBe(0);
    pool.close();
  });
});

test('a new region cannot be created inside a transaction (TX_OPEN); an existing one opens there', () => {
  const { pool } = fresh();
  pool.region('old', 32);
  const heapBefore = [...pool.heap()];
  runTransaction(pool, () => {
    expect(() => pool.region('new', 32)).toThrow(expect.objectContaining({ constructor: TransactionError, code: 'TX_OPEN' }));
    expect(pool.region('old', 32).size).toBe(32);
  });
  expect([...pool.heap()]).toEqual(heapBefore);
  pool.close();
});

test('after close every method and the bytes getter throw PoolClosedError; an array taken before is detached (length 0)', () => {
  const { pool } = fresh();
  const region = pool.region('r', 64);
  const taken = region.bytes;
  pool.close();
  expect(taken.length).toBe(0);
  expect(taken[0]).toBeUndefined();
  const calls: [string, () => unknown][] = [
    ['bytes', () => region.bytes],
    ['persist', () => region.persist(0, 1)],
    ['flush', () => region.flush()],
    ['drain', () => region.drain()],
    ['memcpyPersist', () => region.memcpyPersist(0, new Uint8Array(1))],
    ['memsetPersist', () => region.memsetPersist(0, 1, 1)],
    ['snapshot', () => region.snapshot(0, 1)],
    ['pool.region', () => pool.region('r', 64)],
  ];
  for (const [, call] of calls) expect(call).toThrow(PoolClosedError);
});

test('a region and a block store of the same name are distinct', () => {
  const { pool } = fresh();
  const region = pool.region('x', 64);
  const blocks = pool.blocks('x', { blockSize: 64, count: 2 });
  expect(blocks.offset).not.toBe(region.offset);
  pool.close();
});

test('the collector keeps regions and block stores (the walk does not reach them), and defragmentation leaves them in place', () => {
  const { file, pool } = fresh();
  const region = pool.region('r', 4096);
  region.memsetPersist(0, 7, 4096);
  const store = pool.blocks('b', { blockSize: 64, count: 4 });
  store.write(2, new Uint8Array(64).fill(9));
  const collected = pool.collect();
  expect({ kept: collected.kept, collected: collected.collected }).toEqual({ kept: 2, collected: [] });
  pool.defrag();
  expect(pool.region('r', 4096).offset).toBe(region.offset);
  expect(region.bytes.every((b) => b === 7)).toBe(true);
  expect(store.read(2).every((b) => b === 9)).toBe(true);
  pool.close();
  const reopened = Pool.open(file);
  expect(reopened.region('r', 4096).bytes.every((b) => b === 7)).toBe(true);
  expect(reopened.blocks('b').read(2).every((b) => b === 9)).toBe(true);
  reopened.close();
});

test('directoryAllocations names every region and block store by offset (the roots a reachability walk needs)', () => {
  const { pool } = fresh();
  const a = pool.region('a', 64);
  const b = pool.blocks('b', { blockSize: 64, count: 1 });
  expect(directoryAllocations(Pool.sessionOf(pool), rootOffsetOf(pool))).toEqual(new Map([[a.offset, '(region a)'], [b.offset, '(block store b)']]));
  pool.close();
});

/** The root record's offset: pmemobj_root, which the pool allocated at create (48 bytes). */
function rootOffsetOf(pool: Pool): number {
  return Pool.sessionOf(pool).native.root(48);
}
