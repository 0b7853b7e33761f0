/**
 * Power-failure sweep over a small migration: crash-image.c (test/fault) images the pool at every
 * other fence (every fence under PMEMTS_TORTURE) of a child migrating 8 accounts in transactions of 4
 * objects (under PMEMTS_TORTURE also each image with a random half of the unflushed words evicted to
 * the media). Every image must pass pmemobj_check and,
 * opened with the v2 classes (which resumes or starts the migration), show exactly what an
 * uninterrupted migration shows, with a clean deep check.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@pmemts/core';
import * as native from '@pmemts/native';
import { Pool, runTransaction } from '@pmemts/core';
import { tempDir } from '../core/fixtures';
import { buildCrashImager } from '../fault/crash-imager';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const killClasses = require('./kill-classes') as (c: typeof core, version: number) => { KAccount: any; KBank: any; types: any[] };
const LAYOUT = 'pmemts-kill';
const ACCOUNTS = 8;
/**
 * Every other fence is imaged by default (each image costs a check, an open and a deep check); under
 * PMEMTS_TORTURE every fence, each also with evictions.
 */
const TORTURE = Boolean(process.env.PMEMTS_TORTURE);
const EVICT = TORTURE;
const EVERY = TORTURE ? 1 : 2;
const v2 = killClasses(core, 2);
const tmp = tempDir('migration-power');
afterAll(() => tmp.cleanup());

function buildV1(file: string): void {
  const { KAccount, KBank, types } = killClasses(core, 1);
  const pool = Pool.create(file, { layout: LAYOUT, types, size: 8 * 1024 * 1024 });
  runTransaction(pool, () => {
    const bank: any = pool.root(KBank);
    let previous: any = null;
    for (let id = ACCOUNTS; id > 0; id--) {
      previous = pool.create(KAccount, { id, balance: BigInt(id * 10), owner: `o${id}`, next: previous });
      if (id % 4 === 0) bank.sample.push(previous);
    }
    bank.first = previous;
    bank.count = ACCOUNTS;
  });
  pool.close();
}

/** What an image shows once opened with v2, or why it cannot be opened or is unsound. */
function stateOf(file: string): string {
  const checked = native.check(file, LAYOUT);
  if (!checked.consistent) return `pmemobj_check: ${checked.message}`;
  let pool: Pool;
  try {
    pool = Pool.open(file, { layout: LAYOUT, types: v2.types, probe: false });
  } catch (error) {
    return `open: ${(error as Error).message}`;
  }
  try {
    const problems = pool.deepCheck().problems;
    if (problems.length > 0) return `deep check: ${problems.map((p) => `${p.object} ${p.message}`).join('; ')}`;
    const bank: any = pool.root(v2.KBank);
    const hash = createHash('sha256');
    for (let a = bank.first; a !== null; a = a.next) hash.update(`${a.id}|${a.balance}|${a.owner}|${a.opened.getTime()};`);
    hash.update([...bank.sample].map((a: any) => a.id).join(','));
    return hash.digest('hex');
  } finally {
    pool.close();
  }
}

test('every power-failure image of a migration resumes to the uninterrupted result', () => {
  const dir = path.dirname(tmp.file('x'));
  const preload = buildCrashImager(dir);
  const base = tmp.file('v1');
  buildV1(base);
  const reference = tmp.file('reference');
  fs.copyFileSync(base, reference);
  const expected = stateOf(reference);
  expect(expected).toMatch(/^[0-9a-f]{64}$/);

  const file = path.join(dir, 'swept.pool');
  fs.copyFileSync(base, file);
  const child = spawnSync(process.execPath, [path.join(__dirname, 'power-child.js'), file], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, PMEM_IS_PMEM_FORCE: '1', LD_PRELOAD: preload, PMEMTS_CRASH_POOL: file, PMEMTS_CRASH_OUT: path.join(dir, 'img'), PMEMTS_CRASH_EVERY: String(EVERY), ...(EVICT ? { PMEMTS_CRASH_EVICT: '1' } : {}) },
  });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  const images = child.stdout.split('\n').filter((l) => l.startsWith('image ')).flatMap((l) => [`img.${l.split(' ')[1]}`, ...(EVICT ? [`img.${l.split(' ')[1]}.evict`] : [])]);
  const violations: string[] = [];
  for (const image of images.map((n) => path.join(dir, n))) {
    const state = stateOf(image);
    if (state !== expected) violations.push(`${path.basename(image)}: ${state}`);
    fs.rmSync(image, { force: true });
  }
  console.log(`${images.length} crash images of a ${ACCOUNTS}-object migration, ${violations.length} violations`);
  expect(violations).toEqual([]);
  expect(images.length).toBeGreaterThan(EVICT ? 300 : 60);
  expect(stateOf(file)).toBe(expected);
}, 300_000);
