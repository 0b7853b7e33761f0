/**
 * Issue 16: the examples run straight from TypeScript with ts-node, as the README shows (the packages
 * they import are the built ones: needs `npx tsc -b`), and through the examples' npm script.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { tempDir } from '../core/fixtures';

const ROOT = path.resolve(__dirname, '../..');
const tmp = tempDir('ts-node');
afterAll(() => tmp.cleanup());

function run(command: string, args: string[]): { status: number | null; stderr: string; stdout: string } {
  const { status, stderr, stdout } = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status, stderr, stdout };
}

/** What demo.ts prints for a run of `transfers` transfers on `file`, once created or reopened. */
function expectDemoOutput(out: string, file: string, created: boolean, transfers: number): void {
  expect(out).toContain(`${created ? 'Created' : 'Reopened'} ${file} (`);
  expect(out).toContain(`Accounts: 8, transfers so far: ${created ? 0 : transfers}\n`);
  expect(out).toMatch(new RegExp(`Ran ${transfers} transfers in [0-9.]+ ms`));
  expect(out).toContain('Total 8000 (expected 8000): invariant holds\n');
}

test('npx ts-node packages/examples/src/demo.ts runs the bank, and again on the pool it left', () => {
  const file = tmp.file('ts-node-demo');
  const first = run('npx', ['ts-node', 'packages/examples/src/demo.ts', file, '3']);
  expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
  expectDemoOutput(first.stdout, file, true, 3);
  const second = run('npx', ['ts-node', 'packages/examples/src/demo.ts', file, '3']);
  expect({ status: second.status, stderr: second.stderr }).toEqual({ status: 0, stderr: '' });
  expectDemoOutput(second.stdout, file, false, 3);
});

test('npm run demo -w @pmemts/examples runs it through the same ts-node settings', () => {
  const file = tmp.file('npm-demo');
  const result = run('npm', ['run', 'demo', '--silent', '-w', '@pmemts/examples', '--', file, '2']);
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  expectDemoOutput(result.stdout, file, true, 2);
});
