/**
 * SIGKILL sweep over a 100,000-object migration: a child opens a v1 pool with the v2 classes (which
 * migrates it) and is killed at spread-out moments (copy, rewire and free phases), some runs twice;
 * every killed pool, opened again with the v2 classes, must resume to the state and checksum of an
 * uninterrupted run, with a clean deep check. PMEMTS_MIGRATION_KILLS sets the kill count (default 3,
 * tenfold under PMEMTS_TORTURE), PMEMTS_MIGRATION_OBJECTS the pool's size (default 100,000).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@pmemts/core';
import { Pool, readPoolCatalog, runTransaction } from '@pmemts/core';
import { tempDir } from '../core/fixtures';
import { killCount } from '../crash/kill-loop';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const killClasses = require('./kill-classes') as (c: typeof core, version: number) => { KAccount: any; KBank: any; types: any[] };

const OBJECTS = Number(process.env.PMEMTS_MIGRATION_OBJECTS || 100_000);
const KILLS = killCount('PMEMTS_MIGRATION_KILLS', 3);
const LAYOUT = 'pmemts-kill';
const CHILD = path.join(__dirname, 'migrate-child.js');
const tmp = tempDir('migration-kill');
afterAll(() => tmp.cleanup());

const v1 = killClasses(core, 1);
const v2 = killClasses(core, 2);

/** A v1 bank of `n` accounts linked from the root, every 100th also in the root's vector. */
function buildV1(file: string, n: number): void {
  const pool = Pool.create(file, { layout: LAYOUT, types: v1.types, size: 128 * 1024 * 1024 });
  const bank: any = pool.root(v1.KBank);
  let previous: any = null;
  for (let start = n; start > 0; start -= 10_000) {
    runTransaction(pool, () => {
      for (let id = start; id > Math.max(0, start - 10_000); id--) {
        previous = pool.create(v1.KAccount, { id, balance: BigInt(id * 3 - 7), owner: `o${id}`, next: previous });
        if (id % 100 === 0) bank.sample.push(previous);
      }
    });
  }
  runTransaction(pool, () => {
    bank.first = previous;
    bank.count = n;
  });
  pool.close();
}

/** Opens with v2 (which finishes any migration) and hashes what the application sees; the deep check's problem count when asked. */
function checksum(file: string, deep: boolean): { digest: string; problems: number } {
  const pool = Pool.open(file, { layout: LAYOUT, types: v2.types, probe: false });
  try {
    const hash = createHash('sha256');
    const bank: any = pool.root(v2.KBank);
    let n = 0;
    for (let a = bank.first; a !== null; a = a.next, n++) hash.update(`${a.id}|${a.balance}|${a.owner}|${a.opened.getTime()};`);
    hash.update(`count ${bank.count} walked ${n} sample ${[...bank.sample].map((a: any) => a.id).join(',')}`);
    return { digest: hash.digest('hex'), problems: deep ? pool.deepCheck().problems.length : 0 };
  } finally {
    pool.close();
  }
}

/** Runs the child on `file`; kills it `delayMs` after it says ready (never when delayMs is null). */
function runChild(file: string, delayMs: number | null): Promise<{ killed: boolean; openMs: number }> {
  const child = spawn(process.execPath, [CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  child.stdout.on('data', (d) => {
    const ready = !out.includes('ready\n');
    out += d;
    if (ready && out.includes('ready\n') && delayMs !== null) setTimeout(() => child.kill('SIGKILL'), delayMs);
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ killed: true, openMs: NaN });
      else if (code === 0) resolve({ killed: false, openMs: Number(/done ([\d.]+)/.exec(out)?.[1]) });
      else reject(new Error(`migration child failed (${code}): ${err}`));
    }),
  );
}

test(`${KILLS} SIGKILLs during a ${OBJECTS}-object migration each resume to the uninterrupted run's state and checksum`, async () => {
  const base = tmp.file('v1');
  buildV1(base, OBJECTS);
  const reference = tmp.file('reference');
  fs.copyFileSync(base, reference);
  const { openMs } = await runChild(reference, null);
  const expected = checksum(reference, true);
  expect(expected.problems).toBe(0);
  console.log(`${OBJECTS} objects migrated in ${openMs.toFixed(0)} ms (${Math.round(OBJECTS / (openMs / 1000))} objects/s, open included)`);

  let interrupted = 0;
  for (let k = 0; k < KILLS; k++) {
    const file = tmp.file(`kill-${k}`);
    fs.copyFileSync(base, file);
    // Spread over the whole migration; every other run is killed a second time, during its resumption.
    const first = await runChild(file, Math.round((openMs * (k + 0.5)) / KILLS));
    if (k % 2 === 1) await runChild(file, Math.round(openMs * 0.2));
    if (readPoolCatalog(file, LAYOUT, false).sections?.migration !== undefined) interrupted++;
    expect(first.killed || !Number.isNaN(first.openMs)).toBe(true);
    // The deep check (a heap walk) on the first resumed pool only: the checksum covers every account.
    expect(checksum(file, k === 0)).toEqual(expected);
    fs.rmSync(file);
  }
  // The kills must have landed inside migrations, not all before or after them.
  expect(interrupted).toBeGreaterThan(0);
}, 600_000);
