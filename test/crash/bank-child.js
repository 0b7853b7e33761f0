// Crash-test child: runs bank transfers forever on the pool given, printing one line per committed
// transfer ("seq from to amount") so the parent knows what was acknowledged before it kills us.
const path = require('node:path');
const { openBank, accountsOf, transfer } = require(path.resolve(__dirname, '../../packages/examples/dist'));
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { writeLineSync } = require('./write-line');
const { readGoLine } = require('./read-go');

const [file, policy] = process.argv.slice(2);
const [seedText] = readGoLine(); // modules loaded: wait for the parent's turn (kill-loop.ts)
const memory = policy === 'write-back' ? { writePolicy: core.WritePolicy.WriteBack } : { writePolicy: core.WritePolicy.WriteThrough };
const { pool, bank } = openBank(file, 8, { memory, probe: false });
const accounts = accountsOf(bank);
let seed = Number(seedText) >>> 0 || 1;
const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);

process.stdout.write('ready\n');
for (;;) {
  const from = next() % accounts.length;
  const to = (from + 1 + (next() % (accounts.length - 1))) % accounts.length;
  const amount = BigInt(1 + (next() % 20));
  try {
    transfer(pool, bank, accounts[from], accounts[to], amount);
  } catch (error) {
    if (error instanceof RangeError) continue; // not enough money: rolled back, nothing to report
    throw error;
  }
  // Synchronous: the line is in the pipe before the next transaction starts.
  writeLineSync(1, `${bank.transferCount} ${from} ${to} ${amount}`);
}
