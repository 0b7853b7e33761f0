// pmemts scenarios, one per child process: node pmemts.js <scenario> <pool> <n>
// Prints one JSON line {impl, scenario, n, opsPerSec[, nsPerOp]}.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const root = path.resolve(__dirname, '../..');
const native = require(path.join(root, 'packages/native/dist'));
const core = require(path.join(root, 'packages/core/dist'));
const { Field, Persistent, Pool, runTransaction, WritePolicy } = core;

const ACCOUNTS = 10000;
const [scenario, file, nText] = process.argv.slice(2);
const n = Number(nText);
let seed = 12345;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);

// A 64-byte account, like the C baseline's: an 8-byte balance and 56 bytes of other data.
class Account {}
Field('f64')(Account.prototype, 'balance');
Field({ type: 'bytes', length: 56 })(Account.prototype, 'rest');
Persistent({ name: 'Account' })(Account);

// A small object (16 bytes) for populating big heaps.
class Small {}
Field('u64')(Small.prototype, 'id');
Field('u64')(Small.prototype, 'value');
Persistent({ name: 'Small' })(Small);

// Sixteen 8-byte fields written by one transaction.
class Wide {}
for (let i = 0; i < 16; i++) Field('f64')(Wide.prototype, `f${i}`);
Persistent({ name: 'Wide' })(Wide);

/** Prints the rate of `fn`'s `ops` operations; `vs` names the row (impl) its ratio is against. */
function time(label, ops, fn, vs) {
  const start = process.hrtime.bigint();
  fn();
  const ns = Number(process.hrtime.bigint() - start);
  console.log(JSON.stringify({ impl: label, scenario, n: ops, opsPerSec: Math.round((ops * 1e9) / ns), nsPerOp: ns / ops, vs }));
}

function check(ok, message) {
  if (!ok) {
    console.error(`invariant broken: ${message}`);
    process.exit(1);
  }
}

// Two distinct random accounts, like the C baseline's (module variables: no allocation per pick).
let pairA = 0;
let pairB = 0;
function pickPair() {
  pairA = random() % ACCOUNTS;
  pairB = random() % ACCOUNTS;
  if (pairA === pairB) pairB = (pairB + 1) % ACCOUNTS;
}

