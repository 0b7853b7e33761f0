import * as fs from 'node:fs';
import { Pool, runTransaction, scanPendingRecovery } from '@pmemts/core';
import { Counter, Point, tempDir } from '../core/fixtures';
import { killWhenReady } from './kill-child';

const tmp = tempDir('recovery');
afterAll(() => tmp.cleanup());

function counterPool(): string {
  const file = tmp.file('counter');
  const pool = Pool.create(file, { types: [Counter] });
  pool.root(Counter);
  pool.close();
  return file;
}

describe('pool.recovery', () => {
  test('a clean close reports a clean shutdown and nothing rolled back', () => {
    const file = counterPool();
    const pool = Pool.open(file, { types: [Counter] });
    expect(pool.recovery).toMatchObject({ lastShutdownClean: true, transactionRolledBack: false, lanesRolledBack: 0, lanesReplayed: 0, verify: null });
    expect(pool.recovery.openMs).toBeGreaterThan(0);
    pool.close();
  });

  test('a process killed inside a transaction shows up in the next open: rolled back, the store undone', async () => {
    const file = counterPool();
    await killWhenReady('tx-child.js', [file, 'inside']);
    expect(scanPendingRecovery(file)).toEqual({ lanesToRollBack: 1, lanesToReplay: 0 });
    const pool = Pool.open(file, { types: [Counter] });
    expect(pool.recovery).toMatchObject({ lastShutdownClean: false, transactionRolledBack: true, lanesRolledBack: 1 });
    expect(pool.root(Counter).value).toBe(0n);
    expect(pool.root(Counter).touched).toBe(0);
    pool.close();
    // Recovered once: the open after that has nothing to roll back.
    const again = Pool.open(file, { types: [Counter] });
    expect(again.recovery).toMatchObject({ lastShutdownClean: true, transactionRolledBack: false });
    again.close();
  });

  test.each(['between', 'after-abort'])('a process killed %s transactions is an unclean shutdown with nothing rolled back', async (where) => {
    const file = counterPool();
    await killWhenReady('tx-child.js', [file, where]);
    const pool = Pool.open(file, { types: [Counter] });
    expect(pool.recovery).toMatchObject({ lastShutdownClean: false, transactionRolledBack: false, lanesRolledBack: 0 });
    expect(pool.root(Counter).value).toBe(1n);
    pool.close();
  });

  test('a transaction whose undo log outgrew its lane (extension logs freed at the next open) is not reported as rolled back', () => {
    const file = tmp.file('big');
    const pool = Pool.create(file, { types: [Point] });
    runTransaction(pool, () => {
      for (let i = 0; i < 300; i++) pool.create(Point, { x: i, y: -i });
    });
    const points = [...pool.objects(Point)];
    runTransaction(pool, () => points.forEach((p) => (p.x += 1)));
    pool.close();
    const reopened = Pool.open(file, { types: [Point] });
    expect(reopened.recovery).toMatchObject({ lastShutdownClean: true, transactionRolledBack: false, lanesRolledBack: 0, lanesReplayed: 0 });
    reopened.close();
  });

  test('verify: true adds the deep check verdict', () => {
    const file = counterPool();
    const pool = Pool.open(file, { types: [Counter], verify: true });
    expect(pool.recovery.verify?.ok).toBe(true);
    expect(pool.recovery.verify?.report.problems).toEqual([]);
    expect(pool.recovery.verify?.report.reachable).toBeGreaterThanOrEqual(2);
    pool.close();
  });

  test('Pool.create reports a clean start', () => {
    const pool = Pool.create(tmp.file('new'), { types: [Counter] });
    expect(pool.recovery).toEqual({ lastShutdownClean: true, transactionRolledBack: false, lanesRolledBack: 0, lanesReplayed: 0, openMs: 0, verify: null });
    pool.close();
  });

  test('bad input: a non-boolean verify is a TypeError and opens nothing; unreadable lanes scan as null', () => {
    const file = counterPool();
    expect(() => Pool.open(file, { types: [Counter], verify: 'yes' as unknown as boolean })).toThrow(/options\.verify must be a boolean/);
    const pool = Pool.open(file, { types: [Counter] }); // not left locked by the refused open
    pool.close();
    expect(scanPendingRecovery(tmp.file('missing'))).toBeNull();
    const junk = tmp.file('junk');
    fs.writeFileSync(junk, Buffer.alloc(9 * 1024 * 1024, 0x5a));
    expect(scanPendingRecovery(junk)).toBeNull();
    expect(scanPendingRecovery('/dev/null')).toBeNull();
    expect(() => scanPendingRecovery(7 as unknown as string)).toThrow(TypeError);
  });
});
