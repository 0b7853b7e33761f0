/** pmemts gc and pmemts defrag on a pool written by the library (the CLI is run built: `npx tsc -b` first). */
import * as fs from 'node:fs';
import { tempDir } from '../core/fixtures';
import { cli, expectOneLineFailure } from '../cli/run-cli';

const compiled = require('../../packages/core/dist') as typeof import('@pmemts/core');
const { TYPES, Root, grow } = require('./kill-program') as {
  TYPES: import('@pmemts/core').PersistentClass[];
  Root: import('@pmemts/core').PersistentClass<{ n: number }>;
  grow: (pool: import('@pmemts/core').Pool, root: object) => void;
};

const tmp = tempDir('space-cli');
afterAll(() => tmp.cleanup());

/** `pmemts export`'s objects without their offsets, sorted: defrag moves objects and the export lists them in heap order. */
function exported(file: string): string[] {
  const r = cli('export', file);
  expect(r.status).toBe(0);
  return (JSON.parse(r.out.replace(/@\d+/g, '@')).objects as unknown[]).map((o) => JSON.stringify(o)).sort();
}

test('gc --dry-run lists what would go with sizes and the pinning rule; gc frees it; defrag keeps the full export', () => {
  const file = tmp.file('pool');
  const pool = compiled.Pool.create(file, { types: TYPES, size: 16 * 1024 * 1024 });
  const root = pool.root(Root);
  for (let i = 0; i < 60; i++) grow(pool, root);
  pool.close();

  const dry = cli('gc', file, '--dry-run', '--json');
  expect(dry.status).toBe(0);
  const report = dry.json();
  expect(report.dryRun).toBe(true);
  expect(report.collected).toHaveLength(60 * 12 * 2); // each leaked leaf and its heap string
  expect(report.collected[0]).toEqual({ object: expect.stringMatching(/^(SkLeaf|\(heap string\/bytes\))@\d+$/), bytes: expect.any(Number) });
  expect(report.byType.SkLeaf.count).toBe(720);
  expect(report.rule).toMatch(/pool\.objects\(\) is garbage/);
  expect(cli('gc', file, '--dry-run').out).toMatch(/would free 1440 of \d+ allocations[\s\S]*note: An object reachable only through pool\.objects\(\) is garbage/);

  const freed = cli('gc', file);
  expect(freed.status).toBe(0);
  expect(freed.out).toMatch(/^freed 1440 of /);
  const before = exported(file);
  expect(before).toHaveLength(61); // the root and its 60 leaves

  const defragged = cli('defrag', file, '--json');
  expect(defragged.status).toBe(0);
  const moved = defragged.json();
  expect(moved.relocated).toBeGreaterThan(0);
  expect(moved.after.chunks).toBeLessThanOrEqual(moved.before.chunks);
  expect(exported(file)).toEqual(before);
  expect(cli('check', file).status).toBe(0); // no leak left, nothing dangling
});

test('bad input: one-line failures, nothing written', () => {
  const file = tmp.file('bad');
  fs.writeFileSync(file, 'not a pool');
  expectOneLineFailure(cli('gc', file), 3);
  expectOneLineFailure(cli('defrag', tmp.file('missing')), 3, /no such file|not found|ENOENT/i);
  expect(fs.readFileSync(file, 'utf8')).toBe('not a pool');
  expectOneLineFailure(cli('gc'), 2);
});
