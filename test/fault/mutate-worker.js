// Corrupt-pool worker: applies mutations [from, to) of a seeded sequence to copies of a pristine pool
// and opens each, in this process, the way the probe child would. One line per step on stdout:
//   "open <i>"               before pmemobj_open and a heap walk (a crash or hang there is one the
//                            probe child isolates with probe: 'walk')
//   "opened <i>"             the open, walk and close succeeded
//   "result <i> <outcome>"   rejected:<code> | consistent | problems:<n> | violation:<text>
// A crash or hang after "opened <i>" would escape the probe: the parent counts it as a violation.
const fs = require('node:fs');
const path = require('node:path');
const native = require(path.resolve(__dirname, '../../packages/native/dist'));
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { BANK_TYPES } = require(path.resolve(__dirname, '../../packages/examples/dist'));
const { writeLineSync } = require('../crash/write-line');

const { Worker } = require('node:worker_threads');

const [pristineFile, workFile, fromText, toText, seedText] = process.argv.slice(2);

// Watchdog: a corrupted heap can make libpmemobj loop forever on this thread; a second thread kills
// the process when one mutation takes over a second (the parent reads the last step it printed).
const heartbeat = new Int32Array(new SharedArrayBuffer(4));
const watchdog = new Worker(
  `const { workerData } = require('node:worker_threads');
   const beat = new Int32Array(workerData);
   let seen = -1;
   setInterval(() => { const now = Atomics.load(beat, 0); if (now === seen) process.kill(process.pid, 'SIGKILL'); seen = now; }, 1000);`,
  { eval: true, workerData: heartbeat.buffer },
);
watchdog.unref();
const pristine = fs.readFileSync(pristineFile);
const say = (line) => writeLineSync(1, line);

/** The i-th mutation: deterministic from the seed, so a restarted worker continues the same sequence. */
function mutation(i) {
  let s = (Number(seedText) + Math.imul(i, 2654435761)) >>> 0;
  const rand = (n) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const size = pristine.length;
  // Where: the pool header and descriptor, the lanes, the heap's first zone, or anywhere.
  const region = [() => rand(8192), () => 8192 + rand(3 << 20), () => (3 << 20) + rand(1 << 20), () => rand(size)][rand(4)]();
  const bytes = Buffer.from(pristine);
  switch (rand(5)) {
    case 0: // flip 1-8 random bytes
      for (let k = 1 + rand(8); k > 0; k--) bytes[Math.min(size - 1, region + rand(64))] ^= 1 + rand(255);
      return bytes;
    case 1: // zero a region
      bytes.fill(0, region, Math.min(size, region + 64 * (1 + rand(64))));
      return bytes;
    case 2: // random bytes over a region
      for (let k = region, end = Math.min(size, region + 8 * (1 + rand(512))); k < end; k++) bytes[k] = rand(256);
      return bytes;
    case 3: // truncated
      return bytes.subarray(0, region);
    default: // extended
      return Buffer.concat([bytes, Buffer.alloc(4096 * (1 + rand(16)), rand(256))]);
  }
}

for (let i = Number(fromText); i < Number(toText); i++) {
  Atomics.add(heartbeat, 0, 1);
  fs.writeFileSync(workFile, mutation(i));
  say(`open ${i}`);
  try {
    // What the probe child does with probe: 'walk': open, walk the whole heap, close.
    const handle = native.open(workFile, 'pmemts-bank', { probe: false });
    try {
      for (let o = handle.first(); o !== 0; o = handle.next(o));
    } finally {
      handle.close();
    }
  } catch (error) {
    say(`result ${i} rejected:${error.code ?? error.name}${core.isPmemError(error) ? '' : ':untyped'}`);
    continue;
  }
  say(`opened ${i}`);
  let pool;
  try {
    pool = core.Pool.open(workFile, { layout: 'pmemts-bank', types: BANK_TYPES, probe: false });
  } catch (error) {
    say(`result ${i} ${core.isPmemError(error) ? `rejected:${error.code}` : `violation:${error.message.split('\n')[0]}`}`);
    continue;
  }
  try {
    const report = pool.deepCheck();
    say(`result ${i} ${report.problems.length === 0 ? 'consistent' : `problems:${report.problems.length}`}`);
  } catch (error) {
    say(`result ${i} ${core.isPmemError(error) ? `rejected:${error.code}` : `violation:${error.message.split('\n')[0]}`}`);
  } finally {
    pool.close();
  }
}
