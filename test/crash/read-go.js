// A kill-loop child loads its modules first, then blocks here until the parent sends its run's
// arguments: the parent starts the next child while it checks the last one, so a kill costs the
// short run and the check, not Node's start-up and module loading.
const fs = require('node:fs');

const pause = new Int32Array(new SharedArrayBuffer(4));

/** The words of the first line on stdin (blocking; a pipe made non-blocking is waited out). */
function readGoLine() {
  const byte = Buffer.alloc(1);
  let line = '';
  for (;;) {
    let n;
    try {
      n = fs.readSync(0, byte, 0, 1, null);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
      continue;
    }
    if (n === 0) process.exit(0); // the parent is done with us without a run
    if (byte[0] === 10) return line.split(' ').filter((w) => w !== '');
    line += String.fromCharCode(byte[0]);
  }
}

module.exports = { readGoLine };
