// Writes one line to a file descriptor synchronously, waiting out EAGAIN. Node makes a stdout pipe
// non-blocking once process.stdout is used, so when the parent is slow to read (a loaded machine) the
// pipe fills and a plain fs.writeSync throws EAGAIN, killing the child that was only acknowledging.
const fs = require('node:fs');

const pause = new Int32Array(new SharedArrayBuffer(4));

function writeLineSync(fd, text) {
  const bytes = Buffer.from(`${text}\n`);
  let written = 0;
  while (written < bytes.length) {
    try {
      written += fs.writeSync(fd, bytes, written);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1); // 1 ms for the reader to drain the pipe
    }
  }
}

module.exports = { writeLineSync };
