// Ordered-map workloads on the same keys, one implementation per child process:
//   node collections.js <pmemts|lmdb|jsmap> <u64|string> <path> <n> [sync|nosync]
//   node collections.js pmemts-open <u64|string> <path> <n>
// Keys: n random u64 (bigint) or n random 32-byte ASCII strings, from one seeded PRNG, so every
// implementation sees the same keys in the same order. Values are f64 numbers. Phases, each timed:
//   set ×100/tx  insert the n keys into an empty map, 100 per transaction
//   get          look every key up, in another random order
//   scan         iterate the whole map in key order (a JS Map iterates in insertion order: not sorted)
//   set 1/tx     insert m = min(n, 100,000) new keys, one transaction each
//   delete       delete those m keys, one transaction each
// Prints one JSON line per phase: {impl, scenario, n, opsPerSec, nsPerOp}.
const path = require('node:path');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const [impl, keyKind, target, nText, sync] = process.argv.slice(2);
const n = Number(nText);
const m = Math.min(n, 100000);

function keysOf(count, seedBase) {
  // xorshift64* over bigint state would be slow to run 1M times; two 32-bit LCG streams suffice.
  let a = 0x9e3779b9 ^ seedBase;
  let b = 0x85ebca6b ^ seedBase;
  const next = () => {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    b = (Math.imul(b ^ (b >>> 15), 0x2c1b3c6d) + 0x297a2d39) >>> 0;
    return [a, b];
  };
  const keys = new Array(count);
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
  for (let i = 0; i < count; i++) {
    if (keyKind === 'u64') {
      const [hi, lo] = next();
      keys[i] = (BigInt(hi) << 32n) | BigInt(lo);
    } else {
      // Built from char codes in one call: a flat string, as parsed or read input is (not a rope of `+=`).
      const codes = [];
      for (let c = 0; c < 4; c++) {
        const [x, y] = next();
        for (let k = 0; k < 4; k++) codes.push(alphabet.charCodeAt((x >>> (6 * k)) & 63), alphabet.charCodeAt((y >>> (6 * k)) & 63));
      }
      keys[i] = String.fromCharCode(...codes);
    }
  }
  return keys;
}

// Duplicates among 1M random u64 / 192-bit strings are astronomically unlikely; dropped if they occur.
const all = [...new Set(keysOf(n + m, 7))];
const keys = all.slice(0, n);
const extra = all.slice(n);
const lookupOrder = keys.map((_, i) => i);
let seed = 99;
for (let i = lookupOrder.length - 1; i > 0; i--) {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  const j = seed % (i + 1);
  [lookupOrder[i], lookupOrder[j]] = [lookupOrder[j], lookupOrder[i]];
}

// Ratios in the table: pmemts against lmdb-js, a JS Map against pmemts (so "within 4×" reads directly).
const LMDB = `lmdb-js (${sync === 'nosync' ? 'noSync' : 'sync'})`;
const VS = { 'pmemts PMap': LMDB, 'JS Map': 'pmemts PMap' };

function time(label, phase, ops, fn) {
  const start = process.hrtime.bigint();
  fn();
  const ns = Number(process.hrtime.bigint() - start);
  const vs = `${VS[label] ?? label} ${phase}`;
  console.log(JSON.stringify({ impl: `${label} ${phase}`, vs, scenario: phase, n: ops, opsPerSec: Math.round((ops * 1e9) / ns), nsPerOp: ns / ops }));
}

function check(ok, message) {
  if (!ok) {
    console.error(`invariant broken: ${message}`);
    process.exit(1);
  }
}

/** The operations every implementation provides; each phase below is written once against them. */
/** Entries of a [key, value] iterable, each one touched (a PMap and a JS Map scan the same way). */
function countEntries(map) {
  let c = 0;
  for (const entry of map) c += entry.length >>> 1;
  return c;
}

function runPhases(label, api) {
  time(label, 'set ×100/tx', n, () => {
    for (let i = 0; i < n; i += 100) api.batch(() => {
      for (let j = i; j < Math.min(n, i + 100); j++) api.put(keys[j], j);
    });
  });
  let sum = 0;
  time(label, 'get', n, () => {
    for (let i = 0; i < n; i++) sum += api.get(keys[lookupOrder[i]]);
  });
  check(sum === (n * (n - 1)) / 2, `get sum ${sum}`);
  let count = 0;
  time(label, 'scan', n, () => {
    count = api.scan();
  });
  check(count === n, `scan saw ${count}`);
  time(label, 'set 1/tx', extra.length, () => {
    for (let i = 0; i < extra.length; i++) api.putOwn(extra[i], i);
  });
  time(label, 'delete', extra.length, () => {
    for (let i = 0; i < extra.length; i++) api.remove(extra[i]);
  });
  check(api.size() === n, `size after deletes ${api.size()}`);
}

const root = path.resolve(__dirname, '../..');

function pmemtsMap() {
  const core = require(path.join(root, 'packages/core/dist'));
  const { Field, Persistent } = core;
  class Index {}
  Field({ type: 'map', key: keyKind === 'u64' ? 'u64' : { type: 'string', maxBytes: 32 }, value: 'f64' })(Index.prototype, 'map');
  Persistent({ name: 'Index' })(Index);
  return { core, Index };
}

/** Bytes of the tree's nodes per key (the allocator's per-allocation header and rounding excluded). */
function nodeBytesPerKey(map) {
  const { treeNodes } = require(path.join(root, 'packages/core/dist/collections/PMap'));
  const tree = map.tree();
  const dv = map.mapType.session.dv;
  let bytes = 40;
  for (const node of treeNodes(dv, tree.header)) bytes += dv.getUint32(node, true) === 1 ? tree.g.leafSize : tree.g.innerSize;
  return bytes / map.size;
}

