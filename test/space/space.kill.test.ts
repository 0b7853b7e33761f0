/**
 * Collections and defragmentations under process kills: a child steps a workload that leaks and
 * collects, fragments and defragments, and is SIGKILLed a few milliseconds into each run, so kills
 * land between collection batches, inside pmemobj_defrag and inside the journal's write-back. Every
 * reopen (which finishes an interrupted defragmentation) must find everything reachable intact and
 * nothing dangling; a last collection must leave no leak. PMEMTS_SPACE_KILLS sets the number of kills
 * (tenfold under PMEMTS_TORTURE).
 */
import * as path from 'node:path';
import { killCount, runKills } from '../crash/kill-loop';
import { tempDir } from '../core/fixtures';

const compiled = require('../../packages/core/dist') as typeof import('@pmemts/core');
const { TYPES, Root, reachableProblems } = require('./kill-program') as {
  TYPES: import('@pmemts/core').PersistentClass[];
  Root: import('@pmemts/core').PersistentClass<{ n: number }>;
  reachableProblems: (root: object) => string[];
};

const KILLS = killCount('PMEMTS_SPACE_KILLS', 12);
const tmp = tempDir('space-kill');
afterAll(() => tmp.cleanup());

test(`${KILLS} SIGKILLs during collections and defragmentations: nothing reachable is lost, nothing dangles`, async () => {
  const file = tmp.file('kill');
  compiled.Pool.create(file, { types: TYPES, size: 32 * 1024 * 1024 }).close();
  let steps = 0;
  let journals = 0;
  await runKills(
    {
      child: path.join(__dirname, 'kill-child.js'),
      args: [file],
      env: () => ({ PMEM_IS_PMEM_FORCE: '1' }),
      go: () => [],
      delayMs: (run) => 20 + ((run * 37) % 120),
      check() {
        // A kill inside a defragmentation leaves its journal for the next open to finish.
        if (compiled.readPoolCatalog(file, 'pmemts', false).sections?.defrag !== undefined) journals++;
        const pool = compiled.Pool.open(file, { types: TYPES, probe: false });
        try {
          const root = pool.root(Root);
          expect(reachableProblems(root)).toEqual([]);
          expect(pool.deepCheck().problems.filter((p) => p.kind !== 'leak')).toEqual([]);
          steps = root.n;
        } finally {
          pool.close();
        }
      },
    },
    KILLS,
  );
  const pool = compiled.Pool.open(file, { types: TYPES, probe: false });
  pool.collect();
  expect(pool.deepCheck().problems).toEqual([]);
  expect(reachableProblems(pool.root(Root))).toEqual([]);
  pool.close();
  expect(steps).toBeGreaterThan(KILLS); // the children got work done between the kills
  console.log(`space kill: ${KILLS} kills, ${steps} steps, ${journals} interrupted defragmentations finished at open`);
}, 300_000);
