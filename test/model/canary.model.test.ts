/**
 * Canaries: the tester must be able to fail. A model that forgets every store to `u8` (a wrong model
 * step) must be caught in process, with a shrunk reproduction and its seed; and under power failure
 * the same wrong model must disagree with the crash images of a short hand-written program.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { tempDir } from '../core/fixtures';
import { checkPrograms } from './check';
import { programs } from './generator';
import { checkCrashed, crashRig, runInProcess, type MakeModel } from './harness';
import { Model, type ModelObject } from './model';
import type { Program } from './program';
import { copyPool, createPool } from './runner';
import { buildCrashImager } from '../fault/crash-imager';

/** The deliberate bug: stores to u8 never reach the model. */
class ForgetfulModel extends Model {
  override store(o: ModelObject, path: string, value: unknown): void {
    if (path !== 'u8') super.store(o, path, value);
  }
}
const forgetful: MakeModel = (program, crash) => new ForgetfulModel(program, crash);

const tmp = tempDir('model-canary');
const dir = path.dirname(tmp.file('dir'));
afterAll(() => tmp.cleanup());

test('canary: a wrong model step is reported in process, shrunk, with its seed', async () => {
  const template = path.join(dir, 'in-process.pool');
  createPool(template, { pool: { config: { policy: 'wt', level: 'tx' } }, ops: [] });
  const run = (program: Program) => {
    const file = path.join(dir, 'canary.pool');
    copyPool(template, file);
    try {
      runInProcess(file, program, forgetful);
    } finally {
      fs.rmSync(file, { force: true });
    }
  };
  const report = await checkPrograms(programs({ maxOps: 12, reopen: true }), run, { name: 'canary', file: 'test/model/canary.model.test.ts', numRuns: 300, msPerRun: 200 }).then(
    () => 'passed',
    (error: Error) => error.message,
  );
  expect(report).toMatch(/\.u8: pool \d+, model 0/);
  expect(report).toMatch(/PMEMTS_MODEL_SEED=-?\d+ PMEMTS_MODEL_PATH=[\d:]+/);
  // Shrunk: the pool set-up, at most a few steps (each printed on one line or a short block), the close.
  expect(report.split('\n').filter((l) => l.startsWith('// step')).length).toBeLessThanOrEqual(2);
}, 120_000);

test('canary: the same wrong model disagrees with power-failure images', () => {
  const preload = buildCrashImager(dir);
  const rig = crashRig(fs.mkdtempSync(path.join(dir, 'power-')), forgetful);
  const program: Program = {
    pool: { config: { policy: 'wt', level: 'tx' } },
    ops: [{ op: 'create', at: { cls: 0, slot: 0 }, init: { u8: 7 } }, { op: 'store', at: { cls: 0, slot: 0 }, path: 'u8', value: 9 }],
  };
  const windows = rig.windows(program, 'power');
  const { file, programFile, cleanup } = rig.prepare(program);
  try {
    const out = path.join(path.dirname(file), 'img');
    const child = spawnSync(process.execPath, [rig.child, file, programFile], {
      encoding: 'utf8',
      env: { ...process.env, PMEM_IS_PMEM_FORCE: '1', LD_PRELOAD: preload, PMEMTS_CRASH_POOL: file, PMEMTS_CRASH_OUT: out },
    });
    expect(child.status).toBe(0);
    let acked = 0;
    const flagged: string[] = [];
    for (const line of child.stdout.split('\n')) {
      const [word, value] = line.split(' ');
      if (word === 'ack') acked = Number(value) + 1;
      if (word !== 'image') continue;
      const problem = checkCrashed(`${out}.${value}`, program, windows[Math.min(acked, windows.length - 1)], { pmemobjCheck: false, evicted: false });
      if (problem) flagged.push(problem);
    }
    // Every image after the creating commit holds u8 = 7, which the forgetful model never allows.
    expect(flagged.some((p) => /0:0\.u8: image 7, acceptable 0\n/.test(`${p}\n`))).toBe(true);
  } finally {
    cleanup();
  }
}, 120_000);
