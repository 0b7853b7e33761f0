// Child of space.kill.test.ts: steps the workload (collections and defragmentations among the
// transactions) until it is killed.
require(require.resolve('reflect-metadata', { paths: [__dirname] }));
const path = require('node:path');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { TYPES, Root, step } = require('./kill-program');
const { readGoLine } = require('../crash/read-go');

readGoLine(); // modules loaded: wait for the parent's turn (test/crash/kill-loop.ts)
const pool = core.Pool.open(process.argv[2], { types: TYPES, probe: false });
const root = pool.root(Root);
process.stdout.write('ready\n');
for (;;) step(pool, root);
