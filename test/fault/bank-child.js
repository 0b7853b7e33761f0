// Power-failure harness workload: K bank transfers on an existing pool, each acknowledged on stdout
// ("commit <transferCount>") right after its last transaction returns; at the end "stats <redoCommits>"
// says how many commits took write-back's redo path (publishWords). Modes:
//   transfers          the bank's transfer (creates a Transfer record) plus a create/free in the same transaction
//   canary             a plain transfer whose receiving side skips its snapshot (a planted bug)
//   store-only         no create or free: a transfer is three commits, the money with the count (three
//                      one-word spans) then each account's transfer counter (one word each), so under
//                      write-back the counters always take the redo path and the money does when the
//                      redo rule admits three spans (else runBatch's undo log)
//   store-only-canary  one-word redo commits whose receiving side is written straight into the mapping
// The store-only modes also print "state <text>" after every commit: the state a crash image must
// show when that commit is the last one in it (the sweep formats an image's state the same way).
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

/**
 * The canaries' deliberate bug: stores into an account straight in the mapping, behind the log's back
 * (no snapshot, no redo action, so no flush either). The harness must notice.
 */
function behindTheLog(account) {
  const { offset, layout } = pool.locate(account);
  const at = (name) => offset + layout.fields.find((f) => f.name === name).offset;
  const dv = core.Pool.sessionOf(pool).dv;
  return {
    addBalance: (amount) => dv.setBigInt64(at('balance'), dv.getBigInt64(at('balance'), true) + amount, true),
    countTransfer: () => dv.setUint32(at('transfers'), dv.getUint32(at('transfers'), true) + 1, true),
  };
}

function brokenTransfer(from, to, amount) {
  core.runTransaction(pool, () => {
    from.balance -= amount;
    from.transfers += 1;
    const planted = behindTheLog(to);
    planted.addBalance(amount);
    planted.countTransfer();
    bank.lastTransfer = pool.create(Transfer, { from, to, amount, at: new Date(), previous: bank.lastTransfer });
    bank.transferCount += 1n;
  });
}

// What the store-only modes have committed so far, kept in plain JS beside the pool.
const model = { count: bank.transferCount, balances: accounts.map((a) => a.balance), transfers: accounts.map((a) => a.transfers) };
const printState = () => writeLineSync(1, `state ${model.count}|${model.balances.join(',')}|${model.transfers.join(',')}`);

/** runTransaction(storeInPool), then the model's matching change and its "state" line. */
function commit(storeInPool, changeModel) {
  core.runTransaction(pool, storeInPool);
  changeModel();
  printState();
}

function storeOnlyTransfer(from, to, amount) {
  const [a, b] = [accounts[from], accounts[to]];
  commit(
    () => {
      a.balance -= amount;
      b.balance += amount;
      bank.transferCount += 1n;
    },
    () => {
      model.balances[from] -= amount;
      model.balances[to] += amount;
      model.count += 1n;
    },
  );
  commit(() => (a.transfers += 1), () => (model.transfers[from] += 1));
  commit(() => (b.transfers += 1), () => (model.transfers[to] += 1));
}

// Every commit stores one word through a view (the redo path) and the receiving side behind the log.
// The receiving account is only ever written that way, never through its view, so its write-back
// DRAM copy is never read or written back over the planted stores.
function brokenStoreOnlyTransfer(from, to, amount) {
  const planted = behindTheLog(accounts[to]);
  commit(
    () => {
      accounts[from].balance -= amount;
      planted.addBalance(amount);
    },
    () => {
      model.balances[from] -= amount;
      model.balances[to] += amount;
    },
  );
  commit(() => (bank.transferCount += 1n), () => (model.count += 1n));
  commit(
    () => {
      accounts[from].transfers += 1;
      planted.countTransfer();
    },
    () => {
      model.transfers[from] += 1;
      model.transfers[to] += 1;
    },
  );
}

if (mode.startsWith('store-only')) printState();
for (let i = 0; i < Number(countText); i++) {
  const amount = BigInt(1 + (next() % 5));
  if (mode === 'store-only-canary') {
    brokenStoreOnlyTransfer(next() % (accounts.length - 1), accounts.length - 1, amount);
    writeLineSync(1, `commit ${bank.transferCount}`);
    continue;
  }
  const from = next() % accounts.length;
  const to = (from + 1 + (next() % (accounts.length - 1))) % accounts.length;
  if (mode === 'canary') {
    brokenTransfer(accounts[from], accounts[to], amount);
  } else if (mode === 'store-only') {
    storeOnlyTransfer(from, to, amount);
  } else {
    core.runTransaction(pool, () => {
      transfer(pool, bank, accounts[from], accounts[to], amount);
      // Allocation and free traffic in the same transaction: a scratch account that never survives it.
      if (i % 2 === 0) pool.free(pool.create(accounts[0].constructor, { owner: 'scratch' }));
    });
  }
  writeLineSync(1, `commit ${bank.transferCount}`);
}
writeLineSync(1, `stats ${pool.stats().redoCommits}`);
pool.close();
