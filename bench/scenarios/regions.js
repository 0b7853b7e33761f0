// The region and block-store benchmarks through pmemts, beside bench/c/region.c (same sizes, offsets and
// LBA sequence). usage: node regions.js memcpy-4k|memcpy-1m|blk-write|blk-read <pool> <n>
//   memcpy-4k, memcpy-1m: n region.memcpyPersist calls of 4 KiB / 1 MiB into a 64 MiB region, at
//              successive offsets
//   blk-write: n BlockStore.write of 4 KiB to random LBAs of a 1,024-block store
//   blk-read:  n BlockStore.read of random LBAs into one target array
// Prints one JSON line: {"impl":...,"scenario":...,"n":...,"opsPerSec":...}.
const path = require('node:path');
const { Pool } = require(path.resolve(__dirname, '../../packages/core/dist'));

const BLOCK = 4096;
const BLOCKS = 1024;
const REGION = 64 << 20;
const [scenario, file, nText] = process.argv.slice(2);
const n = Number(nText);
let seed = 12345;
const nextRandom = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);

const pool = Pool.create(file, { size: 256 << 20 });
const source = new Uint8Array(1 << 20).fill(0x5a);
let start;
if (scenario.startsWith('memcpy-')) {
  const region = pool.region('bench', REGION);
  const len = scenario === 'memcpy-1m' ? 1 << 20 : BLOCK;
  const chunk = source.subarray(0, len);
  const slots = REGION / len;
  let at = 0;
  start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    region.memcpyPersist(at * len, chunk);
    at = (at + 1) % slots;
  }
} else {
  const store = pool.blocks('bench', { blockSize: BLOCK, count: BLOCKS });
  const block = source.subarray(0, BLOCK);
  const target = new Uint8Array(BLOCK);
  const writes = scenario === 'blk-write';
  start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    // `>>> 0` keeps the random number a uint32, as C's does.
    const lba = (nextRandom() >>> 0) % BLOCKS;
    if (writes) store.write(lba, block);
    else store.read(lba, target);
  }
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ impl: scenario.startsWith('memcpy-') ? 'pmemts region.memcpyPersist' : `pmemts BlockStore.${scenario === 'blk-write' ? 'write' : 'read'}`, scenario, n, opsPerSec: Math.round(n / seconds) }));
pool.close();
