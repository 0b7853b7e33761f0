// Checkpoint throughput: pool.checkpoint of a 64 MiB pool (a bank of 10,000 accounts, 100 transfers
// between checkpoints) n times, beside fs.copyFileSync of the closed pool file (the kernel's copy, the
// floor for a file-backed pool). MB/s = pool bytes / time per checkpoint, fsyncs included.
//   node checkpoint.js <pool> <n>   (bench/run.js runs it once it has a `checkpoint` kind: docs/benchmark.md)
// Prints one JSON line per implementation {impl, scenario, n, opsPerSec} whose opsPerSec is MB/s.
const fs = require('node:fs');
const path = require('node:path');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { Field, Persistent, Pool, runTransaction } = core;

class CpAccount {}
Field('u64')(CpAccount.prototype, 'id');
Field('i64')(CpAccount.prototype, 'balance');
Persistent({ name: 'CpAccount' })(CpAccount);

const SIZE = 64 << 20;
const MB = 1024 * 1024;

function run(file, n) {
  const target = `${file}.checkpoint`;
  for (const f of [file, target]) fs.rmSync(f, { force: true });
  const pool = Pool.create(file, { layout: 'bench-checkpoint', types: [CpAccount], size: SIZE });
  const accounts = [];
  runTransaction(pool, () => {
    for (let i = 0; i < 10_000; i++) accounts.push(pool.create(CpAccount, { id: BigInt(i), balance: 1000n }));
  });
  let ms = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < 100; t++) {
      runTransaction(pool, () => {
        accounts[(i * 100 + t) % accounts.length].balance -= 1n;
        accounts[(i * 100 + t + 1) % accounts.length].balance += 1n;
      });
    }
    ms += pool.checkpoint(target, { overwrite: true }).ms;
  }
  pool.close();
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    fs.copyFileSync(file, target);
    const fd = fs.openSync(target, 'r+');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  }
  const copyMs = performance.now() - started;
  const mbPerSec = (totalMs) => Math.round((SIZE / MB) * n / (totalMs / 1000));
  console.log(JSON.stringify({ impl: 'fs.copyFileSync + fsync (MB/s)', scenario: 'checkpoint', n, opsPerSec: mbPerSec(copyMs) }));
  console.log(JSON.stringify({ impl: 'pool.checkpoint (MB/s)', scenario: 'checkpoint', n, opsPerSec: mbPerSec(ms), vs: 'fs.copyFileSync + fsync (MB/s)' }));
  for (const f of [file, target]) fs.rmSync(f, { force: true });
}

module.exports = { run };
if (require.main === module) run(process.argv[2], Number(process.argv[3] ?? 5));
