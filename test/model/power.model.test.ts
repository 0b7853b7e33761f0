/**
 * Model-based test under power failure: each generated program runs in a child under the crash-image
 * preload (test/fault/crash-image.c), which writes what the media would hold at every fence, plus a
 * variant where half the unflushed words reached it too. Each image must pass pmemobj_check, open,
 * pass the deep check and be one of the worlds the model allows after the steps acknowledged before
 * it. PMEMTS_MODEL_IMAGED sets the number of programs, PMEMTS_MODEL_IMAGES the images checked per program.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../core/fixtures';
import { budgetMs, checkPrograms, runCount } from './check';
import { checkCrashed, crashRig, type CrashRig } from './harness';
import { programs } from './generator';
import fc from 'fast-check';
import type { Program } from './program';
import { Violation } from './runner';
import { buildCrashImager } from '../fault/crash-imager';

const PROGRAMS = runCount('PMEMTS_MODEL_IMAGED', 40);
/** Generous: the run stops (failing) after this much per program. */
const MS_PER_RUN = 4000;
const IMAGES_PER_PROGRAM = runCount('PMEMTS_MODEL_IMAGES', 8);
const tmp = tempDir('model-power');
const dir = path.dirname(tmp.file('dir'));
let preload = '';
let rig: CrashRig;
let imagesChecked = 0;
beforeAll(() => {
  preload = buildCrashImager(dir);
  rig = crashRig(dir);
});
afterAll(() => tmp.cleanup());

/** `count` of `items`, evenly spread, the last always included (the state after everything). */
function spread<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  return Array.from({ length: count }, (_, i) => items[Math.round(((i + 1) * (items.length - 1)) / count)]);
}

/**
 * A program and which fences are imaged: every `every`-th (a prime, so programs differ in which fences
 * they see; imaging all of a program's ~70 fences writes a gigabyte).
 */
const imagedPrograms = fc.record({ program: programs({ maxOps: 8, reopen: true }), every: fc.constantFrom(2, 3, 5, 7) });

function underPowerFailure({ program, every }: { program: Program; every: number }): void {
  const windows = rig.windows(program, 'power');
  const { file, programFile, cleanup } = rig.prepare(program);
  try {
    const out = path.join(path.dirname(file), 'img');
    const child = spawnSync(process.execPath, [rig.child, file, programFile], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, PMEM_IS_PMEM_FORCE: '1', LD_PRELOAD: preload, PMEMTS_CRASH_POOL: file, PMEMTS_CRASH_OUT: out, PMEMTS_CRASH_EVICT: '1', PMEMTS_CRASH_EVERY: String(every) },
    });
    if (child.status !== 0) throw new Violation(`the program failed in the child (status ${child.status}, signal ${child.signal}): ${child.stderr}`);
    const images: { name: string; acked: number }[] = [];
    let acked = 0;
    for (const line of child.stdout.split('\n')) {
      const [word, value] = line.split(' ');
      if (word === 'ack') acked = Number(value) + 1;
      if (word === 'image') images.push({ name: `${out}.${value}`, acked }, { name: `${out}.${value}.evict`, acked });
    }
    const violations: string[] = [];
    const checked = spread(images, IMAGES_PER_PROGRAM);
    for (const image of images) if (!checked.includes(image)) fs.rmSync(image.name, { force: true });
    for (const [i, image] of checked.entries()) {
      const window = windows[Math.min(image.acked, windows.length - 1)];
      // pmemobj_check costs ~100 ms an image: run it on every third; libpmemobj's own open checks the rest.
      const problem = checkCrashed(image.name, program, window, { pmemobjCheck: i % 3 === 0, evicted: image.name.endsWith('.evict') });
      imagesChecked++;
      fs.rmSync(image.name, { force: true });
      if (problem) violations.push(`${path.basename(image.name)} (after ${image.acked} acknowledged steps): ${problem}`);
    }
    if (violations.length > 0) throw new Violation(`${violations.length} crash images violate the model:\n  ${violations.slice(0, 3).join('\n  ')}`);
  } finally {
    cleanup();
  }
}

test(`${PROGRAMS} generated programs under power failure: every image is a state the model allows`, async () => {
  const ran = await checkPrograms(imagedPrograms, underPowerFailure, {
    name: 'model, power failure',
    file: 'test/model/power.model.test.ts',
    msPerRun: MS_PER_RUN,
    numRuns: PROGRAMS,
  });
  console.log(`model, power failure: ${imagesChecked} crash images checked`);
  expect(imagesChecked).toBeGreaterThanOrEqual(ran * Math.min(IMAGES_PER_PROGRAM, 4));
}, budgetMs({ numRuns: PROGRAMS, msPerRun: MS_PER_RUN }) + 60_000);
