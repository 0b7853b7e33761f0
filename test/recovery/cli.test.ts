import * as fs from 'node:fs';
import { Pool, runTransaction } from '@pmemts/core';
import { cli, expectOneLineFailure } from '../cli/run-cli';
import { Counter, tempDir } from '../core/fixtures';
import { killWhenReady } from './kill-child';

const tmp = tempDir('recovery-cli');
afterAll(() => tmp.cleanup());

function counterPool(value: bigint): string {
  const file = tmp.file('counter');
  const pool = Pool.create(file, { types: [Counter] });
  runTransaction(pool, () => (pool.root(Counter).value = value));
  pool.close();
  return file;
}

test('pmemts info reports the mapping kind and a transaction killed in flight, once', async () => {
  const file = counterPool(0n);
  const clean = cli('info', file, '--json').json();
  expect(clean.mapping).toBe('msync-backed ordinary file');
  expect(clean.recovery).toMatch(/^last session closed cleanly; no transaction in flight; open took [\d.]+ ms$/);
  await killWhenReady('tx-child.js', [file, 'inside']);
  expect(cli('info', file, '--json').json().recovery).toMatch(/^last session ended without close; rolled back 1 in-flight transaction\(s\); /);
  expect(cli('info', file, '--json').json().recovery).toMatch(/^last session ended without close; no transaction in flight; /);
});

test('pmemts checkpoint writes a pool pmemts check accepts; pmemts restore copies it back; bad input changes nothing', () => {
  const file = counterPool(12n);
  const cp = tmp.file('cp');
  const made = cli('checkpoint', file, cp, '--json');
  expect(made.status).toBe(0);
  expect(made.json()).toMatchObject({ path: cp, bytes: fs.statSync(file).size });
  expect(cli('check', cp).status).toBe(0);
  expectOneLineFailure(cli('checkpoint', file, cp), 3, /already exists/);
  expectOneLineFailure(cli('checkpoint', file, file, '--overwrite'), 2, /same file/);
  const restored = tmp.file('restored');
  expect(cli('restore', cp, restored).status).toBe(0);
  expectOneLineFailure(cli('restore', cp, restored), 3, /already exists/);
  expectOneLineFailure(cli('restore', tmp.file('missing'), tmp.file('t')), 3);
  const pool = Pool.open(restored, { types: [Counter] });
  expect(pool.root(Counter).value).toBe(12n);
  pool.close();
});
