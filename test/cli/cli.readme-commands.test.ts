/**
 * The README's CLI session, run verbatim: every `$ npx pmemts …` line of its "The `pmemts` CLI" block,
 * through bash (its `>` redirection and `#` comments included), after the demo has made data/bank.pool.
 * The commands run in a temporary directory laid out as the repository root is after `make demo`
 * (data/bank.pool made by the demo script, node_modules/.bin/pmemts linked to the repository's), so
 * nothing is written into the repository; cli.readme-npx.test.ts runs npx from the root itself.
 * Each command must exit 0 with nothing on stderr, and where the README shows output, the real output
 * must have the same lines, each starting with the same word (numbers aside: balances are random).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openBank } from '../../packages/examples/src';
import { tempDir } from '../core/fixtures';

const repo = path.resolve(__dirname, '../..');
const tmp = tempDir('readme-cli');
afterAll(() => tmp.cleanup());

interface Step {
  readonly command: string;
  readonly shown: string[];
}

/** The `$ ` lines of the README's CLI block, each with the output lines the README prints after it. */
function readmeSession(): Step[] {
  const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The `pmemts` CLI'));
  const block = /```text\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const steps: { command: string; shown: string[] }[] = [];
  for (const line of block.trimEnd().split('\n')) {
    if (line.startsWith('$ ')) steps.push({ command: line.slice(2), shown: [] });
    else steps.at(-1)?.shown.push(line);
  }
  return steps;
}

/** What a README output line must keep: its first word, with numbers masked. */
const shape = (line: string) => (line.trim().split(/\s+/)[0] ?? '').replace(/[0-9]+/g, 'N');

const dir = path.dirname(tmp.file('unused'));
const steps = readmeSession();

beforeAll(() => {
  // What `make demo` does, with fewer transfers to stay quick.
  const demo = spawnSync(process.execPath, [path.join(repo, 'packages/examples/dist/demo.js'), 'data/bank.pool', '20'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  expect({ status: demo.status, stderr: demo.stderr }).toEqual({ status: 0, stderr: '' });
  fs.mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
  fs.symlinkSync(path.join(repo, 'node_modules/.bin/pmemts'), path.join(dir, 'node_modules/.bin/pmemts'));
  // The README's import target: another pool of the bank's classes, with no accounts yet.
  openBank(path.join(dir, 'other.pool'), 0).pool.close();
});

test('the README shows the session this test runs', () => {
  expect(steps.map((s) => s.command.split(' ').slice(0, 3).join(' '))).toEqual([
    'npx pmemts info',
    'npx pmemts types',
    'npx pmemts ls',
    'npx pmemts show',
    'npx pmemts show',
    'npx pmemts check',
    'npx pmemts stats',
    'npx pmemts export',
    'npx pmemts import',
    'npx pmemts --version',
  ]);
});

test("every command of the README's CLI session runs as written", () => {
  const outputs = new Map<string, string>();
  for (const { command, shown } of steps) {
    // npm_config_offline: a missing local bin fails here instead of reaching for the registry.
    const r = spawnSync('bash', ['-c', command], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, npm_config_offline: 'true' } });
    expect({ command, status: r.status, stderr: r.stderr }).toEqual({ command, status: 0, stderr: '' });
    if (shown.length > 0) expect({ command, output: r.stdout.trimEnd().split('\n').map(shape) }).toEqual({ command, output: shown.map(shape) });
    outputs.set(command.replace(/\s+#.*$/, ''), r.stdout);
  }
  const out = (command: string) => outputs.get(`npx pmemts ${command}`) ?? '';
  expect(JSON.parse(out('show data/bank.pool root --depth 1'))).toMatchObject({ object: expect.stringMatching(/^Bank@\d+$/), byId: { size: 8 }, transferCount: '20' });
  // The demo's 8 accounts have ids 0 to 7: nothing comes after 41.
  expect(JSON.parse(out('show data/bank.pool root --entries 50 --field byId --after 41')).byId).toEqual({ size: 8, entries: [], next: null });
  expect(out('stats data/bank.pool')).toMatch(/^pool 33554432 B, allocated \d+ B, internal fragmentation [\d.]+%\n/);
  // pmemts's own allocations are named, never shown as bare type numbers.
  expect(out('stats data/bank.pool')).not.toMatch(/type#/);
  const exported = JSON.parse(fs.readFileSync(path.join(dir, 'accounts.json'), 'utf8'));
  expect(exported.objects.map((o: { data: { owner: string } }) => o.data.owner).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `account-${i}`));
});
