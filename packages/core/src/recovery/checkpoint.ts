/**
 * Checkpoints: a consistent copy of an open pool, itself a valid pool, and restoring one. A copy is
 * taken between transactions (JS runs one at a time, so no store lands while the copy is made), after
 * write-back data is flushed, so it holds a committed state. Files are written beside their target
 * and renamed (or linked) into place: a target is whole or absent, never half written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as native from '@pmemts/native';
import { PoolError, PoolCorruptError, TransactionError, requireString } from '@pmemts/native';
import type { PoolSession } from '../pool/PoolSession';
import { readLayoutName } from '../pool/inspect';
import { fletcher64, writeChecksum } from './fletcher64';

/** Options of `pool.checkpoint` and `Pool.restore`. */
export interface CheckpointOptions {
  /** Replace an existing file at the target path (never the pool's own file). @defaultValue false: an existing target is refused with PoolError POOL_EXISTS */
  overwrite?: boolean;
}

/** What `pool.checkpoint` wrote. */
export interface CheckpointResult {
  /** The checkpoint file. */
  readonly path: string;
  /** Bytes copied (the pool's size). */
  readonly bytes: number;
  /** Milliseconds the copy took (the thread was blocked that long), the write-back flush and fsyncs included. */
  readonly ms: number;
}

const COPY_CHUNK = 8 * 1024 * 1024;
// pool_hdr (PMDK 1.12 pool_hdr.h): struct shutdown_state at 4024: usc u64 | uuid u64 | dirty u8 | reserved[39] | checksum u64.
const SDS = 4024;
const SDS_SIZE = 64;
const SDS_DIRTY = SDS + 16;
const SDS_CHECKSUM = SDS + 56;

/**
 * Writes the session's pool to `target`. `openFlag` is the pool offset of pmemts's open flag: the copy
 * gets it clear (it holds a committed state, not an interrupted session).
 * @throws {TransactionError} TX_OPEN inside a transaction. @throws {TypeError} on a bad path or options.
 * @throws {RangeError} when target is the pool's own file. @throws {PoolError} POOL_EXISTS, or when the file cannot be written.
 */
export function writeCheckpoint(session: PoolSession, openFlag: number, target: string, options: CheckpointOptions = {}): CheckpointResult {
  requireString('checkpoint: path', target);
  const overwrite = overwriteOption(options, 'checkpoint');
  if (session.tx.active) throw new TransactionError('checkpoint: cannot copy a pool inside its transaction (the copy would hold uncommitted stores); call it between transactions', 'TX_OPEN');
  const source = session.native.path;
  refuseTarget(target, overwrite, 'checkpoint', source);
  const started = performance.now();
  session.flush(true);
  const bytes = new Uint8Array(session.native.buffer);
  replaceAtomically(target, overwrite, (fd) => {
    for (let at = 0; at < bytes.length; at += COPY_CHUNK) writeAll(fd, bytes.subarray(at, Math.min(bytes.length, at + COPY_CHUNK)), at);
    writeAll(fd, new Uint8Array(4), openFlag);
    clearShutdownDirty(fd, bytes);
  });
  return { path: target, bytes: bytes.length, ms: performance.now() - started };
}

/**
 * Copies the checkpoint at `checkpoint` to `target` after pmemobj_check (in a child process) found it
 * consistent. `target` must not be open anywhere (libpmemobj's lock is tested).
 * @throws {TypeError} on a bad path or options. @throws {RangeError} when both paths are the same file.
 * @throws {PoolCorruptError} CHECKPOINT_CORRUPT when the checkpoint is not a consistent pool.
 * @throws {PoolError} POOL_NOT_FOUND (checkpoint), POOL_EXISTS (target, without overwrite), POOL_LOCKED (target open), or when the file cannot be written.
 */
