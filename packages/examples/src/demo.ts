/**
 * `make demo`: runs the bank on ./data/bank.pool (or the path given): transfers, balances, lookups by
 * id and a range scan over the accounts map, the invariant (total unchanged) and the pool's counters.
 * Run it twice: the second run continues.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SchemaMismatchError, type Pool } from '@pmemts/core';
import { accountsOf, formatStats, INITIAL_BALANCE, openBank, totalOf, transfer } from './bank';
import type { Bank } from './bank-model';

const file = process.argv[2] ?? 'data/bank.pool';
// 200 keeps the demo to a few seconds on an ordinary disk, where every commit costs msyncs.
const transfers = Number(process.argv[3] ?? 200);
fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });

const existed = fs.existsSync(file);
const { pool, bank } = openOrExplain(file);
console.log(`${existed ? 'Reopened' : 'Created'} ${file} (${pool.isPmem ? 'persistent memory: cache-line flushes' : 'ordinary file: flushes are msync'})`);
console.log(`Accounts: ${bank.byId.size}, transfers so far: ${bank.transferCount}`);

const accounts = accountsOf(bank);
const expected = INITIAL_BALANCE * BigInt(accounts.length);
let refused = 0;
const started = process.hrtime.bigint();
for (let i = 0; i < transfers; i++) {
  const from = accounts[Math.floor(Math.random() * accounts.length)];
  let to = accounts[Math.floor(Math.random() * accounts.length)];
  if (to === from) to = accounts[(accounts.indexOf(from) + 1) % accounts.length];
  try {
    transfer(pool, bank, from, to, BigInt(1 + Math.floor(Math.random() * 50)));
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    refused++; // not enough money: the transaction rolled back, nothing changed
  }
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(`Ran ${transfers} transfers in ${ms.toFixed(1)} ms (${refused} refused for lack of funds and rolled back)`);
for (const [id, a] of bank.byId) console.log(`  #${id} ${a.owner.padEnd(12)} ${String(a.balance).padStart(8)}  (${a.transfers} transfers)`);

// Lookups by key and a range scan read the tree in the pool: no heap walk, no native call.
const two = bank.byId.get(2n);
console.log(`bank.byId.get(2n): ${two ? `${two.owner} has ${two.balance}` : 'no such account'}; bank.byId.has(99n): ${bank.byId.has(99n)}`);
const middle = [...bank.byId.range({ gte: 2n, lt: 5n })].map(([id, a]) => `#${id}=${a.balance}`);
console.log(`bank.byId.range({ gte: 2n, lt: 5n }): ${middle.join(' ')}`);

const total = totalOf(bank);
console.log(`Total ${total} (expected ${expected}): ${total === expected ? 'invariant holds' : 'INVARIANT BROKEN'}`);
const last = bank.lastTransfer;
if (last) console.log(`Last audit record: ${last.from?.owner} -> ${last.to?.owner} ${last.amount} at ${last.at.toISOString()}`);
console.log(`Stats: ${formatStats(pool.stats())}`);
pool.close();
if (total !== expected) process.exit(1);

/** Opens the bank; a pool made by an older bank example is left untouched, with a message saying what to do. */
function openOrExplain(poolFile: string): { pool: Pool; bank: Bank } {
  try {
    return openBank(poolFile);
  } catch (error) {
    if (!(error instanceof SchemaMismatchError)) throw error;
    console.error(
      `${poolFile} holds a bank from an older version of this example (its classes differ; the file is left as it is):\n` +
        `${error.message}\n` +
        `Move it away, or run the demo on another file: make demo DEMO_POOL=data/bank-2.pool`,
    );
    process.exit(2);
  }
}
