// Power-failure workload for block stores (run under test/fault/crash-image.c): K writes of random LBAs
// of the store 'disk' of an existing pool. Before each write it prints "write <lba> <version>", after
// it "done", on the descriptor the preload writes its "image <n>" lines to, so the checker knows which
// write was in flight at each image. Modes:
//   writes  BlockStore.write
//   canary  a planted bug: the new data copied over the LBA's current block in place, in two persisted
//           halves (following the documented layout), which a power failure can tear
const path = require('node:path');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { writeLineSync } = require('../crash/write-line');
const { pattern } = require('./block-pattern');

const [file, countText, mode] = process.argv.slice(2);
const pool = core.Pool.open(file, { probe: false });
const store = pool.blocks('disk');
let seed = 11;
const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);

function inPlace(lba, data) {
  const native = core.Pool.sessionOf(pool).native;
  const dv = new DataView(native.buffer);
  const physical = Number(dv.getBigUint64(store.offset + 64 + 8 * lba, true));
  const at = store.offset + Number(dv.getBigUint64(store.offset + 16, true)) + physical * store.blockSize;
  const half = store.blockSize / 2;
  native.memcpyPersist(at, data.subarray(0, half));
  native.memcpyPersist(at + half, data.subarray(half));
}

writeLineSync(1, 'ready');
for (let version = 1; version <= Number(countText); version++) {
  const lba = next() % store.count;
  writeLineSync(1, `write ${lba} ${version}`);
  const data = pattern(lba, version, store.blockSize);
  if (mode === 'canary') inPlace(lba, data);
  else store.write(lba, data);
  writeLineSync(1, 'done');
}
pool.close();