export function restoreCheckpoint(checkpoint: string, target: string, options: CheckpointOptions = {}): void {
  requireString('restore: checkpoint', checkpoint);
  requireString('restore: path', target);
  const overwrite = overwriteOption(options, 'restore');
  const layout = readLayoutName(checkpoint);
  refuseTarget(target, overwrite, 'restore', checkpoint);
  // Replacing a pool that is open would leave its session writing to the unlinked old file.
  if (fs.existsSync(target)) throwIfLocked(target);
  const verdict = native.check(checkpoint, layout);
  if (!verdict.consistent) throw new PoolCorruptError(`restore: ${checkpoint} is not a consistent pool: ${verdict.message}`, 'CHECKPOINT_CORRUPT');
  const size = fs.statSync(checkpoint).size;
  const input = fs.openSync(checkpoint, 'r');
  try {
    replaceAtomically(target, overwrite, (fd) => {
      const chunk = Buffer.alloc(Math.min(COPY_CHUNK, size));
      for (let at = 0; at < size; ) {
        const read = fs.readSync(input, chunk, 0, Math.min(chunk.length, size - at), at);
        if (read === 0) throw new PoolError(`restore: ${checkpoint} ended early at byte ${at}`, 'POOL_READ_FAILED');
        writeAll(fd, chunk.subarray(0, read), at);
        at += read;
      }
    });
  } finally {
    fs.closeSync(input);
  }
}

/** pmemobj_check (in a child) takes libpmemobj's lock: POOL_LOCKED when the pool is open; a file that is no pool is not locked. */
function throwIfLocked(file: string): void {
  try {
    native.check(file, readLayoutName(file));
  } catch (error) {
    if (!(error instanceof PoolCorruptError)) throw error;
  }
}

function overwriteOption(options: CheckpointOptions, where: string): boolean {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object`);
  if (options.overwrite !== undefined && typeof options.overwrite !== 'boolean') throw new TypeError(`${where}: options.overwrite must be a boolean`);
  return options.overwrite === true;
}

/** Refuses a target that is the source itself, exists (without overwrite), or is not a regular file. */
function refuseTarget(target: string, overwrite: boolean, where: string, source: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    return; // absent: the directory is checked when the file is written
  }
  const from = fs.statSync(source);
  if (stat.ino === from.ino && stat.dev === from.dev) throw new RangeError(`${where}: path ${target} is the same file as ${source}`);
  if (!stat.isFile()) throw new PoolError(`${where}: ${target} exists and is not a regular file`, 'POOL_NOT_A_FILE');
  if (!overwrite) throw new PoolError(`${where}: ${target} already exists; pass { overwrite: true } to replace it`, 'POOL_EXISTS');
}

/** Writes a temporary file beside `target` with `fill`, fsyncs it, and moves it into place; removes it on failure. */
function replaceAtomically(target: string, overwrite: boolean, fill: (fd: number) => void): void {
  const dir = path.dirname(path.resolve(target));
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.partial`);
  let fd: number;
  try {
    fd = fs.openSync(temp, 'wx', 0o666);
  } catch (error) {
    throw writeError(target, error);
  }
  try {
    try {
      fill(fd);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (overwrite) {
      fs.renameSync(temp, target);
    } else {
      fs.linkSync(temp, target); // fails if the target appeared meanwhile: never replaces a file
      fs.unlinkSync(temp);
    }
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error instanceof PoolError ? error : writeError(target, error);
  }
  syncDirectory(dir);
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
}

/**
 * libpmemobj keeps an unsafe-shutdown state in the pool header, marked dirty while the pool is open
 * (on ordinary files too); on persistent memory a dirty copy on another device reads as an ADR failure
 * and is refused. The copy is of a committed state, so it is marked clean, its checksum recomputed:
 * the header of a closed pool.
 */
function clearShutdownDirty(fd: number, pool: Uint8Array): void {
  const sds = Buffer.from(pool.buffer, pool.byteOffset + SDS, SDS_SIZE);
  if (sds[SDS_DIRTY - SDS] === 0) return;
  const copy = Buffer.from(sds);
  copy[SDS_DIRTY - SDS] = 0;
  writeChecksum(copy, SDS_CHECKSUM - SDS, fletcher64(copy, 0, SDS_SIZE, SDS_CHECKSUM - SDS));
  writeAll(fd, copy, SDS);
}

function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function writeError(target: string, error: unknown): PoolError {
  const err = error as NodeJS.ErrnoException;
  const code = err.code === 'ENOENT' ? 'POOL_NOT_FOUND' : err.code === 'EACCES' || err.code === 'EPERM' ? 'POOL_ACCESS_DENIED' : err.code === 'EEXIST' ? 'POOL_EXISTS' : 'POOL_WRITE_FAILED';
  return new PoolError(`${target}: cannot write: ${err.message}`, code, typeof err.errno === 'number' ? -err.errno : undefined);
}
