/**
 * What the runs share: a pool per program copied from a template; the in-process check after every
 * step; for the crash runs the child (transpiled once), the model's crash windows (from running the
 * same program in process) and the check of a crashed pool file against the window it crashed in.
 * `makeModel` lets the canary substitute a deliberately wrong model.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as native from '@pmemts/native';
import { LAYOUT_NAME } from './classes';
import { Model, type Crash, type Window } from './model';
import { deepProblems, diffModel, diffWindow, readPool } from './oracle';
import type { Pool } from '@pmemts/core';
import { encodeProgram, type Program } from './program';
import { copyPool, createPool, openPool, runProgram, Violation } from './runner';

export type MakeModel = (program: Program, crash: Crash) => Model;
const realModel: MakeModel = (program, crash) => new Model(program, crash);

/** Throws a Violation when the pool differs from the model or its deep check finds a problem. */
export function compare(pool: Pool, model: Model, where: string): void {
  const problems = [...deepProblems(pool), ...diffModel(readPool(pool), model)];
  if (problems.length > 0) throw new Violation(`after ${where}:\n  ${problems.join('\n  ')}`);
}

/**
 * Which commit logs the in-process runs went through, summed over every pool session: a generator that
 * stopped producing one of them (say, no write-back transaction small enough for the redo log) would
 * leave that path unchecked, so the test asserts both are reached.
 */
export const commitLogs = { redoCommits: 0, undoSnapshots: 0 };
const seenStats = new WeakMap<Pool, { redoCommits: number; snapshots: number }>();

function tallyCommitLogs(pool: Pool): void {
  const now = pool.stats();
  const before = seenStats.get(pool) ?? { redoCommits: 0, snapshots: 0 };
  commitLogs.redoCommits += now.redoCommits - before.redoCommits;
  commitLogs.undoSnapshots += now.snapshots - before.snapshots;
  seenStats.set(pool, { redoCommits: now.redoCommits, snapshots: now.snapshots });
}

/** Runs `program` on `file` comparing pool and model after every step, and after the final close and a reopen. */
export function runInProcess(file: string, program: Program, makeModel: MakeModel = realModel): void {
  runProgram(file, program, makeModel(program, 'kill'), {
    afterStep(index, pool, model, op) {
      const where = `step ${index} (${op === 'close' ? 'close' : op.op})`;
      if (op !== 'close') {
        tallyCommitLogs(pool);
        return compare(pool, model, where);
      }
      const reopened = openPool(file, program);
      try {
        compare(reopened, model, `${where} and reopen`);
      } finally {
        reopened.close();
      }
    },
  });
}
import { transpileChild } from './transpile';

export interface CrashRig {
  readonly child: string;
  /** A fresh pool file and the program's JSON file, for one run. */
  prepare(program: Program): { file: string; programFile: string; cleanup(): void };
  /** The crash windows of `program`: index k is a crash after k acknowledged steps. */
  windows(program: Program, crash: Crash): Window[];
}

export function crashRig(dir: string, makeModel: MakeModel = realModel): CrashRig {
  const child = transpileChild(fs.mkdtempSync(path.join(dir, 'child-')));
  const template = path.join(dir, 'template.pool');
  createPool(template, { pool: { config: { policy: 'wt', level: 'tx' } }, ops: [] });
  let n = 0;
  const prepare = (program: Program) => {
    const run = fs.mkdtempSync(path.join(dir, `run${n++}-`));
    const file = path.join(run, 'model.pool');
    const programFile = path.join(run, 'program.json');
    copyPool(template, file);
    fs.writeFileSync(programFile, encodeProgram(program));
    return { file, programFile, cleanup: () => fs.rmSync(run, { recursive: true, force: true }) };
  };
  return {
    child,
    prepare,
    windows(program, crash) {
      const { file, cleanup } = prepare(program);
      try {
        const model = runProgram(file, program, makeModel(program, crash));
        return [...model.windows, model.finalWindow()];
      } finally {
        cleanup();
      }
    },
  };
}

export interface CrashCheck {
  /** Also run pmemobj_check (~100 ms an image). */
  readonly pmemobjCheck: boolean;
  /** The image comes from crash-image.c's eviction variant (see oracle.ts, Tolerance). */
  readonly evicted: boolean;
}

/** Why the crashed pool at `file` is not one of the window's worlds (or fails a check), or null. */
export function checkCrashed(file: string, program: Program, window: Window, { pmemobjCheck, evicted }: CrashCheck): string | null {
  const tolerance = { wordTornNoneRefs: evicted, poolConfig: program.pool.config };
  if (pmemobjCheck) {
    const checked = native.check(file, LAYOUT_NAME);
    if (!checked.consistent) return `pmemobj_check: ${checked.message}`;
  }
  let pool;
  try {
    pool = openPool(file, program);
  } catch (error) {
    return `open: ${(error as Error).message}`;
  }
  try {
    const problems = deepProblems(pool, tolerance);
    if (problems.length > 0) return `deep check: ${problems.join('; ')}`;
    const diffs = diffWindow(readPool(pool), window, tolerance);
    return diffs === null ? null : `not the state after ${window.afterAck} acknowledged steps (in-flight step all in or all out):\n    ${diffs.join('\n    ')}`;
  } catch (error) {
    return `reading: ${(error as Error).message}`;
  } finally {
    pool.close();
  }
}
