/**
 * Model-based test, in process: generated programs run on a real pool and on the model; after every
 * step (each transaction, abort, flush and reopen) and after the final close the pool must equal the
 * model field for field, and the deep check must be clean. PMEMTS_MODEL_RUNS sets the count.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../core/fixtures';
import { budgetMs, checkPrograms, runCount } from './check';
import { programs } from './generator';
import { commitLogs, runInProcess } from './harness';
import type { Program } from './program';
import { copyPool, createPool } from './runner';

const RUNS = runCount('PMEMTS_MODEL_RUNS', 300);
/** Generous: the run stops (failing) after this much per program. */
const MS_PER_RUN = 500;
const tmp = tempDir('model');
const dir = path.dirname(tmp.file('dir'));
const template = path.join(dir, 'template.pool');
beforeAll(() => createPool(template, { pool: { config: { policy: 'wt', level: 'tx' } }, ops: [] }));
afterAll(() => tmp.cleanup());

function inProcess(program: Program): void {
  const file = path.join(dir, 'program.pool');
  copyPool(template, file);
  try {
    runInProcess(file, program);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

test(`${RUNS} generated programs equal the model after every step`, async () => {
  const ran = await checkPrograms(programs({ maxOps: 12, reopen: true }), inProcess, {
    name: 'model, in process',
    file: 'test/model/inprocess.model.test.ts',
    msPerRun: MS_PER_RUN,
    numRuns: RUNS,
  });
  expect(ran).toBeGreaterThanOrEqual(1); // RUNS, or 1 when replaying PMEMTS_MODEL_PATH
  if (ran >= 50) {
    // Both commit logs were exercised: write-back redo commits and undo-logged transactions.
    console.log(`commit logs: ${commitLogs.redoCommits} redo commits, ${commitLogs.undoSnapshots} undo snapshots`);
    expect(commitLogs.redoCommits).toBeGreaterThan(0);
    expect(commitLogs.undoSnapshots).toBeGreaterThan(0);
  }
}, budgetMs({ numRuns: RUNS, msPerRun: MS_PER_RUN }) + 60_000);