const scenarios = {
  'binding-transfer'() {
    const pool = native.create(file, 'bench', 256 << 20);
    const dv = new DataView(pool.buffer);
    const accounts = new Float64Array(ACCOUNTS);
    pool.txBegin();
    for (let i = 0; i < ACCOUNTS; i++) {
      accounts[i] = pool.txAlloc(64, 1, native.XAllocFlags.Zero);
      dv.setBigInt64(accounts[i], 1000000n, true);
    }
    pool.txCommit();
    pool.txEnd();
    const ranges = new Float64Array(6);
    const source = new Uint8Array(16);
    const src = new DataView(source.buffer);
    ranges[1] = 8;
    ranges[4] = 8;
    ranges[5] = 8;
    time('pmemts-binding', n, () => {
      for (let i = 0; i < n; i++) {
        pickPair();
        const from = accounts[pairA];
        const to = accounts[pairB];
        src.setBigInt64(0, dv.getBigInt64(from, true) - 1n, true);
        src.setBigInt64(8, dv.getBigInt64(to, true) + 1n, true);
        ranges[0] = from;
        ranges[3] = to;
        pool.runBatch(ranges, source);
      }
    });
    let total = 0n;
    for (const o of accounts) total += dv.getBigInt64(o, true);
    check(total === BigInt(ACCOUNTS) * 1000000n, String(total));
    pool.close();
  },
  'decorators-transfer-wt'() {
    transfer(WritePolicy.WriteThrough, 'pmemts-decorators (write-through)');
  },
  'decorators-transfer-wb'() {
    transfer(WritePolicy.WriteBack, 'pmemts-decorators (write-back)');
  },
  // The same transfers on a pool opened with { heat: true }: the cost of recording write heat.
  'decorators-transfer-wt-heat'() {
    transfer(WritePolicy.WriteThrough, 'pmemts-decorators (write-through, heat on)', 'pmemts-decorators (write-through)');
  },
  'decorators-transfer-wb-heat'() {
    transfer(WritePolicy.WriteBack, 'pmemts-decorators (write-back, heat on)', 'pmemts-decorators (write-back)');
  },
  'decorators-alloc'() {
    const pool = Pool.create(file, { layout: 'bench', size: 256 << 20, types: [Account] });
    time('pmemts-decorators', n, () => {
      for (let i = 0; i < n; i++) pool.create(Account);
    });
    pool.close();
  },
  'binding-alloc'() {
    const pool = native.create(file, 'bench', 256 << 20);
    time('pmemts-binding', n, () => {
      for (let i = 0; i < n; i++) {
        pool.txBegin();
        pool.txAlloc(64, 1);
        pool.txCommit();
        pool.txEnd();
      }
    });
    pool.close();
  },
  'field-read'() {
    const pool = Pool.create(file, { layout: 'bench', size: 64 << 20, types: [Account] });
    const views = runTransaction(pool, () => Array.from({ length: 1000 }, (_, i) => pool.create(Account, { balance: i })));
    const plain = Array.from({ length: 1000 }, (_, i) => ({ balance: i, rest: null }));
    const reads = n * 1000;
    let sum = 0;
    const read = (objects) => {
      for (let r = 0; r < n; r++) for (let i = 0; i < 1000; i++) sum += objects[i].balance;
    };
    read(plain); // warm both paths up before timing
    read(views);
    time('plain JS object', reads, () => read(plain));
    time('pmemts live view', reads, () => read(views));
    check(sum > 0, 'sum');
    pool.close();
  },
  'pool-populate'() {
    const pool = Pool.create(file, { layout: 'bench', size: 256 << 20, types: [Small] });
    runTransaction(pool, () => (pool.root(Small).id = 1n));
    for (let done = 0; done < n; ) {
      const batch = Math.min(10000, n - done);
      runTransaction(pool, () => {
        for (let i = 0; i < batch; i++) pool.create(Small);
      });
      done += batch;
    }
    pool.close();
  },
  'pool-open'() {
    // Two pools made by other processes (their garbage cannot trigger a GC here): an empty one and one
    // of n small objects. Opens of both are interleaved (in alternating order), so a busy machine slows
    // both alike. Reported: the median time of Pool.open with and without the probe, and of the first
    // reference read after open, which builds the binding's liveness set (a walk of the whole heap).
    const pools = [
      { file: `${file}-empty`, objects: 0, label: 'empty pool' },
      { file, objects: n, label: `${n.toLocaleString('en')} objects` },
    ];
    for (const pool of pools) {
      const made = spawnSync(process.execPath, [__filename, 'pool-populate', pool.file, String(pool.objects)], { stdio: 'inherit' });
      check(made.status === 0, 'pool-populate failed');
    }
    const rows = new Map();
    const sample = (label, vs, ns) => {
      if (!rows.has(label)) rows.set(label, { vs, samples: [] });
      rows.get(label).samples.push(ns);
    };
    for (let r = 0; r < 21; r++) {
      for (const probe of [false, 'open']) {
        const mode = `Pool.open, probe ${probe === false ? 'false' : `'${probe}'`}`;
        for (const pool of r % 2 === 0 ? pools : [...pools].reverse()) {
          const start = process.hrtime.bigint();
          const p = Pool.open(pool.file, { layout: 'bench', types: [Small], probe });
          const opened = process.hrtime.bigint();
          check(p.root(Small).id === 1n, 'root');
          const read = process.hrtime.bigint();
          p.close();
          sample(`${mode}, ${pool.label}`, `${mode}, empty pool`, Number(opened - start));
          if (probe === false) sample(`first ref read after open, ${pool.label}`, `first ref read after open, empty pool`, Number(read - opened));
        }
      }
    }
    require('node:fs').rmSync(pools[0].file, { force: true });
    for (const [label, { vs, samples }] of rows) {
      const ns = [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
      console.log(JSON.stringify({ impl: label, vs, scenario, n, opsPerSec: 1e9 / ns, nsPerOp: ns }));
    }
  },
  'wide-wt'() {
    wide(WritePolicy.WriteThrough, 'pmemts write-through');
  },
  'wide-wb'() {
    wide(WritePolicy.WriteBack, 'pmemts write-back');
  },
};

/** Random transfers between two accounts; `heatVs` (the row without heat) turns write heat on. */
function transfer(writePolicy, label, heatVs) {
  const pool = Pool.create(file, { layout: 'bench', size: 256 << 20, types: [Account], memory: { writePolicy }, heat: heatVs !== undefined });
  const accounts = runTransaction(pool, () => Array.from({ length: ACCOUNTS }, () => pool.create(Account, { balance: 1000000 })));
  time(label, n, () => {
    for (let i = 0; i < n; i++) {
      pickPair();
      const from = accounts[pairA];
      const to = accounts[pairB];
      runTransaction(pool, () => {
        from.balance -= 1;
        to.balance += 1;
      });
    }
  }, heatVs);
  check(accounts.reduce((s, x) => s + x.balance, 0) === ACCOUNTS * 1000000, 'total');
  pool.close();
}

function wide(writePolicy, label) {
  const pool = Pool.create(file, { layout: 'bench', size: 64 << 20, types: [Wide], memory: { writePolicy } });
  const objects = runTransaction(pool, () => Array.from({ length: 1000 }, () => pool.create(Wide)));
  const names = Array.from({ length: 16 }, (_, i) => `f${i}`);
  time(label, n, () => {
    for (let i = 0; i < n; i++) {
      const o = objects[random() % objects.length];
      runTransaction(pool, () => {
        for (const name of names) o[name] = i;
      });
    }
  });
  pool.close();
}

// Migration rate: the scenario migration lives in migration.js.
if (scenario === 'migration') require('./migration').run(file, n);
// Striped counter vs u64 field: scenarios counter:<variant> live in counter.js.
else if (scenario.startsWith('counter:')) require('./counter').run(scenario.slice('counter:'.length), file, n);
else if (!scenarios[scenario]) {
  console.error(`unknown scenario ${scenario}; one of ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
} else scenarios[scenario]();
