/**
 * The examples users run first (issue 9): the README's Example section type-checks against the built
 * packages, runs, and leaves a pool `pmemts check` finds sound (every account reachable through the
 * map); `make demo`'s command shows lookups by id and a range scan and leaves a sound pool; a pool made
 * by an older bank example is left untouched with a message saying what to do.
 * Needs the build (`npx tsc -b`): it runs packages/*\/dist.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { Field, Persistent, Pool } from '@pmemts/core';
import { tempDir } from '../core/fixtures';
import { cli, poolBytes } from '../cli/run-cli';

const ROOT = path.resolve(__dirname, '../..');
const DEMO = path.join(ROOT, 'packages/examples/dist/demo.js');
const tmp = tempDir('examples');
afterAll(() => tmp.cleanup());

/** The first ```ts block of the README's "## Example" section. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Example\n'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (block === null) throw new Error('README.md has no ```ts block under ## Example');
  return block[1];
}

/** Type-checks `file` with the repository's compiler options against the built packages; emits beside it. */
function compile(file: string): string[] {
  const base = ts.readConfigFile(path.join(ROOT, 'tsconfig.base.json'), ts.sys.readFile).config;
  const { options } = ts.convertCompilerOptionsFromJson(base.compilerOptions, ROOT);
  const program = ts.createProgram([file], {
    ...options,
    composite: false,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    outDir: path.dirname(file),
    baseUrl: ROOT,
    paths: { '@pmemts/*': ['packages/*/dist/index.d.ts'] },
    typeRoots: [path.join(ROOT, 'node_modules/@types')],
  });
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics];
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

test("the README's example type-checks, runs twice, and its pool passes pmemts check", () => {
  const dir = path.dirname(tmp.file('readme'));
  const work = fs.mkdtempSync(path.join(dir, 'readme-'));
  const source = path.join(work, 'example.ts');
  fs.writeFileSync(source, readmeExample());
  expect(compile(source)).toEqual([]);
  const run = () => spawnSync(process.execPath, [path.join(work, 'example.js')], {
    cwd: work, encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
  });
  const first = run();
  expect({ status: first.status, err: first.stderr, out: first.stdout }).toEqual({ status: 0, err: '', out: '1n ada 90n\n2n bob 10n\n' });
  expect(run().stdout).toBe('1n ada 80n\n2n bob 20n\n'); // the second run reuses the accounts in the map
  const check = cli('check', path.join(work, 'example.pool'), '--json');
  expect({ status: check.status, problems: check.json().problems }).toEqual({ status: 0, problems: [] });
});

test("make demo's command shows lookups by id and a range scan, and pmemts check finds no problem", () => {
  const file = tmp.file('demo');
  const demo = spawnSync(process.execPath, [DEMO, file, '300'], { cwd: ROOT, encoding: 'utf8' });
  expect({ status: demo.status, err: demo.stderr }).toEqual({ status: 0, err: '' });
  expect(demo.stdout).toMatch(/^Created .*\nAccounts: 8, transfers so far: 0\n/);
  expect(demo.stdout).toMatch(/^bank\.byId\.get\(2n\): account-2 has \d+; bank\.byId\.has\(99n\): false$/m);
  expect(demo.stdout).toMatch(/^bank\.byId\.range\(\{ gte: 2n, lt: 5n \}\): #2=\d+ #3=\d+ #4=\d+$/m);
  expect(demo.stdout).toMatch(/Total 8000 \(expected 8000\): invariant holds/);
  const again = spawnSync(process.execPath, [DEMO, file, '10'], { cwd: ROOT, encoding: 'utf8' });
  expect(again.stdout).toMatch(/^Reopened .*\nAccounts: 8, transfers so far: [1-9]\d*\n/);
  const check = cli('check', file, '--json');
  expect({ status: check.status, consistent: check.json().consistent, problems: check.json().problems }).toEqual({ status: 0, consistent: true, problems: [] });
});

// A change the demo cannot migrate by itself (f64 → u64 needs a migration function; an added or removed
// field would migrate: docs/schema-evolution.md).
@Persistent({ name: 'Bank', version: 1 })
class OldBank {
  @Field('f64') transferCount!: number;
}

test('the demo leaves a pool of an older bank example untouched and says what to do', () => {
  const file = tmp.file('old');
  Pool.create(file, { layout: 'pmemts-bank', types: [OldBank] }).close();
  const before = poolBytes(file); // libpmemobj's own header changes on every open
  const demo = spawnSync(process.execPath, [DEMO, file, '10'], { cwd: ROOT, encoding: 'utf8' });
  expect(demo.status).toBe(2);
  expect(demo.stderr).toMatch(/holds a bank from an older version of this example .*the file is left as it is/);
  expect(demo.stderr).toMatch(/Bank\.transferCount: type-changed, which needs a migration function/);
  expect(demo.stderr).toMatch(/make demo DEMO_POOL=/);
  expect(poolBytes(file).equals(before)).toBe(true);
});
