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

test('corrupted headers, lanes and heap give PoolCorruptError or a consistent open, never a crash', () => {
  const pristine = tmp.file('pristine');
  makePool(pristine);
  const image = fs.readFileSync(pristine);
  const outcomes = { opened: 0, rejected: 0, probeCrashed: 0 };
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
  // Offsets across the pool header (0-8 KiB), lanes and the start of the heap (first ~4 MiB).
  const offsets = [0, 4096, 8192, 12288, 16384, 65536, 1 << 20, 2 << 20, 3 << 20, 3145728 + 4096, 4 << 20];
  for (const offset of offsets) {
    for (const mode of ['zero', 'random', 'ones'] as const) {
      const file = tmp.file(`m-${offset}-${mode}`);
      const bytes = Buffer.from(image);
      for (let i = 0; i < 4096 && offset + i < bytes.length; i++) {
        bytes[offset + i] = mode === 'zero' ? 0 : mode === 'ones' ? 0xff : rand() & 0xff;
      }
      fs.writeFileSync(file, bytes);
      try {
        expect(typeof n.check(file, 'c').consistent).toBe('boolean');
      } catch (error) {
        expect(error).toBeInstanceOf(n.PoolError); // e.g. the layout name itself was overwritten
      }
      try {
        const pool = n.open(file, 'c');
        outcomes.opened++;
        pool.close();
      } catch (error) {
        expect(error).toBeInstanceOf(n.PoolError);
        outcomes.rejected++;
        if (/crashed/.test((error as Error).message)) outcomes.probeCrashed++;
      }
      fs.unlinkSync(file);
    }
  }
  console.log(`corrupt pools: ${JSON.stringify(outcomes)}`);
  expect(outcomes.opened + outcomes.rejected).toBe(offsets.length * 3);
  expect(outcomes.rejected).toBeGreaterThan(0);
  expect(outcomes.probeCrashed).toBeGreaterThan(0); // libpmemobj did crash, in the child only
});

test('probe "walk" visits every object of a healthy pool', () => {
  const file = tmp.file('walk');
  makePool(file);
  expect(n.probePool(file, 'c', 'walk').message).toBe('50 objects');
  n.open(file, 'c', { probe: 'walk' }).close();
  n.open(file, 'c', { probe: false }).close();
});
