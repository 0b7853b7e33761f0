// Kill-test child: adds to a striped counter forever, each transaction adding the same amount to a
// plain u64 in another object (the control), and prints the counter's value after each commit, so the
// parent knows what was acknowledged before it kills us.
const path = require('node:path');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { writeLineSync } = require('../crash/write-line');
const { readGoLine } = require('../crash/read-go');
const { declareTally } = require('./tally');

const [file, policy] = process.argv.slice(2);
const { Tally, Holder } = declareTally(core);
const [seedText] = readGoLine(); // modules loaded: wait for the parent's turn (kill-loop.ts)
const pool = core.Pool.open(file, { types: [Tally, Holder], memory: { writePolicy: policy }, probe: false });
const tally = pool.root(Tally);
const counter = tally.holder.hits;
let seed = Number(seedText) >>> 0 || 1;
const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);

process.stdout.write('ready\n');
for (;;) {
  const adds = 1 + (next() % 3);
  const n = 1 + (next() % 5);
  core.runTransaction(pool, () => {
    for (let i = 0; i < adds; i++) counter.add(n);
    tally.total += BigInt(adds * n);
  });
  // Synchronous: the line is in the pipe before the next transaction starts.
  writeLineSync(1, String(counter.value));
}
