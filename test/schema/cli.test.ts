/**
 * `pmemts diff` and `pmemts migrate [--dry-run]` with a compiled classes module (bank-module.js);
 * run against the built CLI (`npx tsc -b` first).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as core from '@pmemts/core';
import { Pool, runTransaction } from '@pmemts/core';
import { tempDir } from '../core/fixtures';
import { CLI, expectOneLineFailure, poolBytes } from '../cli/run-cli';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const killClasses = require('./kill-classes') as (c: typeof core, version: number) => { KAccount: any; KBank: any; types: any[] };
const MODULE = path.join(__dirname, 'bank-module.js');
const tmp = tempDir('schema-cli');
afterAll(() => tmp.cleanup());

function pmemts(version: number, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, BANK_VERSION: String(version) } });
  return { status: r.status, out: r.stdout, err: r.stderr, json: () => JSON.parse(r.stdout) };
}

function v1Pool(): string {
  const file = tmp.file('bank');
  const { KAccount, KBank, types } = killClasses(core, 1);
  const pool = Pool.create(file, { layout: 'pmemts-kill', types });
  runTransaction(pool, () => {
    const bank = pool.root(KBank) as { first: unknown };
    for (let id = 1; id <= 5; id++) bank.first = pool.create(KAccount, { id, balance: 10n, owner: `o${id}`, next: bank.first });
  });
  pool.close();
  return file;
}

test('diff lists each class and field; migrate --dry-run writes nothing; migrate migrates', () => {
  const file = v1Pool();
  const before = poolBytes(file);
  const diff = pmemts(2, 'diff', file, MODULE, '--json');
  expect(diff.status).toBe(0);
  const account = diff.json().classes.find((c: { type: string }) => c.type === 'KAccount');
  expect(account).toMatchObject({ status: 'migrate', poolVersion: 1, codeVersion: 2, objects: 5 });
  expect(account.fields.map((f: { field: string; change: string }) => `${f.field} ${f.change}`)).toEqual(['id widened', 'balance moved', 'owner widened', 'next moved', 'opened added']);
  expect(pmemts(2, 'diff', file, MODULE).out).toMatch(/^KAccount {2}v1 → v2 {2}migrate {2}5 objects$/m);

  const dry = pmemts(2, 'migrate', file, MODULE, '--dry-run');
  expect(dry.status).toBe(0);
  expect(dry.out).toMatch(/would migrate KAccount \(5 objects\)/);
  expect(poolBytes(file).equals(before)).toBe(true);

  const run = pmemts(2, 'migrate', file, MODULE, '--json');
  expect(run.status).toBe(0);
  expect(run.json()).toMatchObject({ migrated: true, phases: ['copy', 'rewire', 'free'] });
  expect(pmemts(2, 'migrate', file, MODULE).out).toBe('nothing to migrate\n');
  // The old module is now a lower version: the dry run says so and fails; the real run is refused.
  const lower = pmemts(1, 'migrate', file, MODULE, '--dry-run');
  expect(lower.status).toBe(3);
  expect(lower.out).toMatch(/would be refused:\n {2}KAccount: the pool holds v2, the module v1/);
  expectOneLineFailure(pmemts(1, 'migrate', file, MODULE), 3, /higher version of these classes than the code/);
});

test('a module that cannot be loaded, exports no classes or malformed migrations is a usage error; nothing is written', () => {
  const file = v1Pool();
  expectOneLineFailure(pmemts(2, 'diff', file, path.join(__dirname, 'no-such-module.js')), 2, /cannot load the classes module/);
  expectOneLineFailure(pmemts(2, 'migrate', file, path.join(__dirname, 'kill-classes.js'), '--dry-run'), 2, /exports no @Persistent classes/);
  const before = poolBytes(file);
  const bad = spawnSync(process.execPath, [CLI, 'migrate', file, MODULE], { encoding: 'utf8', env: { ...process.env, BANK_MIGRATIONS: 'bad' } });
  expectOneLineFailure({ status: bad.status, out: bad.stdout, err: bad.stderr, json: () => undefined }, 2, /the classes module: Pool\.open: options\.migrations\.KAccount: version "1" must be an integer from 2/);
  expect(poolBytes(file).equals(before)).toBe(true);
});

test('without a module, diff and migrate --dry-run list the pool\'s own classes and write nothing; migrate needs one', () => {
  const file = v1Pool();
  const before = poolBytes(file);
  const diff = pmemts(1, 'diff', file, '--json');
  expect(diff.err).toBe('');
  expect(diff.status).toBe(0);
  expect(diff.json()).toMatchObject({ migrationInProgress: false });
  expect(diff.json().classes.map((c: { type: string; status: string; poolVersion: number; objects: number }) => [c.type, c.status, c.poolVersion, c.objects])).toEqual(
    expect.arrayContaining([['KAccount', 'same', 1, 5]]),
  );
  expect(pmemts(1, 'diff', file).out).toMatch(/^KAccount {2}v1 {2}same {2}5 objects$/m);
  const dry = pmemts(1, 'migrate', file, '--dry-run');
  expect({ status: dry.status, err: dry.err }).toEqual({ status: 0, err: '' });
  expect(dry.out).toMatch(/nothing to migrate\n$/);
  expectOneLineFailure(pmemts(1, 'migrate', file), 2, /give the compiled module of the classes/);
  expect(poolBytes(file).equals(before)).toBe(true);
});
