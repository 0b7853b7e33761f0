/**
 * The README runs the CLI as `npx pmemts …` from the repository root after `make demo`: the workspace's
 * bin must resolve locally (npm ci links it before dist/main.js exists; the Makefile links it after
 * the build), never fall through to the npm registry.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Pool } from '@pmemts/core';
import { Point, tempDir } from '../core/fixtures';

const root = path.resolve(__dirname, '../..');
const tmp = tempDir('readme-npx');
afterAll(() => tmp.cleanup());

test('npx pmemts resolves to this repository\'s CLI and reads a pool', () => {
  const file = tmp.file('npx');
  const pool = Pool.create(file, { layout: 'npx', types: [Point] });
  pool.root(Point);
  pool.close();
  // --no: never install from the registry; a missing local bin fails instead of printing npm's 404.
  const r = spawnSync('npx', ['--no', 'pmemts', 'check', file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  expect(r.stdout).toMatch(/^consistent: /);
  expect(execFileSync('readlink', ['-f', path.join(root, 'node_modules/.bin/pmemts')], { encoding: 'utf8' }).trim()).toBe(path.join(root, 'packages/cli/dist/main.js'));
});
