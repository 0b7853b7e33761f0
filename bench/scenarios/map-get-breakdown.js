// Where a PMap.get spends its time: node map-get-breakdown.js <u64|string> <n> [pool]
// Fills a map with n keys (the keys of collections.js), then times cumulative prefixes of the get path
// on every key in random order: read the JS key; + encode the key; + read the tree header; + descend the inner nodes;
// + find the key in its leaf; and the whole get (+ decode the value). Process CPU time, not wall time
// (this VM is shared: wall time mostly measures the neighbours); median of 7 rounds, ns per key.
// It calls PMap internals (tree, descend, findInLeaf): a measuring tool, not an example.
const path = require('node:path');
const fs = require('node:fs');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));

const [keyKind, nText, file = `/dev/shm/pmemts-map-breakdown-${process.pid}`] = process.argv.slice(2);
const n = Number(nText);
class Index {}
core.Field({ type: 'map', key: keyKind === 'u64' ? 'u64' : { type: 'string', maxBytes: 32 }, value: 'f64' })(Index.prototype, 'map');
core.Persistent({ name: 'Index' })(Index);

let a = 0x9e3779b9;
let b = 0x85ebca6b;
const next = () => {
  a = (Math.imul(a, 1103515245) + 12345) >>> 0;
  b = (Math.imul(b ^ (b >>> 15), 0x2c1b3c6d) + 0x297a2d39) >>> 0;
};
const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
const keys = [];
for (let i = 0; i < n; i++) {
  next();
  if (keyKind === 'u64') keys.push((BigInt(a) << 32n) | BigInt(b));
  else {
    // A flat string (one fromCharCode), as collections.js makes them.
    const codes = [];
    for (let c = 0; c < 32; c++) {
      if (c % 8 === 0) next();
      codes.push(alphabet.charCodeAt(((c % 8 < 4 ? a : b) >>> (6 * (c % 4))) & 63));
    }
    keys.push(String.fromCharCode(...codes));
  }
}
const order = keys.map((_, i) => i);
for (let i = n - 1; i > 0; i--) {
  next();
  const j = a % (i + 1);
  [order[i], order[j]] = [order[j], order[i]];
}

fs.rmSync(file, { force: true });
const pool = core.Pool.create(file, { layout: 'bench', size: 512 << 20, types: [Index] });
const map = pool.root(Index).map;
for (let i = 0; i < n; i += 10000) {
  core.runTransaction(pool, () => {
    for (let j = i; j < Math.min(n, i + 10000); j++) map.set(keys[j], j);
  });
}
const type = map.mapType;
const scratch = type.scratch;
let sink = 0;
const stages = {
  // Reading each key object once: random JS heap accesses every implementation pays alike.
  'read the key (baseline)': keyKind === 'u64' ? (k) => (sink += k > 1n ? 1 : 0) : (k) => (sink += k.charCodeAt(31)),
  '+ encode key': (k) => type.keys.encode(scratch, 0, k),
  '+ tree header': (k) => {
    type.keys.encode(scratch, 0, k);
    sink += map.tree().height;
  },
  '+ descend': (k) => {
    type.keys.encode(scratch, 0, k);
    sink += map.descend(map.tree(), scratch, 0);
  },
  '+ find in leaf': (k) => {
    type.keys.encode(scratch, 0, k);
    const tree = map.tree();
    sink += map.findInLeaf(tree.g, map.descend(tree, scratch, 0), scratch, 0);
  },
  'whole get': (k) => (sink += map.get(k)),
};
const results = {};
for (const [name, stage] of Object.entries(stages)) {
  const rounds = [];
  for (let r = 0; r < 7; r++) {
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) stage(keys[order[i]]);
    const used = process.cpuUsage(before);
    rounds.push(((used.user + used.system) * 1000) / n);
  }
  results[name] = Math.round(rounds.sort((x, y) => x - y)[3]);
}
console.log(JSON.stringify({ keyKind, n, height: map.tree().height, nsPerKey: results }));
pool.close();
fs.rmSync(file, { force: true });
if (sink === -1) console.log(sink);
