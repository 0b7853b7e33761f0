/**
 * Device DAX and the mapping kind, as far as a machine without persistent memory can test them: the
 * path and size handling of character devices, and the kind reported with and without
 * PMEM_IS_PMEM_FORCE (docs/recovery.md says how to test on real or emulated persistent memory).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as native from '@pmemts/native';
import { mappingKind, Pool, PoolCorruptError } from '@pmemts/core';
import { Counter, tempDir } from '../core/fixtures';

const tmp = tempDir('dax');
afterAll(() => tmp.cleanup());

/** mappingKind of a pool opened by a child process with PMEM_IS_PMEM_FORCE set to `force` (or unset). */
function kindInChild(file: string, force: string | undefined): string {
  const env = { ...process.env };
  delete env.PMEM_IS_PMEM_FORCE;
  if (force !== undefined) env.PMEM_IS_PMEM_FORCE = force;
  const core = path.resolve(__dirname, '../../packages/core/dist');
  const script = `const c = require(${JSON.stringify(core)}); const p = c.Pool.open(process.argv[1], { probe: false }); process.stdout.write(c.mappingKind(p) + ' ' + p.isPmem); p.close();`;
  const r = spawnSync(process.execPath, ['-e', script, file], { env, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout;
}

test('a character device (device DAX) takes size 0; any other size is POOL_DEVICE_SIZE, and a device that is not DAX is refused by libpmemobj', () => {
  expect(() => native.create('/dev/null', 'pmemts', 64 * 1024 * 1024)).toThrow(expect.objectContaining({ code: 'POOL_DEVICE_SIZE', message: expect.stringMatching(/size must be 0/) }));
  expect(() => Pool.create('/dev/null', { types: [Counter] })).toThrow(expect.objectContaining({ code: 'POOL_DEVICE_SIZE' }));
  expect(() => Pool.create('/dev/null', { types: [Counter], size: 0 })).toThrow(PoolCorruptError);
  // A regular file still needs 8 MiB: size 0 is only for devices.
  expect(() => Pool.create(tmp.file('zero'), { size: 0 })).toThrow(expect.objectContaining({ code: 'POOL_TOO_SMALL' }));
});

test('the mapping kind: msync on an ordinary file, forced with PMEM_IS_PMEM_FORCE=1, msync again with =0', () => {
  const file = tmp.file('kind');
  Pool.create(file, { types: [Counter] }).close();
  expect(kindInChild(file, undefined)).toBe('msync false');
  expect(kindInChild(file, '1')).toBe('forced true');
  expect(kindInChild(file, '0')).toBe('msync false');
  expect(() => mappingKind({} as Pool)).toThrow(TypeError);
});
