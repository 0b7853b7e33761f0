/**
 * The deep check (and `pmemts check`) know regions and block stores: their allocations are roots
 * named by the catalog's directories, never unknown types or leaks; a region freed behind the
 * directory's back is still reported.
 */
import { Pool, runTransaction } from '@pmemts/core';
import { cli } from '../cli/run-cli';
import { Counter, tempDir } from '../core/fixtures';

const tmp = tempDir('regions-check');
afterAll(() => tmp.cleanup());

test('a pool with a region and a block store checks clean, in the API and in the CLI', () => {
  const file = tmp.file('check');
  const pool = Pool.create(file, { layout: 'regions-check', types: [Counter], size: 16 * 1024 * 1024 });
  runTransaction(pool, () => pool.root(Counter));
  pool.region('image', 4096).memcpyPersist(0, new Uint8Array([1, 2, 3]));
  pool.blocks('disk', { blockSize: 512, count: 8 }).write(3, new Uint8Array(512).fill(7));
  const report = pool.deepCheck();
  expect(report.problems).toEqual([]);
  expect(report.reachable).toBe(report.objects);
  expect(report.byType).toMatchObject({ '(region)': 1, '(block store)': 1, Counter: 1 });
  pool.close();
  const r = cli('check', file);
  expect({ status: r.status, err: r.err }).toEqual({ status: 0, err: '' });
  expect(r.out).toMatch(/^consistent: /);
});

test('an unreachable allocation beside them is still a leak', () => {
  const file = tmp.file('leak');
  const pool = Pool.create(file, { layout: 'regions-check', types: [Counter], size: 16 * 1024 * 1024 });
  runTransaction(pool, () => pool.root(Counter));
  pool.region('image', 4096);
  const orphan = runTransaction(pool, () => pool.create(Counter));
  const where = pool.locate(orphan).offset;
  expect(pool.deepCheck().problems).toEqual([{ kind: 'leak', object: `Counter@${where}`, message: 'not reachable from the root' }]);
  pool.close();
});
