// Where a decorated bank transfer and a pool.create spend their time: node transfer-breakdown.js [n]
// The bank of bench/scenarios/pmemts.js (10,000 64-byte accounts, f64 balances, the same PRNG), timed as
// cumulative steps: pick two accounts; + an empty runTransaction; + read both balances in it; the whole
// transfer (two stores and the commit). Beside them, the native calls the commit makes, alone, through the
// binding on the same pool's accounts: write-through's three (txBeginAddRange, txAddRange, txCommitEnd,
// whole 64-byte objects), write-back's one (publishWords of the two balances). And pool.create against the
// binding's txBeginAlloc + txCommitEnd. Process CPU time, not wall time (this VM is shared: wall time
// mostly measures the neighbours); median of 7 rounds, ns per operation. Run with PMEM_IS_PMEM_FORCE=1.
const path = require('node:path');
const fs = require('node:fs');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { Field, Persistent, Pool, runTransaction, WritePolicy } = core;

const n = Number(process.argv[2] ?? 100000);
const ACCOUNTS = 10000;
class Account {}
Field('f64')(Account.prototype, 'balance');
Field({ type: 'bytes', length: 56 })(Account.prototype, 'rest');
Persistent({ name: 'Account' })(Account);

let seed = 12345;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);

function cpuNs(fn) {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / n;
}

function median(fn) {
  const rounds = Array.from({ length: 7 }, () => cpuNs(fn)).sort((a, b) => a - b);
  return rounds[3];
}

function forPairs(accounts, body) {
  return () => {
    for (let i = 0; i < n; i++) {
      const a = random() % ACCOUNTS;
      let b = random() % ACCOUNTS;
      if (a === b) b = (b + 1) % ACCOUNTS;
      body(accounts[a], accounts[b]);
    }
  };
}

const rows = [];
const files = [];
for (const [policy, label] of [[WritePolicy.WriteThrough, 'write-through'], [WritePolicy.WriteBack, 'write-back']]) {
  const file = `/dev/shm/pmemts-breakdown-${process.pid}-${label}`;
  files.push(file);
  fs.rmSync(file, { force: true });
  const pool = Pool.create(file, { layout: 'bench', size: 256 << 20, types: [Account], memory: { writePolicy: policy } });
  const accounts = runTransaction(pool, () => Array.from({ length: ACCOUNTS }, () => pool.create(Account, { balance: 1000000 })));
  let sink = 0;
  const steps = [
    ['pick two accounts', forPairs(accounts, () => void sink++)],
    ['+ empty runTransaction', forPairs(accounts, () => runTransaction(pool, () => undefined))],
    ['+ read both balances in it', forPairs(accounts, (x, y) => runTransaction(pool, () => void (sink += x.balance + y.balance)))],
    ['whole transfer (+ two stores and the commit)', forPairs(accounts, (x, y) => runTransaction(pool, () => { x.balance -= 1; y.balance += 1; }))],
  ];
  for (const [step, fn] of steps) rows.push([label, step, median(fn)]);
  // The commit's native calls alone, on the same accounts (their offsets from pool.locate).
  const native = Pool.sessionOf(pool).native;
  const offsets = accounts.map((a) => pool.locate(a).offset);
  if (policy === WritePolicy.WriteThrough) {
    rows.push([label, 'native calls alone: txBeginAddRange + txAddRange + txCommitEnd', median(forPairs(offsets, (x, y) => {
      native.txBeginAddRange(x, 64);
      native.txAddRange(y, 64);
      native.txCommitEnd();
    }))]);
  } else {
    const ranges = new Float64Array([0, 8, 0, 0, 8, 8]);
    const source = new Uint8Array(16);
    const words = new DataView(source.buffer);
    const dv = new DataView(native.buffer);
    rows.push([label, 'native call alone: publishWords (two words)', median(forPairs(offsets, (x, y) => {
      words.setFloat64(0, dv.getFloat64(x, true), true);
      words.setFloat64(8, dv.getFloat64(y, true), true);
      ranges[0] = x;
      ranges[3] = y;
      native.publishWords(ranges, source, 2);
    }))]);
  }
  if (policy === WritePolicy.WriteThrough) {
    rows.push([label, 'pool.create (own transaction)', median(() => { for (let i = 0; i < n; i++) pool.create(Account); })]);
    rows.push([label, 'native calls alone: txBeginAlloc + txCommitEnd', median(() => {
      for (let i = 0; i < n; i++) {
        native.txBeginAlloc(64, 1, 1);
        native.txCommitEnd();
      }
    })]);
  }
  let total = 0;
  for (const a of accounts) total += a.balance;
  if (total !== ACCOUNTS * 1000000) throw new Error(`invariant broken: ${total}`);
  pool.close();
}
for (const file of files) fs.rmSync(file, { force: true });
for (const [policy, step, ns] of rows) console.log(`${policy.padEnd(14)} ${step.padEnd(66)} ${ns.toFixed(0).padStart(7)} ns`);
