// Power-failure harness workload: K bank transfers on an existing pool, each acknowledged on stdout
// ("commit <transferCount>") right after its transaction returns. Mode 'canary' plants a bug.
const path = require('node:path');
const { openBank, accountsOf, transfer, Transfer } = require(path.resolve(__dirname, '../../packages/examples/dist'));
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { writeLineSync } = require('../crash/write-line');

const [file, policy, countText, mode] = process.argv.slice(2);
const memory = { writePolicy: policy === 'write-back' ? core.WritePolicy.WriteBack : core.WritePolicy.WriteThrough };
const { pool, bank } = openBank(file, 4, { memory, size: 8 * 1024 * 1024 });
const accounts = accountsOf(bank);
let seed = 7;
const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
writeLineSync(1, 'ready');

// The canary's deliberate bug: the receiving balance is stored behind the undo log's back (no
// snapshot, so no flush at commit either). The harness must notice.
function brokenTransfer(from, to, amount) {
  const session = core.Pool.sessionOf(pool);
  const { offset, layout } = pool.locate(to);
  const field = (name) => offset + layout.fields.find((f) => f.name === name).offset;
  const dv = session.dv;
  core.runTransaction(pool, () => {
    from.balance -= amount;
    from.transfers += 1;
    dv.setBigInt64(field('balance'), dv.getBigInt64(field('balance'), true) + amount, true);
    dv.setUint32(field('transfers'), dv.getUint32(field('transfers'), true) + 1, true);
    bank.lastTransfer = pool.create(Transfer, { from, to, amount, at: new Date(), previous: bank.lastTransfer });
    bank.transferCount += 1n;
  });
}
for (let i = 0; i < Number(countText); i++) {
  const from = next() % accounts.length;
  const to = (from + 1 + (next() % (accounts.length - 1))) % accounts.length;
  const amount = BigInt(1 + (next() % 5));
  if (mode === 'canary') {
    brokenTransfer(accounts[from], accounts[to], amount);
  } else {
    core.runTransaction(pool, () => {
      transfer(pool, bank, accounts[from], accounts[to], amount);
      // Allocation and free traffic in the same transaction: a scratch account that never survives it.
      if (i % 2 === 0) pool.free(pool.create(accounts[0].constructor, { owner: 'scratch' }));
    });
  }
  writeLineSync(1, `commit ${bank.transferCount}`);
}
pool.close();
