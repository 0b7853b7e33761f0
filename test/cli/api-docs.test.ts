/**
 * `make docs` (TypeDoc over core, decorators and native, typedoc.json) must build the API reference
 * without a warning: typedoc.json makes every warning an error, an exported symbol without
 * documentation included. Built into a temporary directory, so the repository's docs/api is untouched.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../core/fixtures';

const repo = path.resolve(__dirname, '../..');
const tmp = tempDir('api-docs');
afterAll(() => tmp.cleanup());

test('the API reference builds with every export documented', () => {
  const out = path.dirname(tmp.file('unused'));
  const r = spawnSync(process.execPath, [path.join(repo, 'node_modules/typedoc/bin/typedoc'), '--out', out], { cwd: repo, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  expect({ status: r.status, warnings: `${r.stdout}${r.stderr}`.split('\n').filter((line) => /warning|error/i.test(line)) }).toEqual({ status: 0, warnings: [] });
  // One module per package, and the typed errors a method throws are in its page.
  expect(fs.readdirSync(path.join(out, 'modules')).sort()).toEqual(['_pmemts_core.html', '_pmemts_decorators.html', '_pmemts_native.html']);
  const pool = fs.readFileSync(path.join(out, 'classes/_pmemts_core.Pool.html'), 'utf8');
  for (const error of ['PoolError', 'PoolCorruptError', 'SchemaMismatchError', 'PoolClosedError', 'OutOfSpaceError']) expect(pool).toContain(error);
});
