/**
 * Power-failure crash images. A preload library (crash-image.c) keeps a shadow of the pool holding only
 * cache lines that were flushed and then fenced, and writes it out at every fence of a bank workload;
 * the "evict" variant also lets a random half of the dirty, unflushed words reach the media. Every image
 * must recover: pmemobj_check passes, the pmemts deep check passes, and the state is the one after a
 * prefix of the acknowledged commits (the commit in flight entirely in or entirely out).
 * A canary whose transfer stores one balance without its snapshot must be caught, proving the
 * harness can fail.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as native from '@pmemts/native';
import { Pool, WritePolicy } from '@pmemts/core';
import { accountsOf, Bank, BANK_TYPES, INITIAL_BALANCE, openBank, type Transfer } from '../../packages/examples/src';
import { tempDir } from '../core/fixtures';

const torture = Boolean(process.env.PMEMTS_TORTURE);
const TRANSFERS = torture ? 400 : 40; // per policy; every fence of the run is imaged
const tmp = tempDir('power');
afterAll(() => tmp.cleanup());
let preload = '';
beforeAll(() => {
  preload = path.join(path.dirname(tmp.file('lib')), 'libcrash.so');
  execFileSync('cc', ['-shared', '-fPIC', '-O2', '-Wall', '-o', preload, path.join(__dirname, 'crash-image.c'), '-ldl']);
});

interface Outcome {
  images: number;
  violations: string[];
}

/** Runs the workload under the preload, checks every image it wrote, returns what was found. */
function sweep(policy: WritePolicy, transfers: number, extraEnv: Record<string, string> = {}, mode = 'transfers'): Outcome {
  const dir = fs.mkdtempSync(path.join(path.dirname(tmp.file('x')), `sweep-${policy}-`));
  const file = path.join(dir, 'bank.pool');
  openBank(file, 4, { size: 8 * 1024 * 1024, memory: { writePolicy: policy } }).pool.close();
  const child = spawnSync(process.execPath, [path.join(__dirname, 'bank-child.js'), file, policy, String(transfers), mode], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PMEM_IS_PMEM_FORCE: '1', LD_PRELOAD: preload, PMEMTS_CRASH_POOL: file, PMEMTS_CRASH_OUT: path.join(dir, 'img'), PMEMTS_CRASH_EVICT: '1', ...extraEnv },
  });
  if (child.status !== 0) throw new Error(`workload failed: ${child.stderr}`);
  const violations: string[] = [];
  let acked = 0n;
  let images = 0;
  for (const line of child.stdout.split('\n')) {
    const [word, value] = line.split(' ');
    if (word === 'commit') acked = BigInt(value);
    if (word !== 'image') continue;
    for (const image of [`img.${value}`, `img.${value}.evict`].map((n) => path.join(dir, n))) {
      images++;
      const problem = checkImage(image, policy, acked);
      if (problem) violations.push(`${path.basename(image)} (after commit ${acked}): ${problem}`);
      fs.rmSync(image, { force: true });
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { images, violations };
}

/** Why an image is not a prefix of the acknowledged history, or null when it is. */
function checkImage(image: string, policy: WritePolicy, acked: bigint): string | null {
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
    const { images, violations } = sweep(policy, TRANSFERS);
    console.log(`${policy}: ${images} crash images, ${violations.length} violations`);
    expect(violations).toEqual([]);
    expect(images).toBeGreaterThan(TRANSFERS * 10);
  }, 1_200_000);
});

test('canary: a store that skips its snapshot is caught', () => {
  const { images, violations } = sweep(WritePolicy.WriteThrough, 3, {}, 'canary');
  console.log(`canary: ${violations.length} of ${images} images flagged`);
  expect(violations.length).toBeGreaterThan(0);
}, 600_000);
