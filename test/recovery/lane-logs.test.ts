/**
 * The lane scan against libpmemobj itself: log entries written by hand into a closed pool's lane 0
 * are exactly what libpmemobj's recovery applies at the next open (a redo SET replayed, an undo
 * snapshot copied back) when scanPendingRecovery says so, and ignored when their checksum is wrong.
 */
import * as fs from 'node:fs';
import { Pool, scanPendingRecovery } from '@pmemts/core';
import { fletcher64, writeChecksum } from '../../packages/core/src/recovery/fletcher64';
import { Counter, tempDir } from '../core/fixtures';

const tmp = tempDir('lane-logs');
afterAll(() => tmp.cleanup());

// PMDK 1.12 layout (lane-logs.ts has the references): lanes at the descriptor's lanes_offset, 3 KiB each.
const LANES_OFFSET_FIELD = 4096 + 1024;
const INTERNAL_REDO = 0;
const UNDO = 960;
const ULOG_HEADER = 64;
const GEN_NUM = 24;
const BUF_CPY = 0b110n << 61n;

/** A closed pool with a zeroed Counter root; returns the file, the lane 0 offset and where Counter.value lives. */
function counterPool(): { file: string; lane: number; valueAt: number } {
  const file = tmp.file('counter');
  const pool = Pool.create(file, { types: [Counter] });
  const counter = pool.root(Counter);
  const valueAt = pool.locate(counter).offset;
  pool.close();
  const fd = fs.openSync(file, 'r+');
  const head = Buffer.alloc(8);
  fs.readSync(fd, head, 0, 8, LANES_OFFSET_FIELD);
  fs.closeSync(fd);
  return { file, lane: Number(head.readBigUInt64LE(0)), valueAt };
}

function rewrite(file: string, at: number, length: number, edit: (bytes: Buffer) => void): void {
  const fd = fs.openSync(file, 'r+');
  const bytes = Buffer.alloc(length);
  fs.readSync(fd, bytes, 0, length, at);
  edit(bytes);
  fs.writeSync(fd, bytes, 0, length, at);
  fs.closeSync(fd);
}

function valueIn(file: string): { value: bigint; rolledBack: boolean | null; replayed: number } {
  const pool = Pool.open(file, { types: [Counter] });
  const result = { value: pool.root(Counter).value, rolledBack: pool.recovery.transactionRolledBack, replayed: pool.recovery.lanesReplayed };
  pool.close();
  return result;
}

test.each([true, false])('a redo SET entry (checksum valid: %s) is replayed exactly when the scan says so', (valid) => {
  const { file, lane, valueAt } = counterPool();
  rewrite(file, lane + INTERNAL_REDO, ULOG_HEADER + 16, (log) => {
    log.writeBigUInt64LE(BigInt(valueAt), ULOG_HEADER); // SET: the operation bits are 0
    log.writeBigUInt64LE(0x1234n, ULOG_HEADER + 8);
    writeChecksum(log, 0, fletcher64(log, 0, log.length, 0));
    if (!valid) log[ULOG_HEADER + 8] ^= 1;
  });
  expect(scanPendingRecovery(file)).toEqual({ lanesToRollBack: 0, lanesToReplay: valid ? 1 : 0 });
  expect(valueIn(file)).toEqual({ value: valid ? 0x1234n : 0n, rolledBack: false, replayed: valid ? 1 : 0 });
});

test.each([true, false])('an undo snapshot entry (checksum valid: %s) is rolled back exactly when the scan says so', (valid) => {
  const { file, lane, valueAt } = counterPool();
  rewrite(file, lane + UNDO, ULOG_HEADER + 64, (log) => {
    const entry = ULOG_HEADER;
    log.writeBigUInt64LE(BUF_CPY | BigInt(valueAt), entry);
    log.writeBigUInt64LE(8n, entry + 16);
    log.writeBigUInt64LE(77n, entry + 24); // the snapshot: what the field held before the transaction
    const sum = fletcher64(log, entry, 64, entry + 8);
    writeChecksum(log, entry + 8, fletcher64(log, GEN_NUM, 8, -8, sum));
    if (!valid) log[entry + 24] ^= 1;
  });
  expect(scanPendingRecovery(file)).toEqual({ lanesToRollBack: valid ? 1 : 0, lanesToReplay: 0 });
  expect(valueIn(file)).toEqual({ value: valid ? 77n : 0n, rolledBack: valid, replayed: 0 });
});
