/** Scratch directories for pools and crash images: /dev/shm when there is one (no disk writes, msync is free), else the temp dir. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function scratchDir(prefix: string): { dir: string; cleanup(): void } {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const dir = fs.mkdtempSync(path.join(base, `pmemts-${prefix}-`));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
