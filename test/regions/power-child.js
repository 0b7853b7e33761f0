// Power-failure workload for regions and block stores (run under test/fault/crash-image.c): K writes to
// the block store 'disk' or the region 'ring' of an existing pool. Before each write it prints
// "write <lba> <version>", after it "done", on the descriptor the preload writes its "image <n>" lines
// to, so the checker knows which write was in flight at each image. Modes:
//   blocks         BlockStore.write of random LBAs
//   blocks-canary  a planted bug: the new data copied over the LBA's current block in place, in two
//                  persisted halves (following the documented layout), which a power failure can tear
//   region-tx      a transaction that snapshots the whole region and stores the new version into it
//   region-canary  a planted bug: the new version stored with memcpyPersist in two halves, no transaction
// A region counts as LBA 0 of a one-block store.
const path = require('node:path');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { writeLineSync } = require('../crash/write-line');
const { pattern } = require('./block-pattern');

const [file, countText, mode] = process.argv.slice(2);
const pool = core.Pool.open(file, { probe: false });
const onRegion = mode.startsWith('region');
const store = onRegion ? null : pool.blocks('disk');
const region = onRegion ? pool.region('ring', Number(process.env.PMEMTS_RING_BYTES)) : null;
let seed = 11;
const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);

/** Copies `data` to pool offset `at` in two persisted halves: a fence in between, so an image can hold one half. */
function inHalves(at, data) {
  const native = core.Pool.sessionOf(pool).native;
  const half = data.length / 2;
  native.memcpyPersist(at, data.subarray(0, half));
  native.memcpyPersist(at + half, data.subarray(half));
}

function blockInPlace(lba, data) {
  const dv = new DataView(core.Pool.sessionOf(pool).native.buffer);
  const physical = Number(dv.getBigUint64(store.offset + 64 + 8 * lba, true));
  inHalves(store.offset + Number(dv.getBigUint64(store.offset + 16, true)) + physical * store.blockSize, data);
}

const WRITES = {
  blocks: (lba, data) => store.write(lba, data),
  'blocks-canary': blockInPlace,
  'region-tx': (_lba, data) =>
    core.runTransaction(pool, () => {
      region.snapshot(0, region.size);
      region.bytes.set(data);
    }),
  'region-canary': (_lba, data) => inHalves(region.offset, data),
};

writeLineSync(1, 'ready');
const size = onRegion ? region.size : store.blockSize;
for (let version = 1; version <= Number(countText); version++) {
  const lba = onRegion ? 0 : next() % store.count;
  writeLineSync(1, `write ${lba} ${version}`);
  WRITES[mode](lba, pattern(lba, version, size));
  writeLineSync(1, 'done');
}
pool.close();
