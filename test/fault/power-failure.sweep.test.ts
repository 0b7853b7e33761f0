/**
 * Power-failure crash images. A preload library (crash-image.c) keeps a shadow of the pool holding only
 * cache lines that were flushed and then fenced, and writes it out at every fence of a bank workload;
 * the "evict" variant also lets a random half of the dirty, unflushed words reach the media. Every image
 * must recover: pmemobj_check passes, the pmemts deep check passes, and the state is the one after a
 * prefix of the acknowledged commits (the commit in flight entirely in or entirely out).
 * A canary whose transfer stores one balance without its snapshot must be caught, proving the
 * harness can fail.
 *
 * The workloads cover every commit path: write-through's undo log (begun by the first snapshot,
 * txBeginAddRange; committed and ended by txCommitEnd), write-back's undo log inside the transaction
 * that allocated (txCommitBatch) and on its own (runBatch), and write-back's redo path (publishWords,
 * the action API) in the store-only workload, which has its own canary: redo commits whose receiving
 * side is stored behind the log. The child's "stats" line tells how many commits took the redo path.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as native from '@pmemts/native';
import { Pool, WritePolicy } from '@pmemts/core';
import { accountsOf, Bank, BANK_TYPES, INITIAL_BALANCE, openBank, type Transfer } from '../../packages/examples/src';
import { tempDir } from '../core/fixtures';
import { buildCrashImager } from './crash-imager';

const torture = Boolean(process.env.PMEMTS_TORTURE);
const TRANSFERS = torture ? 400 : 40; // per policy; every fence of the run is imaged
const STORE_ONLY_TRANSFERS = torture ? 100 : 5; // three commits each
const tmp = tempDir('power');
afterAll(() => tmp.cleanup());
let preload = '';
beforeAll(() => {
  preload = buildCrashImager(path.dirname(tmp.file('lib')));
});

interface Outcome {
  images: number;
  violations: string[];
  /** Commits the workload made through write-back's redo path (pool.stats().redoCommits). */
  redoCommits: number;
}

type Mode = 'transfers' | 'canary' | 'store-only' | 'store-only-canary';

