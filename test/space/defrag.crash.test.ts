/**
 * The worst moment for a crash in a defragmentation: pmemobj_defrag has moved every object it will
 * move (PMEMoids updated with them), and no raw offset (heap strings, tree nodes, the user root) has
 * been written back from the journal. The next open must finish the job from the journal.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { tempDir } from '../core/fixtures';

const compiled = require('../../packages/core/dist') as typeof import('@pmemts/core');
const { TYPES, Root, grow, reachableProblems } = require('./kill-program') as {
  TYPES: import('@pmemts/core').PersistentClass[];
  Root: import('@pmemts/core').PersistentClass<{ n: number }>;
  grow: (pool: import('@pmemts/core').Pool, root: object) => void;
  reachableProblems: (root: object) => string[];
};

const tmp = tempDir('defrag-crash');
afterAll(() => tmp.cleanup());

test('a crash right after pmemobj_defrag returns is finished at the next open: every value and reference intact', () => {
  const file = tmp.file('crash');
  const pool = compiled.Pool.create(file, { types: TYPES, size: 32 * 1024 * 1024 });
  const root = pool.root(Root);
  for (let i = 0; i < 150; i++) grow(pool, root);
  pool.collect(); // the leaked leaves go: runs full of holes
  const before = JSON.stringify(compiled.toPlain(root)).replace(/@\d+/g, '@');
  pool.close();

  const child = spawnSync(process.execPath, [path.join(__dirname, 'defrag-crash-child.js'), file], { encoding: 'utf8', env: { ...process.env, PMEM_IS_PMEM_FORCE: '1' } });
  expect({ signal: child.signal, stderr: child.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
  expect(Number(/relocated (\d+)/.exec(child.stdout)?.[1])).toBeGreaterThan(100);
  expect(compiled.readPoolCatalog(file, 'pmemts', false).sections?.defrag).toEqual({ table: expect.any(Number) });

  // An inspection open (the CLI's) finishes it too: otherwise it would read freed memory.
  const inspected = compiled.openForInspection(file, { probe: false }).pool;
  expect(JSON.stringify(compiled.toPlain(inspected.rootObject()!)).replace(/@\d+/g, '@')).toBe(before);
  inspected.close();
  expect(compiled.readPoolCatalog(file, 'pmemts', false).sections?.defrag).toBeUndefined();

  const again = compiled.Pool.open(file, { types: TYPES, probe: false });
  const reopened = again.root(Root);
  expect(reachableProblems(reopened)).toEqual([]);
  expect(JSON.stringify(compiled.toPlain(reopened)).replace(/@\d+/g, '@')).toBe(before);
  expect(again.deepCheck().problems).toEqual([]);
  again.close();
});
