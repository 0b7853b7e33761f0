/**
 * Model-based test under process kills: each generated program runs in a child that is SIGKILLed as
 * soon as it announces a chosen step (so the kill lands in that step or soon after, inside commits as
 * often as between them). The reopened pool must pass the deep check and be one of the worlds the
 * model allows after the steps the child acknowledged. A kill keeps the page cache: every store that
 * reached the mapping survives. PMEMTS_MODEL_KILLS sets the number of kills.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import fc from 'fast-check';
import { tempDir } from '../core/fixtures';
import { budgetMs, checkPrograms, runCount } from './check';
import { checkCrashed, crashRig, type CrashRig } from './harness';
import { programs } from './generator';
import type { Program } from './program';
import { Violation } from './runner';

const KILLS = runCount('PMEMTS_MODEL_KILLS', 100);
/** Generous: the run stops (failing) after this much per program. */
const MS_PER_RUN = 1500;
const tmp = tempDir('model-kill');
const dir = path.dirname(tmp.file('dir'));
let rig: CrashRig;
let landed = 0;
beforeAll(() => {
  rig = crashRig(dir);
});
afterAll(() => tmp.cleanup());

/** A program and the step whose announcement triggers the kill. */
const killedPrograms = programs({ maxOps: 10, reopen: true }).chain((program) =>
  fc.record({ program: fc.constant(program), killAt: fc.integer({ min: 0, max: program.ops.length }) }),
);

/** Runs the child until it announces step `killAt`, kills it; returns how many steps it acknowledged. */
function runAndKill(file: string, programFile: string, killAt: number): Promise<{ acked: number; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [rig.child, file, programFile], { env: { ...process.env, PMEM_IS_PMEM_FORCE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes(`step ${killAt}\n`)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && code !== 0) return reject(new Violation(`the program failed in the child: ${err}`));
      const lines = out.split('\n');
      lines.pop(); // a line cut by the kill was never acknowledged
      const acks = lines.filter((l) => l.startsWith('ack '));
      resolve({ acked: acks.length, killed: signal === 'SIGKILL' });
    });
  });
}

async function underKill({ program, killAt }: { program: Program; killAt: number }): Promise<void> {
  const windows = rig.windows(program, 'kill');
  const { file, programFile, cleanup } = rig.prepare(program);
  try {
    const { acked, killed } = await runAndKill(file, programFile, killAt);
    if (killed) landed++;
    const problem = checkCrashed(file, program, windows[Math.min(acked, windows.length - 1)], { pmemobjCheck: true, evicted: false });
    if (problem) throw new Violation(`killed after ${acked} acknowledged steps: ${problem}`);
  } finally {
    cleanup();
  }
}

test(`${KILLS} generated programs SIGKILLed at random steps: the pool is a state the model allows`, async () => {
  const ran = await checkPrograms(killedPrograms, underKill, {
    name: 'model, kill',
    file: 'test/model/kill.model.test.ts',
    msPerRun: MS_PER_RUN,
    numRuns: KILLS,
  });
  console.log(`model, kill: ${landed} of ${ran} children killed before they finished`);
  expect(landed).toBeGreaterThan(ran / 2);
}, budgetMs({ numRuns: KILLS, msPerRun: MS_PER_RUN }) + 60_000);
