import * as fs from 'node:fs';
import * as path from 'node:path';
import * as native from '@pmemts/native';
import { Pool, PoolCorruptError, PoolError, runTransaction, TransactionError, WritePolicy, PersistenceLevel } from '@pmemts/core';
import { BANK_TYPES, Bank, INITIAL_BALANCE, accountsOf } from '../../packages/examples/src';
import { Counter, Point, tempDir } from '../core/fixtures';
import { killWhenReady } from './kill-child';

const tmp = tempDir('checkpoint');
afterAll(() => tmp.cleanup());

/** A pool with a Counter root at `value`, left open. */
function counterPool(value: bigint): { file: string; pool: Pool } {
  const file = tmp.file('origin');
  const pool = Pool.create(file, { types: [Counter, Point] });
  runTransaction(pool, () => {
    pool.root(Counter).value = value;
    for (let i = 0; i < 50; i++) pool.create(Point, { x: i, y: i * i });
  });
  return { file, pool };
}

function valueIn(file: string): { value: bigint; points: number; clean: boolean } {
  const pool = Pool.open(file, { types: [Counter, Point] });
  try {
    return { value: pool.root(Counter).value, points: [...pool.objects(Point)].length, clean: pool.lastShutdownClean };
  } finally {
    pool.close();
  }
}

describe('pool.checkpoint and Pool.restore', () => {
  test('a checkpoint is a valid pool holding the committed state, and restore round-trips it', () => {
    const { file, pool } = counterPool(41n);
    const cp = tmp.file('cp');
    const result = pool.checkpoint(cp);
    expect(result).toMatchObject({ path: cp, bytes: pool.size });
    runTransaction(pool, () => (pool.root(Counter).value = 99n)); // after the checkpoint: not in it
    pool.close();
    expect(native.check(cp, 'pmemts').consistent).toBe(true);
    expect(valueIn(cp)).toEqual({ value: 41n, points: 50, clean: true });
    const restored = tmp.file('restored');
    Pool.restore(cp, restored);
    expect(valueIn(restored)).toEqual({ value: 41n, points: 50, clean: true });
    Pool.restore(cp, file, { overwrite: true }); // back to the checkpoint
    expect(valueIn(file).value).toBe(41n);
  });

  test('write-back data still in DRAM is flushed into the checkpoint', () => {
    const file = tmp.file('wb');
    const pool = Pool.create(file, { types: [Counter], memory: { writePolicy: WritePolicy.WriteBack, persistenceLevel: PersistenceLevel.Flush } });
    pool.root(Counter).value = 5n;
    const cp = tmp.file('wb-cp');
    pool.checkpoint(cp);
    pool.close();
    const copy = Pool.open(cp, { types: [Counter] });
    expect(copy.root(Counter).value).toBe(5n);
    copy.close();
  });

  test('a checkpoint cannot be opened beside its origin in one process (same UUID): POOL_UUID_OPEN', () => {
    const { pool } = counterPool(1n);
    const cp = tmp.file('twin');
    pool.checkpoint(cp);
    expect(() => Pool.open(cp, { types: [Counter, Point] })).toThrow(expect.objectContaining({ code: 'POOL_UUID_OPEN' }));
    pool.close();
    expect(valueIn(cp).value).toBe(1n);
  });

  test('bad input gets a typed error and changes nothing', () => {
    const { file, pool } = counterPool(3n);
    const existing = tmp.file('existing');
    fs.writeFileSync(existing, 'keep me');
    runTransaction(pool, () => {
      expect(() => pool.checkpoint(tmp.file('in-tx'))).toThrow(TransactionError);
    });
    expect(() => pool.checkpoint(existing)).toThrow(expect.objectContaining({ code: 'POOL_EXISTS' }));
    expect(() => pool.checkpoint(file, { overwrite: true })).toThrow(RangeError);
    expect(() => pool.checkpoint(path.join(path.dirname(file), 'no-such-dir', 'cp.pool'))).toThrow(expect.objectContaining({ code: 'POOL_NOT_FOUND' }));
    expect(() => pool.checkpoint(42 as unknown as string)).toThrow(TypeError);
    expect(() => pool.checkpoint(tmp.file('x'), { overwrite: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(fs.readFileSync(existing, 'utf8')).toBe('keep me');
    expect(fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.partial'))).toEqual([]);

    const cp = tmp.file('good');
    pool.checkpoint(cp);
    // The target is open (locked): refused even with overwrite.
    expect(() => Pool.restore(cp, file, { overwrite: true })).toThrow(expect.objectContaining({ code: 'POOL_LOCKED' }));
    pool.close();
    expect(() => Pool.restore(cp, existing)).toThrow(expect.objectContaining({ code: 'POOL_EXISTS' }));
    expect(() => Pool.restore(tmp.file('missing'), tmp.file('t'))).toThrow(expect.objectContaining({ code: 'POOL_NOT_FOUND' }));
    expect(() => Pool.restore(cp, cp, { overwrite: true })).toThrow(RangeError);
    const junk = tmp.file('junk');
    fs.writeFileSync(junk, Buffer.alloc(9 * 1024 * 1024, 0x5a));
    expect(() => Pool.restore(junk, tmp.file('from-junk'))).toThrow(PoolCorruptError);
    expect(() => Pool.restore(cp, 7 as unknown as string)).toThrow(TypeError);
    expect(fs.readFileSync(existing, 'utf8')).toBe('keep me');
    expect(valueIn(file).value).toBe(3n);
    expect(() => pool.checkpoint(tmp.file('closed'))).toThrow(PoolError);
  });

  test.each(['write-through', 'write-back'])('checkpoints of a pool under load (%s transfers) each equal a committed state', async (policy) => {
    const file = tmp.file(`load-${policy}`);
    const dir = fs.mkdtempSync(path.join(path.dirname(file), 'cps-'));
    const lines = await killWhenReady('checkpoint-child.js', [file, dir, policy, '37', '3']);
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const [count, cp] = line.split(' ');
      expect(native.check(cp, 'pmemts-bank').consistent).toBe(true);
      const pool = Pool.open(cp, { layout: 'pmemts-bank', types: BANK_TYPES });
      const bank = pool.root(Bank);
      expect(pool.lastShutdownClean).toBe(true);
      expect(bank.transferCount).toBe(BigInt(count));
      expect(accountsOf(bank).reduce((sum, a) => sum + a.balance, 0n)).toBe(8n * INITIAL_BALANCE);
      expect(pool.deepCheck().problems).toEqual([]);
      pool.close();
    }
  });
});
