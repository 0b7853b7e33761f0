/**
 * Bad input to every region and block-store entry point: pool.region, pool.blocks, each Region method
 * and BlockStore read/write. Each row is refused with its typed error (the argument named) and leaves
 * the heap, the directory, the region's bytes and the store's header, map and blocks exactly as before.
 */
import * as fs from 'node:fs';
import { BLOCK_STORE_TYPE_NUM, CATALOG_TYPE_NUM, OutOfSpaceError, Pool, PoolError, REGION_TYPE_NUM, TransactionError, runTransaction, type BlockStore, type Region } from '@pmemts/core';
import { MAX_ALLOC_SIZE } from '@pmemts/native';
import { tempDir } from '../core/fixtures';
import { expectOutcome, refused, type Outcome } from '../bad-input/harness';

const tmp = tempDir('regions-bad');
afterAll(() => tmp.cleanup());

let pool: Pool;
let region: Region;
let store: BlockStore;
beforeAll(() => {
  pool = Pool.create(tmp.file('bad'), { size: 16 * 1024 * 1024 });
  region = pool.region('r', 64);
  region.memsetPersist(0, 0x5a, 64);
  store = pool.blocks('b', { blockSize: 64, count: 4 });
  store.write(1, new Uint8Array(64).fill(1));
});
afterAll(() => pool.close());

/** The heap, and the bytes in the pool file of the catalog, the region and the block store. */
function image(): unknown {
  const heap = [...pool.heap()];
  const fd = fs.openSync(pool.path, 'r');
  try {
    const mine = heap.filter((a) => [CATALOG_TYPE_NUM, REGION_TYPE_NUM, BLOCK_STORE_TYPE_NUM].includes(a.typeNum));
    return { heap, bytes: mine.map((a) => {
      const bytes = Buffer.alloc(a.usableSize);
      fs.readSync(fd, bytes, 0, a.usableSize, a.offset);
      return bytes.toString('hex');
    }) };
  } finally {
    fs.closeSync(fd);
  }
}

const type = (pattern: RegExp) => refused(TypeError, pattern);
const range = (pattern: RegExp) => refused(RangeError, pattern);
const bytes = (n: number) => new Uint8Array(n);

