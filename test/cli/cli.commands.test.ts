import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Pool, runTransaction } from '@pmemts/core';
import { Account, Bank, BANK_TYPES, openBank, accountsOf, transfer } from '../../packages/examples/src';
import { tempDir } from '../core/fixtures';
import { cli, expectOneLineFailure } from './run-cli';

const tmp = tempDir('cli');
afterAll(() => tmp.cleanup());

function bankPool(name: string): string {
  const file = tmp.file(name);
  const { pool, bank } = openBank(file, 4);
  const accounts = accountsOf(bank);
  for (let i = 0; i < 10; i++) transfer(pool, bank, accounts[i % 4], accounts[(i + 1) % 4], 5n);
  pool.close();
  return file;
}

const good = bankPool('good');

test('info, types, ls, show and stats, in human and JSON form', () => {
  const info = cli('info', good, '--json');
  expect(info.status).toBe(0);
  expect(info.json()).toMatchObject({ layout: 'pmemts-bank', types: 3, size: 32 * 1024 * 1024, lastShutdown: 'clean' });
  expect(cli('info', good).out).toMatch(/layout\s+pmemts-bank/);

  const types = cli('types', good, '--json').json();
  expect(types.find((t: { name: string }) => t.name === 'Transfer').objects).toBe(10);
  expect(cli('types', good).out).toMatch(/Account\s+#\d+\s+v2/);

  const rows = cli('ls', good, '--type', 'Account', '--json').json();
  expect(rows).toHaveLength(4);
  expect(rows[0].object).toMatch(/^Account@\d+$/);
  expect(cli('ls', good, '--type', 'Transfer', '--limit', '2', '--json').json()).toHaveLength(2);
  expect(cli('ls', good, '--limit', '3').out.trim().split('\n')).toHaveLength(4); // header + 3 rows

  const root = cli('show', good, 'root', '--depth', '2', '--json').json();
  expect(root.object).toMatch(/^Bank@/);
  expect(root.byId.entries.map(([id]: [string]) => id)).toEqual(['0', '1', '2', '3']);
  expect(root.byId.entries[0][1]).toMatch(/^Account@\d+$/);
  const account = cli('show', good, root.byId.entries[0][1], '--json').json();
  expect(account.owner).toBe('account-0');

  const stats = cli('stats', good, '--json').json();
  expect(stats.byClass.find((c: { name: string }) => c.name === 'Transfer').objects).toBe(10);
  expect(cli('stats', good).out).toMatch(/fragmentation/);
});

test('check passes a healthy pool, and pmempool reads it too', () => {
  const r = cli('check', good, '--json');
  expect(r.status).toBe(0);
  expect(r.json()).toMatchObject({ consistent: true, problems: [] });
  expect(cli('check', good).out).toMatch(/^consistent/);
  expect(spawnSync('pmempool', ['check', good]).status).toBe(0);
  const info = spawnSync('pmempool', ['info', good], { encoding: 'utf8' });
  expect(info.status).toBe(0);
  expect(info.stdout).toMatch(/pmemts-bank/);
});

test('check reports a leak and a dangling ref, exit 1', () => {
  const file = tmp.file('broken');
  const { pool, bank } = openBank(file, 2);
  runTransaction(pool, () => {
    pool.create(Account, { owner: 'orphan' }); // reachable from nothing: a leak
  });
  transfer(pool, bank, accountsOf(bank)[0], accountsOf(bank)[1], 1n);
  pool.free(accountsOf(bank)[1]); // the transfer record still points at it: a dangling ref
  pool.close();
  const r = cli('check', file, '--json');
  expect(r.status).toBe(1);
  const kinds = r.json().problems.map((p: { kind: string; field?: string }) => `${p.kind}:${p.field ?? ''}`);
  expect(kinds).toContain('leak:');
  expect(kinds).toContain('dangling-ref:to');
  expect(cli('check', file).out).toMatch(/problem\(s\)/);
});

test('export and import round-trip objects inside one transaction', () => {
  const out = cli('export', good, '--type', 'Account');
  expect(out.status).toBe(0);
  const json = path.join(path.dirname(good), 'accounts.json');
  fs.writeFileSync(json, out.out);
  const target = tmp.file('import');
  Pool.create(target, { layout: 'pmemts-bank', types: BANK_TYPES }).close();
  const r = cli('import', target, json, '--json');
  expect(r.json()).toEqual({ imported: 4 });
  const pool = Pool.open(target, { layout: 'pmemts-bank', types: BANK_TYPES });
  const owners = [...pool.objects(Account)].map((a) => a.owner).sort();
  expect(owners).toEqual(['account-0', 'account-1', 'account-2', 'account-3']);
  pool.close();
  fs.writeFileSync(json, '{"nope": 1}');
  expectOneLineFailure(cli('import', target, json), 4, /not a pmemts export/);
});

test('errors are one line with the right exit status, never a stack trace', () => {
  const cases: [string[], number, RegExp][] = [
    [['info', path.join(path.dirname(good), 'missing.pool')], 3, /no such file|ENOENT/],
    [['info', path.dirname(good)], 3, /directory|EISDIR/],
    [['ls', good, '--type', 'Nope'], 2, /no class Nope/],
    [['ls', good, '--limit', '-1'], 2, /--limit/],
    [['show', good, 'Account@12'], 2, /no live object/],
    [['show', good, 'garbage'], 2, /Class@offset/],
    [['info', good, '--layout', 'wrong'], 3, /layout/],
    [['frobnicate'], 2, /unknown command/],
  ];
  for (const [args, status, message] of cases) expectOneLineFailure(cli(...args), status, message);
  const notPool = path.join(path.dirname(good), 'text.pool');
  fs.writeFileSync(notPool, 'hello');
  expectOneLineFailure(cli('check', notPool), 3);
  const held = Pool.open(good, { layout: 'pmemts-bank', types: BANK_TYPES });
  expectOneLineFailure(cli('info', good), 3, /already open|locked/);
  held.close();
  void Bank;
});

test('package.json names only files the build makes', () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../packages/cli/package.json'), 'utf8'));
  for (const file of [pkg.main, pkg.types, ...Object.values(pkg.bin)].filter((f) => f !== undefined)) {
    expect({ file, exists: fs.existsSync(path.resolve(__dirname, '../../packages/cli', file as string)) }).toEqual({ file, exists: true });
  }
  expect(pkg.bin).toEqual({ pmemts: 'dist/main.js' });
});
