// Child of map.kill.test.ts: applies transaction after transaction to a map (tiny nodes, so splits and
// merges at every level) until it is killed. Transaction n stores n + 1 in an ordinary field, so the
// parent knows which transactions committed and can replay them.
require(require.resolve('reflect-metadata', { paths: [__dirname] }));
const path = require('node:path');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { setNodeCapacityForTests } = require(path.resolve(__dirname, '../../packages/core/dist/collections'));
const { Store, operations } = require('./kill-program');

setNodeCapacityForTests({ leaf: 4, inner: 3 });
const pool = core.Pool.open(process.argv[2], { types: [Store] });
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