const impls = {
  pmemts() {
    const { core, Index } = pmemtsMap();
    const pool = core.Pool.create(target, { layout: 'bench', size: 512 << 20, types: [Index] });
    const map = pool.root(Index).map;
    runPhases('pmemts PMap', {
      batch: (fn) => core.runTransaction(pool, fn),
      put: (k, v) => map.set(k, v),
      putOwn: (k, v) => map.set(k, v), // outside runTransaction each set is its own transaction
      get: (k) => map.get(k),
      remove: (k) => map.delete(k),
      scan: () => countEntries(map),
      size: () => map.size,
    });
    console.log(JSON.stringify({ note: `pmemts PMap (${keyKind} keys → f64): ${nodeBytesPerKey(map).toFixed(1)} bytes of tree nodes per key at ${map.size.toLocaleString('en')} keys (allocation headers excluded)` }));
    pool.close();
  },
  lmdb() {
    const { open } = require('lmdb');
    // As the bank scenario: noSync commits reach the memory map (process-crash durable), sync fsyncs each.
    // u64 keys are 8-byte big-endian Buffers made before timing (bytewise order = numeric order).
    const db = open({ path: target, noSync: sync === 'nosync', encoding: 'ordered-binary', keyEncoding: keyKind === 'u64' ? 'binary' : 'ordered-binary' });
    if (keyKind === 'u64') {
      for (const list of [keys, extra]) {
        for (let i = 0; i < list.length; i++) {
          const buffer = Buffer.alloc(8);
          buffer.writeBigUInt64BE(list[i]);
          list[i] = buffer;
        }
      }
    }
    runPhases(LMDB, {
      batch: (fn) => db.transactionSync(fn),
      put: (k, v) => db.putSync(k, v),
      putOwn: (k, v) => db.transactionSync(() => db.putSync(k, v)),
      get: (k) => db.get(k),
      remove: (k) => db.transactionSync(() => db.removeSync(k)),
      scan() {
        let c = 0;
        for (const { value } of db.getRange()) c += value >= 0 ? 1 : 0;
        return c;
      },
      size: () => db.getCount(),
    });
    db.close();
  },
  jsmap() {
    const map = new Map();
    runPhases('JS Map', {
      batch: (fn) => fn(),
      put: (k, v) => map.set(k, v),
      putOwn: (k, v) => map.set(k, v),
      get: (k) => map.get(k),
      remove: (k) => map.delete(k),
      scan: () => countEntries(map),
      size: () => map.size,
    });
  },
  // Made by pmemts-open in another process: a pool whose root map holds the n keys.
  'pmemts-populate'() {
    const { core, Index } = pmemtsMap();
    const pool = core.Pool.create(target, { layout: 'bench', size: 512 << 20, types: [Index] });
    const map = pool.root(Index).map;
    for (let i = 0; i < keys.length; i += 10000) core.runTransaction(pool, () => {
      for (let j = i; j < Math.min(keys.length, i + 10000); j++) map.set(keys[j], j);
    });
    pool.close();
  },
  'pmemts-open'() {
    // Pool.open of an empty pool and of one holding the n-key map (both 512 MiB, made by other processes),
    // interleaved in alternating order, median of 21 each; then the first get after the open.
    const { core, Index } = pmemtsMap();
    const pools = [
      { file: `${target}-empty`, keys: 0, label: 'empty pool' },
      { file: target, keys: n, label: `${n.toLocaleString('en')}-key map` },
    ];
    for (const pool of pools) {
      const made = spawnSync(process.execPath, [__filename, 'pmemts-populate', keyKind, pool.file, String(pool.keys)], { stdio: 'inherit' });
      check(made.status === 0, 'pmemts-populate failed');
    }
    const samples = new Map();
    const sample = (what, poolLabel, ns) => {
      const label = `${what}, ${poolLabel}`;
      if (!samples.has(label)) samples.set(label, { vs: `${what}, ${pools[0].label}`, ns: [] });
      samples.get(label).ns.push(ns);
    };
    for (let r = 0; r < 21; r++) {
      for (const pool of r % 2 === 0 ? pools : [...pools].reverse()) {
        const start = process.hrtime.bigint();
        const p = core.Pool.open(pool.file, { layout: 'bench', types: [Index] });
        const opened = process.hrtime.bigint();
        const value = p.root(Index).map.get(keys[0]);
        const read = process.hrtime.bigint();
        check(pool.keys === 0 ? value === undefined : value === 0, 'first get');
        p.close();
        sample(`Pool.open (${keyKind} keys)`, pool.label, Number(opened - start));
        sample(`first get after open (${keyKind} keys)`, pool.label, Number(read - opened));
      }
    }
    fs.rmSync(pools[0].file, { force: true });
    for (const [label, { vs, ns }] of samples) {
      const median = [...ns].sort((x, y) => x - y)[ns.length >> 1];
      console.log(JSON.stringify({ impl: label, vs, scenario: 'open', n, opsPerSec: 1e9 / median, nsPerOp: median }));
    }
  },
};

if (!impls[impl] || !['u64', 'string'].includes(keyKind)) {
  console.error(`usage: collections.js <${Object.keys(impls).join('|')}> <u64|string> <path> <n> [sync|nosync]`);
  process.exit(2);
}
impls[impl]();
