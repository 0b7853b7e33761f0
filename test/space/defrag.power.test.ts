/**
 * Power failures inside a defragmentation and a collection: the crash-image preload of the
 * power-failure sweep (test/fault/crash-image.c) keeps only what was flushed and fenced, and writes an
 * image of the pool at every Nth fence (every fence under PMEMTS_TORTURE), also with a random half of
 * the unflushed words evicted. Every image must pass pmemobj_check, open (finishing an interrupted
 * defragmentation from its journal), hold everything reachable intact and nothing dangling.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as native from '@pmemts/native';
import { tempDir } from '../core/fixtures';
import { buildCrashImager } from '../fault/crash-imager';

const compiled = require('../../packages/core/dist') as typeof import('@pmemts/core');
const { TYPES, Root, grow, reachableProblems } = require('./kill-program') as {
  TYPES: import('@pmemts/core').PersistentClass[];
  Root: import('@pmemts/core').PersistentClass<{ n: number }>;
  grow: (pool: import('@pmemts/core').Pool, root: object) => void;
  reachableProblems: (root: object) => string[];
};

const EVERY = process.env.PMEMTS_TORTURE ? 1 : 13;
const tmp = tempDir('space-power');
afterAll(() => tmp.cleanup());

/** Why an image is not a sound pool holding everything reachable, or null. */
function problemOf(image: string): string | null {
  const checked = native.check(image, 'pmemts');
  if (!checked.consistent) return `pmemobj_check: ${checked.message}`;
  let pool: import('@pmemts/core').Pool;
  try {
    pool = compiled.Pool.open(image, { types: TYPES, probe: false });
  } catch (error) {
    return `open: ${(error as Error).message}`;
  }
  try {
    const problems = [...reachableProblems(pool.root(Root)), ...pool.deepCheck().problems.filter((p) => p.kind !== 'leak').map((p) => `${p.object} ${p.message}`)];
    return problems.length === 0 ? null : problems.join('; ');
  } catch (error) {
    return `reading: ${(error as Error).message}`;
  } finally {
    pool.close();
  }
}

test('every power-failure image taken inside a defrag and a collection recovers with everything reachable intact', () => {
  const dir = path.dirname(tmp.file('x'));
  const preload = buildCrashImager(dir);
  const file = path.join(dir, 'space.pool');
  const pool = compiled.Pool.create(file, { types: TYPES, size: 8 * 1024 * 1024 });
  const root = pool.root(Root);
  for (let i = 0; i < 40; i++) grow(pool, root);
  pool.collect();
  pool.close();

  const child = spawnSync(process.execPath, [path.join(__dirname, 'power-child.js'), file], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, PMEM_IS_PMEM_FORCE: '1', LD_PRELOAD: preload, PMEMTS_CRASH_POOL: file, PMEMTS_CRASH_OUT: path.join(dir, 'img'), PMEMTS_CRASH_EVICT: '1', PMEMTS_CRASH_EVERY: String(EVERY) },
  });
  expect({ status: child.status, stderr: child.stderr }).toEqual({ status: 0, stderr: '' });
  expect(Number(/relocated (\d+)/.exec(child.stdout)?.[1])).toBeGreaterThan(20);
  const violations: string[] = [];
  let images = 0;
  let journals = 0;
  for (const [, n] of child.stdout.matchAll(/^image (\d+)$/gm)) {
    for (const image of [`img.${n}`, `img.${n}.evict`].map((name) => path.join(dir, name))) {
      images++;
      if (compiled.readPoolCatalog(image, 'pmemts', false).sections?.defrag !== undefined) journals++;
      const problem = problemOf(image);
      if (problem !== null) violations.push(`${path.basename(image)}: ${problem}`);
      fs.rmSync(image, { force: true });
    }
  }
  console.log(`space power: ${images} images (every ${EVERY}th fence), ${journals} inside a defragmentation's journal, ${violations.length} violations`);
  expect(violations).toEqual([]);
  expect(journals).toBeGreaterThan(0);
}, 600_000);
