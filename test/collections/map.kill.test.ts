/**
 * The map workload under process kills: a child applies transaction after transaction of inserts and
 * deletes (tiny nodes, so they split and merge at every level) that also store an ordinary field, on
 * one long-lived pool, and is SIGKILLed a few milliseconds into each run. After every kill the tree's
 * invariants hold and its contents are exactly the committed transactions replayed: never a torn
 * insert. PMEMTS_MAP_KILLS sets the number of kills (tenfold under PMEMTS_TORTURE).
 */
import * as path from 'node:path';
import { killCount, runKills } from '../crash/kill-loop';
import { tempDir } from './fixtures';

// Plain JS shared with the child process, on the compiled core (as test/crash does).
const { Store, operations } = require('./kill-program') as { Store: new () => { done: number; m: import('@pmemts/core').PMap<bigint, bigint> }; operations: (n: number) => [string, bigint, bigint?][] };
const compiled = require('../../packages/core/dist') as typeof import('@pmemts/core');

const KILLS = killCount('PMEMTS_MAP_KILLS', 400);
const tmp = tempDir('map-kill');
afterAll(() => tmp.cleanup());

test(`${KILLS} SIGKILLs in the middle of map transactions: every reopen finds the invariants intact and exactly the committed transactions`, async () => {
  const file = tmp.file('kill');
  compiled.Pool.create(file, { types: [Store] }).close();
  const model = new Map<bigint, bigint>();
  let replayed = 0;
  let largest = 0;
  const perKill = await runKills(
    {
      child: path.join(__dirname, 'kill-child.js'),
      args: [file],
      env: () => ({ PMEM_IS_PMEM_FORCE: '1' }),
      go: () => [],
      delayMs: (run) => (run * 7) % 20,
      check() {
        const pool = compiled.Pool.open(file, { types: [Store], probe: false });
        try {
          const store = pool.root(Store);
          for (; replayed < store.done; replayed++) {
            for (const [op, key, value] of operations(replayed)) {
              if (op === 'set') model.set(key, value!);
              else model.delete(key);
            }
          }
          expect(compiled.verifyCollection(store.m)).toEqual([]);
          expect([...store.m]).toEqual([...model.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
          expect(pool.deepCheck().problems).toEqual([]);
          largest = Math.max(largest, store.m.size);
        } finally {
          pool.close();
        }
      },
    },
    KILLS,
  );
  console.log(`map kill: ${KILLS} kills, ${replayed} committed transactions replayed, ${perKill.toFixed(0)} ms a kill`);
  // Transactions ran between the kills (one kill may land before the first commit of its run), and the
  // map grew past three levels of tiny nodes, so deletes merged them back.
  expect(replayed).toBeGreaterThan(KILLS / 2);
  expect(largest).toBeGreaterThan(30);
}, 600_000);
