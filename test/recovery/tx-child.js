// Recovery-report child: opens the Counter pool given and stops where the parent asks, printing
// "ready" there; the parent then SIGKILLs it. `inside`: inside runTransaction after a store (the
// undo log holds it); `between`: after a committed transaction; `after-abort`: after an aborted one.
const path = require('node:path');
require(path.resolve(__dirname, '../../node_modules/reflect-metadata'));
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { writeLineSync } = require('../crash/write-line');

class Counter {}
core.Field('i64')(Counter.prototype, 'value');
core.Field('u32')(Counter.prototype, 'touched');
core.Persistent({ name: 'Counter' })(Counter);

const [file, where] = process.argv.slice(2);
const pool = core.Pool.open(file, { types: [Counter], probe: false });
const counter = pool.root(Counter);
const stopHere = () => {
  writeLineSync(1, 'ready');
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
};
if (where === 'inside') {
  core.runTransaction(pool, () => {
    counter.value += 1n;
    counter.touched = 7;
    stopHere();
  });
}
core.runTransaction(pool, () => {
  counter.value += 1n;
});
if (where === 'after-abort') {
  try {
    core.runTransaction(pool, () => {
      counter.value += 100n;
      throw new Error('abort');
    });
  } catch {
    // aborted on purpose
  }
}
stopHere();
