// Child of map.kill.test.ts: applies transaction after transaction to a map (tiny nodes, so splits and
// merges at every level) until it is killed. Transaction n stores n + 1 in an ordinary field, so the
// parent knows which transactions committed and can replay them.
require(require.resolve('reflect-metadata', { paths: [__dirname] }));
const path = require('node:path');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { setNodeCapacityForTests } = require(path.resolve(__dirname, '../../packages/core/dist/collections'));
const { Store, operations } = require('./kill-program');
const { readGoLine } = require('../crash/read-go');

setNodeCapacityForTests({ leaf: 4, inner: 3 });
readGoLine(); // modules loaded: wait for the parent's turn (test/crash/kill-loop.ts)
const pool = core.Pool.open(process.argv[2], { types: [Store], probe: false });
const store = pool.root(Store);
process.stdout.write('ready\n');
for (let n = store.done; ; n++) {
  core.runTransaction(pool, () => {
    for (const [op, key, value] of operations(n)) {
      if (op === 'set') store.m.set(key, value);
      else store.m.delete(key);
    }
    store.done = n + 1;
  });
}
