// Child of defrag.crash.test.ts: defragments the pool and dies by SIGKILL the moment pmemobj_defrag
// returns: every object has moved, no raw pointer has been written back, the journal is pending.
require(require.resolve('reflect-metadata', { paths: [__dirname] }));
const path = require('node:path');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { TYPES } = require('./kill-program');

const pool = core.Pool.open(process.argv[2], { types: TYPES, probe: false });
const native = core.Pool.sessionOf(pool).native;
const defrag = Object.getPrototypeOf(native).defrag;
// The addon's methods are read-only on its prototype: shadow this one on the instance.
Object.defineProperty(native, 'defrag', {
  value(locations) {
    const result = defrag.call(this, locations);
    process.stdout.write(`relocated ${result.relocated}\n`);
    process.kill(process.pid, 'SIGKILL');
  },
});
pool.defrag();