const rows: { label: string; call: () => unknown; outcome: Outcome }[] = [
  // pool.region(name, bytes)
  { label: 'region name undefined', call: () => pool.region(undefined as never, 64), outcome: type(/region: name must be a string/) },
  { label: 'region name a number', call: () => pool.region(42 as never, 64), outcome: type(/region: name must be a string/) },
  { label: 'region name empty', call: () => pool.region('', 64), outcome: type(/region: name must not be empty/) },
  { label: 'region name with NUL', call: () => pool.region('a\0b', 64), outcome: type(/region: name must not contain NUL/) },
  { label: 'region name over 255 bytes', call: () => pool.region('é'.repeat(128), 64), outcome: range(/region: name is longer than 255 bytes/) },
  { label: 'region bytes missing', call: () => (pool.region as (n: string) => unknown)('new'), outcome: type(/region: bytes must be an integer, got undefined/) },
  { label: 'region bytes a string', call: () => pool.region('new', '64' as never), outcome: type(/region: bytes must be an integer/) },
  { label: 'region bytes fractional', call: () => pool.region('new', 1.5), outcome: type(/region: bytes must be an integer/) },
  { label: 'region bytes NaN', call: () => pool.region('new', NaN), outcome: type(/region: bytes must be an integer/) },
  { label: 'region bytes 0', call: () => pool.region('new', 0), outcome: range(/region: bytes must be in \[1, /) },
  { label: 'region bytes negative', call: () => pool.region('new', -64), outcome: range(/region: bytes must be in/) },
  { label: 'region bytes over MAX_ALLOC_SIZE', call: () => pool.region('new', MAX_ALLOC_SIZE + 1), outcome: range(/region: bytes must be in/) },
  { label: 'region bigger than the pool', call: () => pool.region('new', 64 * 1024 * 1024), outcome: refused(OutOfSpaceError) },
  { label: 'region of an existing name, another size', call: () => pool.region('r', 65), outcome: refused(PoolError, 'REGION_SIZE_MISMATCH') },
  // pool.blocks(name, options)
  { label: 'blocks name empty', call: () => pool.blocks('', { blockSize: 64, count: 1 }), outcome: type(/blocks: name must not be empty/) },
  { label: 'blocks options null', call: () => pool.blocks('new', null as never), outcome: type(/blocks: options must be an object/) },
  { label: 'blocks options a number', call: () => pool.blocks('new', 5 as never), outcome: type(/blocks: options must be an object/) },
  { label: 'blocks options empty', call: () => pool.blocks('new', {} as never), outcome: type(/blocks: options.blockSize must be an integer, got undefined/) },
  { label: 'blocks blockSize 0', call: () => pool.blocks('new', { blockSize: 0, count: 1 }), outcome: range(/blocks: options.blockSize must be in \[1, 16777216\]/) },
  { label: 'blocks blockSize over 16 MiB', call: () => pool.blocks('new', { blockSize: 2 ** 24 + 1, count: 1 }), outcome: range(/options.blockSize must be in/) },
  { label: 'blocks blockSize fractional', call: () => pool.blocks('new', { blockSize: 64.5, count: 1 }), outcome: type(/options.blockSize must be an integer/) },
  { label: 'blocks count 0', call: () => pool.blocks('new', { blockSize: 64, count: 0 }), outcome: range(/blocks: options.count must be in \[1, /) },
  { label: 'blocks count a bigint', call: () => pool.blocks('new', { blockSize: 64, count: 4n as never }), outcome: type(/options.count must be an integer, got 4n/) },
  { label: 'blocks count 2^32', call: () => pool.blocks('new', { blockSize: 64, count: 2 ** 32 }), outcome: range(/options.count must be in/) },
  { label: 'blocks over the largest allocation', call: () => pool.blocks('new', { blockSize: 2 ** 24, count: 2 ** 20 }), outcome: range(/exceed the largest allocation/) },
  { label: 'blocks bigger than the pool', call: () => pool.blocks('new', { blockSize: 4096, count: 16384 }), outcome: refused(OutOfSpaceError) },
  { label: 'blocks missing without options', call: () => pool.blocks('new'), outcome: type(/there is no block store 'new'/) },
  { label: 'blocks of an existing name, another geometry', call: () => pool.blocks('b', { blockSize: 64, count: 5 }), outcome: refused(PoolError, 'BLOCKS_GEOMETRY_MISMATCH') },
  // Region methods
  ...(['persist', 'flush'] as const).flatMap((m) => [
    { label: `${m} offset a string`, call: () => region[m]('0' as never, 1), outcome: type(new RegExp(`Region.${m}: offset must be an integer`)) },
    { label: `${m} offset negative`, call: () => region[m](-1, 1), outcome: range(new RegExp(`Region.${m}: offset must be in \\[0, 64\\], got -1`)) },
    { label: `${m} offset past the end`, call: () => region[m](65, 0), outcome: range(/offset must be in \[0, 64\], got 65/) },
    { label: `${m} length negative`, call: () => region[m](0, -1), outcome: range(new RegExp(`Region.${m}: length must be in \\[0, 64\\]`)) },
    { label: `${m} range past the end`, call: () => region[m](60, 5), outcome: range(/length must be in \[0, 4\], got 5/) },
    { label: `${m} length Infinity`, call: () => region[m](0, Infinity), outcome: type(/length must be an integer, got Infinity/) },
  ]),
  { label: 'memcpyPersist source an array', call: () => region.memcpyPersist(0, [1, 2] as never), outcome: type(/Region.memcpyPersist: source must be a Uint8Array, got a Array/) },
  { label: 'memcpyPersist source a string', call: () => region.memcpyPersist(0, 'ab' as never), outcome: type(/source must be a Uint8Array/) },
  { label: 'memcpyPersist source a DataView', call: () => region.memcpyPersist(0, new DataView(new ArrayBuffer(2)) as never), outcome: type(/source must be a Uint8Array/) },
  { label: 'memcpyPersist past the end', call: () => region.memcpyPersist(63, bytes(2)), outcome: range(/Region.memcpyPersist: length must be in \[0, 1\], got 2/) },
  { label: 'memcpyPersist offset negative', call: () => region.memcpyPersist(-1, bytes(1)), outcome: range(/Region.memcpyPersist: offset must be in/) },
  { label: 'memcpyPersist offset fractional', call: () => region.memcpyPersist(0.5, bytes(1)), outcome: type(/offset must be an integer/) },
  { label: 'memsetPersist byte 256', call: () => region.memsetPersist(0, 256, 1), outcome: range(/Region.memsetPersist: byte must be in \[0, 255\], got 256/) },
  { label: 'memsetPersist byte negative', call: () => region.memsetPersist(0, -1, 1), outcome: range(/byte must be in \[0, 255\]/) },
  { label: 'memsetPersist byte fractional', call: () => region.memsetPersist(0, 1.5, 1), outcome: type(/byte must be an integer/) },
  { label: 'memsetPersist past the end', call: () => region.memsetPersist(0, 1, 65), outcome: range(/Region.memsetPersist: length must be in \[0, 64\], got 65/) },
  { label: 'memsetPersist length missing', call: () => (region.memsetPersist as (o: number, b: number) => void)(0, 1), outcome: type(/length must be an integer, got undefined/) },
  { label: 'snapshot outside a transaction', call: () => region.snapshot(0, 1), outcome: refused(TransactionError, 'TX_REQUIRED') },
  { label: 'snapshot past the end (range checked first)', call: () => region.snapshot(0, 65), outcome: range(/Region.snapshot: length must be in/) },
  { label: 'snapshot offset a string', call: () => region.snapshot('1' as never, 1), outcome: type(/Region.snapshot: offset must be an integer/) },
  // BlockStore read/write
  { label: 'read lba missing', call: () => (store.read as () => unknown)(), outcome: type(/BlockStore.read: lba must be an integer, got undefined/) },
  { label: 'read lba negative', call: () => store.read(-1), outcome: range(/BlockStore.read: lba must be in \[0, 3\], got -1/) },
  { label: 'read lba = count', call: () => store.read(4), outcome: range(/lba must be in \[0, 3\], got 4/) },
  { label: 'read lba fractional', call: () => store.read(0.5), outcome: type(/lba must be an integer/) },
  { label: 'read lba a string', call: () => store.read('1' as never), outcome: type(/lba must be an integer/) },
  { label: 'read target too short', call: () => store.read(0, bytes(63)), outcome: range(/BlockStore.read: target must be exactly 64 bytes \(the block size\), got 63/) },
  { label: 'read target an array', call: () => store.read(0, [] as never), outcome: type(/BlockStore.read: target must be a Uint8Array/) },
  { label: 'write lba = count', call: () => store.write(4, bytes(64)), outcome: range(/BlockStore.write: lba must be in \[0, 3\], got 4/) },
  { label: 'write lba NaN', call: () => store.write(NaN, bytes(64)), outcome: type(/BlockStore.write: lba must be an integer, got NaN/) },
  { label: 'write data too long', call: () => store.write(0, bytes(65)), outcome: range(/BlockStore.write: data must be exactly 64 bytes/) },
  { label: 'write data empty', call: () => store.write(0, bytes(0)), outcome: range(/data must be exactly 64 bytes \(the block size\), got 0/) },
  { label: 'write data missing', call: () => (store.write as (lba: number) => void)(0), outcome: type(/BlockStore.write: data must be a Uint8Array, got undefined/) },
  { label: 'write data an ArrayBuffer', call: () => store.write(0, new ArrayBuffer(64) as never), outcome: type(/data must be a Uint8Array, got a ArrayBuffer/) },
  { label: 'write data a Uint16Array', call: () => store.write(0, new Uint16Array(32) as never), outcome: type(/data must be a Uint8Array/) },
];

test.each(rows)('$label', ({ call, outcome }) => {
  const before = image();
  expectOutcome(call, outcome);
  expect(image()).toEqual(before);
  expect(pool.region('r', 64).bytes.every((b) => b === 0x5a)).toBe(true);
  expect(store.read(1).every((b) => b === 1)).toBe(true);
});

test('a refused snapshot inside a transaction aborts it (a throw in the closure) and changes nothing', () => {
  const before = image();
  expect(() =>
    runTransaction(pool, () => {
      region.snapshot(0, 8);
      region.bytes.fill(0, 0, 8);
      region.snapshot(60, 8);
    }),
  ).toThrow(RangeError);
  expect(image()).toEqual(before);
  expect(region.bytes.every((b) => b === 0x5a)).toBe(true);
});
