// better-sqlite3 on the bank workload: node sqlite.js <file> <n> <OFF|FULL>
const Database = require('better-sqlite3');

const [file, nText, synchronous] = process.argv.slice(2);
const n = Number(nText);
const ACCOUNTS = 10000;
let seed = 12345;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);

const db = new Database(file);
db.pragma('journal_mode = WAL');
// OFF: survives a process crash (WAL in the page cache), not power loss; FULL: fsync per commit.
db.pragma(`synchronous = ${synchronous}`);
db.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)');
const insert = db.prepare('INSERT INTO accounts (id, balance) VALUES (?, ?)');
db.transaction(() => {
  for (let i = 0; i < ACCOUNTS; i++) insert.run(i, 1000000);
})();
const move = db.prepare('UPDATE accounts SET balance = balance + ? WHERE id = ?');
const transfer = db.transaction((a, b) => {
  move.run(-1, a);
  move.run(1, b);
});
const start = process.hrtime.bigint();
for (let i = 0; i < n; i++) {
  const a = random() % ACCOUNTS;
  let b = random() % ACCOUNTS;
  if (a === b) b = (b + 1) % ACCOUNTS;
  transfer(a, b);
}
const ns = Number(process.hrtime.bigint() - start);
const total = db.prepare('SELECT SUM(balance) AS t FROM accounts').get().t;
if (total !== ACCOUNTS * 1000000) {
  console.error(`invariant broken: ${total}`);
  process.exit(1);
}
console.log(JSON.stringify({ impl: `better-sqlite3 (WAL, synchronous=${synchronous})`, scenario: 'transfer', n, opsPerSec: Math.round((n * 1e9) / ns) }));
db.close();