/** Runs the workload under the preload, checks every image it wrote, returns what was found. */
function sweep(policy: WritePolicy, transfers: number, extraEnv: Record<string, string> = {}, mode: Mode = 'transfers'): Outcome {
  const dir = fs.mkdtempSync(path.join(path.dirname(tmp.file('x')), `sweep-${policy}-`));
  const file = path.join(dir, 'bank.pool');
  openBank(file, 4, { size: 8 * 1024 * 1024, memory: { writePolicy: policy } }).pool.close();
  const child = spawnSync(process.execPath, [path.join(__dirname, 'bank-child.js'), file, policy, String(transfers), mode], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PMEM_IS_PMEM_FORCE: '1', LD_PRELOAD: preload, PMEMTS_CRASH_POOL: file, PMEMTS_CRASH_OUT: path.join(dir, 'img'), PMEMTS_CRASH_EVICT: '1', ...extraEnv },
  });
  if (child.status !== 0) throw new Error(`workload failed: ${child.stderr}`);
  // The store-only modes print the state after every commit; an image taken between two "state" lines
  // must show one of them (the commit in flight entirely in or entirely out).
  const lines = child.stdout.split('\n').map((line) => line.split(' '));
  const states = lines.filter(([word]) => word === 'state').map(([, value]) => value);
  const violations: string[] = [];
  let acked = 0n;
  let committed = -1; // index in `states` of the last state printed
  let images = 0;
  let redoCommits = NaN;
  for (const [word, value] of lines) {
    if (word === 'commit') acked = BigInt(value);
    if (word === 'state') committed++;
    if (word === 'stats') redoCommits = Number(value);
    if (word !== 'image') continue;
    const expected = mode.startsWith('store-only') ? states.slice(Math.max(committed, 0), committed + 2) : null;
    for (const image of [`img.${value}`, `img.${value}.evict`].map((n) => path.join(dir, n))) {
      images++;
      const problem = checkImage(image, policy, acked, expected);
      if (problem) violations.push(`${path.basename(image)} (after commit ${acked}): ${problem}`);
      fs.rmSync(image, { force: true });
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { images, violations, redoCommits };
}

/**
 * Why an image is not a prefix of the acknowledged history, or null when it is. `states`: the store-only
 * workloads' possible states ("count|balances|transfer counters"), which replace the checks of the
 * transfer ends and of the audit chain (those workloads count transfer ends in commits of their own
 * and create no Transfer records).
 */
function checkImage(image: string, policy: WritePolicy, acked: bigint, states: string[] | null): string | null {
  const checked = native.check(image, 'pmemts-bank');
  if (!checked.consistent) return `pmemobj_check: ${checked.message}`;
  let pool: Pool;
  try {
    pool = Pool.open(image, { layout: 'pmemts-bank', types: BANK_TYPES, memory: { writePolicy: policy }, probe: false });
  } catch (error) {
    return `open: ${(error as Error).message}`;
  }
  try {
    const report = pool.deepCheck();
    if (report.problems.length > 0) return `deep check: ${report.problems.map((p) => `${p.object} ${p.message}`).join('; ')}`;
    const bank = pool.root(Bank);
    const count = bank.transferCount;
    if (count !== acked && count !== acked + 1n) return `holds ${count} transfers, ${acked} were acknowledged`;
    const accounts = accountsOf(bank);
    const total = accounts.reduce((s, a) => s + a.balance, 0n);
    if (total !== INITIAL_BALANCE * BigInt(accounts.length)) return `total ${total}`;
    if (states) {
      const shown = `${count}|${accounts.map((a) => a.balance).join(',')}|${accounts.map((a) => a.transfers).join(',')}`;
      return states.includes(shown) ? null : `state ${shown}, expected ${states.join(' or ')}`;
    }
    const touched = accounts.reduce((s, a) => s + BigInt(a.transfers), 0n);
    if (touched !== 2n * count) return `accounts count ${touched} transfer ends for ${count} transfers`;
    let chain = 0n;
    for (let t: Transfer | null = bank.lastTransfer; t !== null; t = t.previous) chain++;
    if (chain !== count) return `audit chain has ${chain} records for ${count} transfers`;
    return null;
  } catch (error) {
    return `reading: ${(error as Error).message}`;
  } finally {
    pool.close();
  }
}

describe.each([WritePolicy.WriteThrough, WritePolicy.WriteBack])('power failure at every fence, %s', (policy) => {
  test('every image recovers to a prefix of the acknowledged commits', () => {
    const { images, violations, redoCommits } = sweep(policy, TRANSFERS);
    console.log(`${policy}: ${images} crash images, ${violations.length} violations`);
    expect(violations).toEqual([]);
    expect(images).toBeGreaterThan(TRANSFERS * 10);
    // Every transaction allocates: write-back commits through the undo log of its open transaction.
    expect(redoCommits).toBe(0);
  }, 1_200_000);
});

describe('power failure at every fence, write-back store-only transfers (the redo path)', () => {
  test('every image holds the state after the last acknowledged commit or the one in flight', () => {
    const { images, violations, redoCommits } = sweep(WritePolicy.WriteBack, STORE_ONLY_TRANSFERS, {}, 'store-only');
    console.log(`store-only: ${images} crash images, ${violations.length} violations, ${redoCommits} redo commits`);
    expect(violations).toEqual([]);
    // The two one-word counter commits of each transfer always take the redo path; its three-word
    // money commit does too when the redo rule admits three spans.
    expect(redoCommits).toBeGreaterThanOrEqual(2 * STORE_ONLY_TRANSFERS);
    expect(redoCommits).toBeLessThanOrEqual(3 * STORE_ONLY_TRANSFERS);
    expect(images).toBeGreaterThan(STORE_ONLY_TRANSFERS * 12);
  }, 1_200_000);
});

test('canary: a store that skips its snapshot is caught', () => {
  const { images, violations } = sweep(WritePolicy.WriteThrough, 3, {}, 'canary');
  console.log(`canary: ${violations.length} of ${images} images flagged`);
  expect(violations.length).toBeGreaterThan(0);
}, 600_000);

test('redo canary: one-word redo commits whose receiving side skips the log are caught', () => {
  const { images, violations, redoCommits } = sweep(WritePolicy.WriteBack, 2, {}, 'store-only-canary');
  console.log(`redo canary: ${violations.length} of ${images} images flagged`);
  expect(redoCommits).toBe(6); // every commit of the canary went through publishWords
  expect(violations.length).toBeGreaterThan(0);
}, 600_000);
