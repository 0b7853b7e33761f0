/**
 * Power failure during block writes and region transactions: test/fault/crash-image.c (the
 * power-failure imager of the bank sweep) writes an image of what would be durable at every fence of a
 * run of writes, and a variant in which a random half of the dirty, unflushed words reached the media
 * too. Every image passes pmemobj_check; for block writes the store opens (its map check passes) and
 * every block reads wholly as its last acknowledged version, or, for the block whose write was in
 * flight, wholly as the new one; for transactions that snapshot a region and store into it, the
 * recovered region holds wholly the last committed version or the one in flight.
 * Only the images taken between the first write and the last are checked: opening and closing the
 * pool is what the bank sweep (test/fault/power-failure.sweep.test.ts) images.
 * Canaries that write a block or the region in place, in two persisted halves, must be caught.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as native from '@pmemts/native';
import { Pool } from '@pmemts/core';
import { tempDir } from '../core/fixtures';
import { buildCrashImager } from '../fault/crash-imager';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { pattern } = require('./block-pattern') as { pattern: (lba: number, version: number, size: number) => Uint8Array };

const WRITES = Number(process.env.PMEMTS_BLOCK_SWEEP_WRITES ?? (process.env.PMEMTS_TORTURE ? 200 : 10));
const REGION_TRANSACTIONS = Number(process.env.PMEMTS_REGION_SWEEP_TRANSACTIONS ?? (process.env.PMEMTS_TORTURE ? 100 : 3));
const BLOCK_SIZE = 512;
const COUNT = 4;
/** The region's size: a transaction snapshots and rewrites all of it. */
const RING_BYTES = 512;

type Mode = 'blocks' | 'blocks-canary' | 'region-tx' | 'region-canary';
const tmp = tempDir('blk-power');
afterAll(() => tmp.cleanup());
let preload = '';
beforeAll(() => {
  preload = buildCrashImager(path.dirname(tmp.file('lib')));
});

function sweep(writes: number, mode: Mode): { images: number; violations: string[] } {
  const dir = fs.mkdtempSync(path.join(path.dirname(tmp.file('x')), `sweep-${mode}-`));
  const file = path.join(dir, 'blk.pool');
  const pool = Pool.create(file, { size: 8 * 1024 * 1024 });
  pool.blocks('disk', { blockSize: BLOCK_SIZE, count: COUNT });
  pool.region('ring', RING_BYTES);
  pool.close();
  const child = spawnSync(process.execPath, [path.join(__dirname, 'power-child.js'), file, String(writes), mode], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PMEM_IS_PMEM_FORCE: '1', LD_PRELOAD: preload, PMEMTS_CRASH_POOL: file, PMEMTS_CRASH_OUT: path.join(dir, 'img'), PMEMTS_CRASH_EVICT: '1', PMEMTS_RING_BYTES: String(RING_BYTES) },
  });
  if (child.status !== 0) throw new Error(`workload failed: ${child.stderr}`);
  const acked: number[] = new Array<number>(COUNT).fill(0); // version 0: never written (zeros)
  let inFlight: { lba: number; version: number } | null = null;
  const violations: string[] = [];
  let images = 0;
  // Only the images taken while blocks are written: those of opening and closing the pool are the bank sweep's.
  let writing = false;
  let written = 0;
  for (const [word, a, b] of child.stdout.split('\n').map((line) => line.split(' '))) {
    if (word === 'ready') writing = true;
    if (word === 'write') inFlight = { lba: Number(a), version: Number(b) };
    if (word === 'done' && inFlight) {
      acked[inFlight.lba] = inFlight.version;
      inFlight = null;
      writing = ++written < writes;
    }
    if (word !== 'image' || !writing) continue;
    for (const image of [`img.${a}`, `img.${a}.evict`].map((n) => path.join(dir, n))) {
      images++;
      const problem = checkImage(image, mode.startsWith('region'), acked, inFlight);
      if (problem) violations.push(`${path.basename(image)}${inFlight ? ` (writing lba ${inFlight.lba} v${inFlight.version})` : ''}: ${problem}`);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { images, violations };
}

const versionOf = (lba: number, version: number, size: number) => (version === 0 ? new Uint8Array(size) : pattern(lba, version, size));

/** Why the image does not read as the acknowledged blocks or region (the write in flight old or new), or null. */
function checkImage(image: string, onRegion: boolean, acked: number[], inFlight: { lba: number; version: number } | null): string | null {
  const checked = native.check(image, 'pmemts');
  if (!checked.consistent) return `pmemobj_check: ${checked.message}`;
  let pool: Pool;
  try {
    pool = Pool.open(image, { probe: false });
  } catch (error) {
    return `open: ${(error as Error).message}`;
  }
  try {
    const read = onRegion ? () => pool.region('ring', RING_BYTES).bytes : (lba: number) => pool.blocks('disk').read(lba);
    for (let lba = 0; lba < (onRegion ? 1 : COUNT); lba++) {
      const bytes = Buffer.from(read(lba));
      const allowed = [acked[lba], ...(inFlight?.lba === lba ? [inFlight.version] : [])];
      if (!allowed.some((version) => bytes.equals(versionOf(lba, version, bytes.length)))) return `${onRegion ? 'the region' : `lba ${lba}`} is none of versions ${allowed.join(', ')}`;
    }
    return null;
  } catch (error) {
    return `reading: ${(error as Error).message}`;
  } finally {
    pool.close();
  }
}

test('block writes: every image reads each block as wholly its old or wholly its new version', () => {
  const { images, violations } = sweep(WRITES, 'blocks');
  console.log(`block writes: ${images} crash images, ${violations.length} violations`);
  expect(violations).toEqual([]);
  expect(images).toBeGreaterThanOrEqual((WRITES - 1) * 4); // two fences per write, two images per fence
}, 600_000);

test('region transactions: every image recovers the region to the last committed version or the one in flight', () => {
  const { images, violations } = sweep(REGION_TRANSACTIONS, 'region-tx');
  console.log(`region transactions: ${images} crash images, ${violations.length} violations`);
  expect(violations).toEqual([]);
  expect(images).toBeGreaterThanOrEqual((REGION_TRANSACTIONS - 1) * 4);
}, 600_000);

test.each(['blocks-canary', 'region-canary'] as const)('canary %s: writes in place, in two halves, are caught torn', (mode) => {
  const { images, violations } = sweep(2, mode);
  console.log(`${mode}: ${violations.length} of ${images} images flagged`);
  expect(violations.length).toBeGreaterThan(0);
  expect(violations.every((v) => /is none of versions/.test(v))).toBe(true);
}, 600_000);
