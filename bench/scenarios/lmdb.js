// lmdb-js on the bank workload: node lmdb.js <dir> <n> <sync|nosync>
// One key per account; each transfer is one write transaction reading and writing two balances.
const { open } = require('lmdb');

const [dir, nText, sync] = process.argv.slice(2);
const n = Number(nText);
const ACCOUNTS = 10000;
let seed = 12345;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);

// noSync: commits reach the memory map (survives a process crash, not power loss); default: fsync per commit.
const db = open({ path: dir, noSync: sync === 'nosync', encoding: 'ordered-binary', keyEncoding: 'uint32' });
db.transactionSync(() => {
  for (let i = 0; i < ACCOUNTS; i++) db.putSync(i, 1000000);
});
const start = process.hrtime.bigint();
for (let i = 0; i < n; i++) {
  const a = random() % ACCOUNTS;
  let b = random() % ACCOUNTS;
  if (a === b) b = (b + 1) % ACCOUNTS;
  db.transactionSync(() => {
    db.putSync(a, db.get(a) - 1);
    db.putSync(b, db.get(b) + 1);
  });
}
const ns = Number(process.hrtime.bigint() - start);
let total = 0;
for (let i = 0; i < ACCOUNTS; i++) total += db.get(i);
if (total !== ACCOUNTS * 1000000) {
  console.error(`invariant broken: ${total}`);
  process.exit(1);
}
console.log(JSON.stringify({ impl: `lmdb-js (${sync === 'nosync' ? 'noSync' : 'sync'})`, scenario: 'transfer', n, opsPerSec: Math.round((n * 1e9) / ns) }));
db.close();
