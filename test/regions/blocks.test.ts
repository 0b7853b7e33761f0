/**
 * Block stores: round trips, the spare block going round (every write lands in the free block and
 * frees the displaced one), persistence across reopen, geometry by name, and the map check at open.
 */
import * as fs from 'node:fs';
import { BlockStore, Pool, PoolClosedError, PoolCorruptError, PoolError, TransactionError, runTransaction } from '@pmemts/core';
import { tempDir } from '../core/fixtures';

const tmp = tempDir('blocks');
afterAll(() => tmp.cleanup());
const MiB = 1024 * 1024;

/** A block whose every byte depends on (lba, version): two versions never share a byte pattern. */
function pattern(lba: number, version: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (lba * 31 + version * 7 + i) & 0xff;
  return out;
}

test('a new store reads zeros; writes read back; reads copy (into a target when given)', () => {
  const pool = Pool.create(tmp.file('b'), { size: 16 * MiB });
  const store = pool.blocks('disk', { blockSize: 512, count: 8 });
  expect(store).toBeInstanceOf(BlockStore);
  expect([store.blockSize, store.count]).toEqual([512, 8]);
  for (let lba = 0; lba < 8; lba++) expect(store.read(lba).every((b) => b === 0)).toBe(true);
  store.write(3, pattern(3, 1, 512));
  const copy = store.read(3);
  expect(copy).toEqual(pattern(3, 1, 512));
  copy[0] ^= 0xff; // a copy: changing it changes nothing in the pool
  expect(store.read(3)).toEqual(pattern(3, 1, 512));
  const target = new Uint8Array(512);
  expect(store.read(3, target)).toBe(target);
  expect(target).toEqual(pattern(3, 1, 512));
  expect(store.read(2).every((b) => b === 0)).toBe(true);
  pool.close();
});

test('many writes go round the spare block; every LBA holds its last write after reopen', () => {
  const file = tmp.file('b');
  const pool = Pool.create(file, { size: 16 * MiB });
  const store = pool.blocks('disk', { blockSize: 256, count: 16 });
  const last = new Array<number>(16).fill(-1);
  let seed = 3;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
  for (let version = 0; version < 500; version++) {
    const lba = rnd() % 16;
    store.write(lba, pattern(lba, version, 256));
    last[lba] = version;
  }
  const check = (s: BlockStore) => {
    for (let lba = 0; lba < 16; lba++) expect(s.read(lba)).toEqual(last[lba] < 0 ? new Uint8Array(256) : pattern(lba, last[lba], 256));
  };
  check(store);
  pool.close();
  const reopened = Pool.open(file);
  expect(() => reopened.blocks('disk', { blockSize: 256, count: 17 })).toThrow(expect.objectContaining({ constructor: PoolError, code: 'BLOCKS_GEOMETRY_MISMATCH' }));
  const again = reopened.blocks('disk'); // the geometry it was created with
  expect(reopened.blocks('disk', { blockSize: 256, count: 16 })).toBe(again);
  check(again);
  again.write(0, pattern(0, 1000, 256)); // the free block found at open is usable
  last[0] = 1000;
  check(again);
  reopened.close();
});

test('a block write is a commit of its own: inside runTransaction it is TX_OPEN and writes nothing', () => {
  const pool = Pool.create(tmp.file('b'), { size: 16 * MiB });
  const store = pool.blocks('disk', { blockSize: 64, count: 2 });
  runTransaction(pool, () => {
    expect(() => store.write(0, pattern(0, 1, 64))).toThrow(expect.objectContaining({ constructor: TransactionError, code: 'TX_OPEN' }));
    expect(store.read(0).every((b) => b === 0)).toBe(true); // reads are fine inside
  });
  store.write(0, pattern(0, 1, 64));
  expect(store.read(0)).toEqual(pattern(0, 1, 64));
  pool.close();
});

test('opening a store that does not exist needs its geometry', () => {
  const pool = Pool.create(tmp.file('b'), { size: 16 * MiB });
  expect(() => pool.blocks('nothing')).toThrow(TypeError);
  expect([...pool.heap()].length).toBe(1); // the catalog only
  pool.close();
});

test('a damaged map is BLOCK_STORE_CORRUPT at open, not a wrong read', () => {
  const file = tmp.file('b');
  const pool = Pool.create(file, { size: 16 * MiB });
  const store = pool.blocks('disk', { blockSize: 64, count: 4 });
  const mapEntry1 = store.offset + 64 + 8;
  pool.close();
  // Map entry 1 now names block 0, which entry 0 names too.
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(8), 0, 8, mapEntry1);
  fs.closeSync(fd);
  const reopened = Pool.open(file);
  expect(() => reopened.blocks('disk')).toThrow(expect.objectContaining({ constructor: PoolCorruptError, code: 'BLOCK_STORE_CORRUPT' }));
  reopened.close();
});

test('after close read and write throw PoolClosedError', () => {
  const pool = Pool.create(tmp.file('b'), { size: 16 * MiB });
  const store = pool.blocks('disk', { blockSize: 64, count: 2 });
  pool.close();
  expect(() => store.read(0)).toThrow(PoolClosedError);
  expect(() => store.write(0, new Uint8Array(64))).toThrow(PoolClosedError);
  expect(() => pool.blocks('disk')).toThrow(PoolClosedError);
});
