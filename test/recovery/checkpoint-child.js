// Checkpoint-under-load child: runs bank transfers on the pool given and, every `every` transfers,
// writes a checkpoint (between two transactions, the only place JS can be) to `<dir>/cp-<n>.pool`,
// printing "<transferCount> <file>"; after `count` checkpoints it prints "ready" and keeps
// transferring until the parent kills it.
const path = require('node:path');
const { openBank, accountsOf, transfer } = require(path.resolve(__dirname, '../../packages/examples/dist'));
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { writeLineSync } = require('../crash/write-line');

const [file, dir, policy, every, count] = process.argv.slice(2);
const memory = { writePolicy: policy === 'write-back' ? core.WritePolicy.WriteBack : core.WritePolicy.WriteThrough };
const { pool, bank } = openBank(file, 8, { memory, probe: false });
const accounts = accountsOf(bank);
let seed = 7;
const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
for (let done = 0, taken = 0; ; done++) {
  const from = next() % accounts.length;
  const to = (from + 1 + (next() % (accounts.length - 1))) % accounts.length;
  try {
    transfer(pool, bank, accounts[from], accounts[to], BigInt(1 + (next() % 50)));
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  if (taken < Number(count) && done % Number(every) === 0) {
    const target = path.join(dir, `cp-${taken++}.pool`);
    pool.checkpoint(target);
    writeLineSync(1, `${bank.transferCount} ${target}`);
    if (taken === Number(count)) writeLineSync(1, 'ready');
  }
}
