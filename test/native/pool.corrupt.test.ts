/**
 * Real pools with corrupted bytes: opening and checking them must never take this process down.
 * libpmemobj 1.12 can SIGSEGV inside pmemobj_open on a corrupted lane or heap region; the probe child
 * takes that hit and the caller gets PoolCorruptError.
 */
import * as fs from 'node:fs';
import * as n from '@pmemts/native';
import { tempDir } from '../core/fixtures';

const tmp = tempDir('corrupt');
afterAll(() => tmp.cleanup());
const MiB = 1024 * 1024;

function makePool(file: string): void {
  const pool = n.create(file, 'c', 8 * MiB);
  for (let i = 0; i < 50; i++) {
    pool.txBegin();
    const o = pool.txAlloc(64 + i * 32, 1 + (i % 3));
    new Uint8Array(pool.buffer, o, 8).fill(i);
    pool.txCommit();
    pool.txEnd();
  }
  pool.close();
}

/** What check and open (default probe) make of 4 KiB overwritten at `offset` with zeros, random bytes or 0xff. */
type Outcome = { check: boolean | string; open: string };
const CORRUPT: Outcome = { check: false, open: 'PoolCorruptError POOL_CORRUPT' };
const CRASHES_OPEN: Outcome = { check: false, open: 'PoolCorruptError POOL_CORRUPT (libpmemobj crashed in the probe)' };
const HEALTHY: Outcome = { check: true, open: 'opened' };
const LANES = [8192, 12288, 16384, 65536, 1 << 20, 2 << 20, 3 << 20, 3145728 + 4096];
const EXPECTED: [offset: number, what: string, zero: Outcome, random: Outcome, ones: Outcome][] = [
  [0, 'pool header', CORRUPT, CORRUPT, CORRUPT],
  [4096, 'layout name and descriptor', { check: 'PoolError POOL_LAYOUT_MISMATCH', open: 'PoolError POOL_LAYOUT_MISMATCH' }, CORRUPT, CORRUPT],
  // Zeroed lanes are empty undo logs; garbage in them makes pmemobj_open crash (in the probe child).
  ...LANES.map((offset): [number, string, Outcome, Outcome, Outcome] => [offset, 'lanes', HEALTHY, CRASHES_OPEN, CRASHES_OPEN]),
  [4 << 20, 'unused blocks of a run', HEALTHY, HEALTHY, HEALTHY],
];

function describeError(error: unknown): string {
  expect(error).toBeInstanceOf(n.PoolError);
  const e = error as n.PoolError;
  return `${e.constructor.name} ${e.code}${/crashed/.test(e.message) ? ' (libpmemobj crashed in the probe)' : ''}`;
}

test('corrupted headers, lanes and heap give the expected typed error or a consistent open, never a crash', () => {
  const pristine = tmp.file('pristine');
  makePool(pristine);
  const image = fs.readFileSync(pristine);
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
  const seen: unknown[] = [];
  for (const [offset, what] of EXPECTED) {
    const row: Outcome[] = [];
    for (const mode of ['zero', 'random', 'ones'] as const) {
      const file = tmp.file(`m-${offset}-${mode}`);
      const bytes = Buffer.from(image);
      for (let i = 0; i < 4096 && offset + i < bytes.length; i++) {
        bytes[offset + i] = mode === 'zero' ? 0 : mode === 'ones' ? 0xff : rand() & 0xff;
      }
      fs.writeFileSync(file, bytes);
      const outcome: Outcome = { check: false, open: '' };
      try {
        outcome.check = n.check(file, 'c').consistent;
      } catch (error) {
        outcome.check = describeError(error);
      }
      try {
        n.open(file, 'c').close();
        outcome.open = 'opened';
      } catch (error) {
        outcome.open = describeError(error);
      }
      row.push(outcome);
      fs.unlinkSync(file);
    }
    seen.push([offset, what, ...row]);
  }
  expect(seen).toEqual(EXPECTED);
});

test('probe "walk" visits every object of a healthy pool', () => {
  const file = tmp.file('walk');
  makePool(file);
  expect(n.probePool(file, 'c', 'walk').message).toBe('50 objects');
  n.open(file, 'c', { probe: 'walk' }).close();
  n.open(file, 'c', { probe: false }).close();
});
