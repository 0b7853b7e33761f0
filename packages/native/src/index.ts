/**
 * The only module that loads the compiled addon. It exports typed bindings over libpmemobj: thin and
 * policy-free, every offset bounds-checked in native code. Validation of argument *types* happens here
 * before crossing into C++; the addon checks ranges and object liveness.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { errorClasses, PmemError, PoolCorruptError, PoolError } from './errors';
import { poolErrorFrom } from './pool-errors';
import { probePool } from './probe';
import { requireString, requireSize, requireMode } from './validate';

export * from './errors';
export { probePool, PROBE_TIMEOUT_MS } from './probe';
/** The argument check every path and name goes through, for the layers above that take paths too. */
export { requireString } from './validate';
export type { ProbeResult, ProbeMode } from './probe';

/** Stages of a libpmemobj transaction (enum pobj_tx_stage). */
export enum TxStage {
  /** No transaction on this thread. */
  None = 0,
  /** Inside a transaction, before commit or abort. */
  Work = 1,
  /** Committed, not yet ended. */
  OnCommit = 2,
  /** Aborted, not yet ended. */
  OnAbort = 3,
  /** Ending (after commit or abort). */
  Finally = 4,
}

/** Flags of pmemobj_tx_xadd_range (POBJ_XADD_*). */
export const XAddFlags = {
  /** POBJ_XADD_NO_FLUSH: the range is not flushed at commit (the caller persists it). */
  NoFlush: 1 << 0,
  /** POBJ_XADD_NO_SNAPSHOT: register the range for flushing at commit without snapshotting it. */
  NoSnapshot: 1 << 1,
  /** POBJ_XADD_ASSUME_INITIALIZED: the range may be uninitialized memory (silences memcheck). */
  AssumeInitialized: 1 << 2,
  /** POBJ_XADD_NO_ABORT: a failure returns an error instead of aborting the transaction. */
  NoAbort: 1 << 4,
} as const;

/** Flags of pmemobj_tx_xalloc (POBJ_XALLOC_*). */
export const XAllocFlags = {
  /** POBJ_XALLOC_ZERO: the new object is zeroed. */
  Zero: 1 << 0,
  /** POBJ_XALLOC_NO_FLUSH: the new object is not flushed at commit (the caller persists it). */
  NoFlush: 1 << 1,
  /** POBJ_XALLOC_NO_ABORT: a failure returns an error instead of aborting the transaction. */
  NoAbort: 1 << 4,
} as const;

/** Flags of pmem_memcpy/pmem_memset (PMEM_F_MEM_*), passed through to pmemobj_memcpy/memset. */
export const MemFlags = {
  /** PMEM_F_MEM_NODRAIN: no fence after the copy (the caller drains). */
  NoDrain: 1 << 0,
  /** PMEM_F_MEM_NONTEMPORAL: non-temporal stores (bypass the CPU cache). */
  NonTemporal: 1 << 1,
  /** PMEM_F_MEM_TEMPORAL: ordinary stores, then flushes. */
  Temporal: 1 << 2,
  /** PMEM_F_MEM_WC: write-combining stores. */
  Wc: 1 << 3,
  /** PMEM_F_MEM_WB: write-back stores. */
  Wb: 1 << 4,
  /** PMEM_F_MEM_NOFLUSH: no flush at all (the caller persists). */
  NoFlush: 1 << 5,
} as const;


/** ctl names the binding can read or write; the value types are fixed by libpmemobj. */
export type CtlName =
  | 'stats.enabled'
  | 'stats.heap.curr_allocated'
  | 'stats.heap.run_allocated'
  | 'stats.heap.run_active'
  | 'prefault.at_open'
  | 'prefault.at_create'
  | 'tx.cache.size'
  | 'tx.cache.threshold'
  | 'tx.post_commit.queue_depth'
  | 'heap.size.granularity';

/**
 * One open libpmemobj pool (wraps PMEMobjpool*). Offsets are byte offsets from the pool base; offset 0
 * is the null object. All methods throw PoolClosedError after close().
 */
export interface NativePool {
  /** File the pool lives in. */
  readonly path: string;
  /** Mapped bytes (the pool file's size). */
  readonly size: number;
  /** True when libpmem maps real persistent memory (or PMEM_IS_PMEM_FORCE=1): flushes are cache-line flushes, else msync. */
  readonly isPmem: boolean;
  /** The pool's uuid_lo, the tag PMEMoids carry. */
  readonly uuidLo: bigint;
  /** Whether close() has run. */
  readonly closed: boolean;
  /**
   * The whole mapping as one external ArrayBuffer (byte 0 = pool base): zero-copy field access through
   * DataView/typed arrays. Detached by close(), so a stale view throws TypeError.
   */
  readonly buffer: ArrayBuffer;

  /** pmemobj_close; detaches `buffer`. A second call throws PoolClosedError. */
  close(): void;
  /**
   * pmemobj_root: offset of the root object, allocated (zeroed) or grown to at least `size` bytes.
   * @throws {OutOfSpaceError} when the pool has no room.
   * @throws {OutOfBoundsError} for a size of 0 or over MAX_ALLOC_SIZE.
   */
  root(size: number): number;
  /** pmemobj_root_size: 0 when no root exists yet. */
  rootSize(): number;

  /** pmemobj_tx_begin with no jmp_buf and POBJ_TX_FAILURE_RETURN: failures throw, never longjmp. Nests (flat). */
  txBegin(): void;
  /**
   * pmemobj_tx_xadd_range: snapshot [offset, offset+length) into the undo log (XAddFlags).
   * @throws {TransactionError} TX_NOT_ACTIVE when no transaction is in its work stage.
   * @throws {OutOfBoundsError} when the range falls outside the mapping.
   * @throws {OutOfSpaceError} when the undo log has no room (the transaction is aborted).
   */
  txAddRange(offset: number, length: number, flags?: number): void;
  /**
   * txBegin + txAddRange in one call: the first snapshot of a transaction opens it. When the snapshot
   * fails the transaction it began is aborted and ended before the error is thrown: nothing stays open.
   * @throws {OutOfBoundsError} when the range falls outside the mapping.
   * @throws {OutOfSpaceError} when the undo log has no room. @throws {TransactionError} when the transaction cannot begin.
   */
  txBeginAddRange(offset: number, length: number, flags?: number): void;
  /**
   * pmemobj_tx_xalloc: new object of `size` bytes and type number; returns its offset.
   * @throws {TransactionError} TX_NOT_ACTIVE when no transaction is in its work stage.
   * @throws {OutOfSpaceError} when the pool has no room (the transaction is aborted).
   * @throws {OutOfBoundsError} for a size of 0 or over MAX_ALLOC_SIZE.
   */
  txAlloc(size: number, typeNum: number, flags?: number): number;
  /**
   * txBegin + txAlloc in one call; when the allocation fails the transaction it began is aborted and ended.
   * @throws {OutOfSpaceError} when the pool has no room (the transaction is aborted).
   * @throws {OutOfBoundsError} for a size of 0 or over MAX_ALLOC_SIZE. @throws {TransactionError} when the transaction cannot begin.
   */
  txBeginAlloc(size: number, typeNum: number, flags?: number): number;
  /**
   * pmemobj_tx_realloc: returns the (possibly moved) offset.
   * @throws {TransactionError} TX_NOT_ACTIVE when no transaction is in its work stage.
   * @throws {OutOfSpaceError} when the pool has no room (the transaction is aborted).
   * @throws {InvalidObjectError} when `offset` is not a live object.
   */
  txRealloc(offset: number, size: number, typeNum: number): number;
  /**
   * pmemobj_tx_free: frees at commit; undone by abort.
   * @throws {TransactionError} TX_NOT_ACTIVE when no transaction is in its work stage.
   * @throws {InvalidObjectError} INVALID_OBJECT when `offset` is not a live object.
   */
  txFree(offset: number): void;
  /**
   * For each (dst, length, srcOffset) triple in `ranges`: snapshot [dst, dst+length) (XAddFlags in
   * `flags`) and copy `source[srcOffset..]` there. One native call for a whole commit's writes.
   * `count` uses only the first `count` triples (default: all), so one scratch array can be reused.
   * @throws {TransactionError} TX_NOT_ACTIVE when no transaction is in its work stage.
   * @throws {OutOfBoundsError} when a range falls outside the mapping or `source`.
   * @throws {OutOfSpaceError} when the undo log has no room (the transaction is aborted).
   */
  txWriteBatch(ranges: Float64Array, source: Uint8Array, flags?: number, count?: number): void;
  /**
   * pmemobj_tx_commit.
   * @throws {TransactionError} TX_NOT_ACTIVE when no transaction is in its work stage.
   * @throws {TransactionError} TX_FAILED when libpmemobj cannot commit.
   */
  txCommit(): void;
  /**
   * txCommit + txEnd in one call: returns the transaction's errnum (0 when committed).
   * @throws {TransactionError} TX_NOT_ACTIVE when no transaction is in its work stage.
   */
  txCommitEnd(): number;
  /**
   * txWriteBatch + txCommit + txEnd in one call, inside the open transaction. On any failure (bad
   * arguments included) the transaction is aborted and ended, then the error is thrown.
   * @throws {TransactionError} TX_NOT_ACTIVE when no transaction is in its work stage.
   * @throws {OutOfBoundsError} when a range falls outside the mapping or `source`. @throws {OutOfSpaceError} when the undo log has no room.
   */
  txCommitBatch(ranges: Float64Array, source: Uint8Array, flags?: number, count?: number): void;
  /**
   * pmemobj_tx_abort(errnum).
   * @throws {TransactionError} TX_NOT_ACTIVE when no transaction is in its work stage.
   */
  txAbort(errnum?: number): void;
  /** pmemobj_tx_end: returns the transaction's errnum (0 when committed). */
  txEnd(): number;
  /** pmemobj_tx_stage. */
  txStage(): TxStage;
  /**
   * begin + txWriteBatch + commit + end in one native call; aborts and throws on any failure.
   * @throws {OutOfBoundsError} when a range falls outside the mapping or `source`. @throws {OutOfSpaceError} when the undo log has no room.
   * @throws {TransactionError} when the transaction cannot begin or commit.
   */
  runBatch(ranges: Float64Array, source: Uint8Array, flags?: number, count?: number): void;
  /**
   * Commits the ranges through libpmemobj's action API instead of a transaction: each 8-byte word of
   * each (dst, length, srcOffset) triple becomes a pmemobj_set_value action, and one pmemobj_publish
   * applies them through the redo log, all or none, also across a power failure. Offsets and lengths
   * must be multiples of 8, at most MAX_PUBLISH_WORDS words, and no transaction may be open on the
   * thread (TX_OPEN). On failure nothing is written.
   * @throws {TransactionError} TX_OPEN inside a transaction, TX_FAILED when libpmemobj cannot publish.
   * @throws {OutOfBoundsError} for a range outside the mapping or `source`, not 8-byte aligned, or over MAX_PUBLISH_WORDS words.
   */
  publishWords(ranges: Float64Array, source: Uint8Array, count?: number): void;

  /**
   * pmemobj_persist: flush + drain [offset, offset+length).
   * @throws {OutOfBoundsError} when the range falls outside the mapping.
   */
  persist(offset: number, length: number): void;
  /**
   * pmemobj_flush.
   * @throws {OutOfBoundsError} when the range falls outside the mapping.
   */
  flush(offset: number, length: number): void;
  /** pmemobj_drain. */
  drain(): void;
  /**
   * pmemobj_memcpy: copy `source` to `offset` and persist it (MemFlags).
   * @throws {OutOfBoundsError} when the range falls outside the mapping.
   */
  memcpyPersist(offset: number, source: Uint8Array, flags?: number): void;
  /**
   * pmemobj_memset: fill and persist (MemFlags).
   * @throws {OutOfBoundsError} when the range falls outside the mapping.
   */
  memsetPersist(offset: number, byte: number, length: number, flags?: number): void;

  /** pmemobj_first (filtered by type number when given): offset of the first object, 0 when none. */
  first(typeNum?: number): number;
  /**
   * pmemobj_next (filtered by type number when given): 0 at the end.
   * @throws {InvalidObjectError} INVALID_OBJECT when `offset` is not a live object.
   */
  next(offset: number, typeNum?: number): number;
  /**
   * pmemobj_type_num of a live object.
   * @throws {InvalidObjectError} INVALID_OBJECT when `offset` is not a live object.
   */
  typeNum(offset: number): number;
  /**
   * pmemobj_alloc_usable_size of a live object.
   * @throws {InvalidObjectError} INVALID_OBJECT when `offset` is not a live object.
   */
  usableSize(offset: number): number;
  /**
   * Whether `offset` is a live object of this pool (an allocated, not freed, object start), exactly as
   * pmemobj_first/next (plus the root) would say, with the running transaction's allocations live and
   * its frees not. Read from the heap format without a heap walk: the chunk span holding the offset,
   * then the huge chunk's header, or the run bitmap word's block starts (from its bit and the at most
   * 64 allocation headers of that word). What it learns of spans and words is kept until the next
   * call that may change the heap (alloc, free, commit, ...), so repeated calls cost a hash lookup.
   * Every read is bounds-checked: a corrupted heap gives false, never a crash.
   */
  isObject(offset: number): boolean;
  /**
   * The allocation header in front of `offset`, read in O(1) from libpmemobj's on-media heap format
   * with every read bounds-checked (safe on a corrupted offset): null unless `offset` lies in a chunk
   * in use with a well-formed header there. The run bitmap is not read: unlike isObject it does not
   * tell a block freed inside a run still in use from a live one, so use it for shape checks (the
   * catalog at open), not for liveness.
   */
  allocationHeader(offset: number): { typeNum: number; usableSize: number } | null;
  /** Whole-heap walks this handle has done for liveness: always 0 (isObject reads the heap format; open walks nothing). */
  readonly heapWalks: number;

  /** pmemobj_ctl_get for a known name. */
  ctlGet(name: CtlName): number;
  /** pmemobj_ctl_set for a known, writable name. */
  ctlSet(name: CtlName, value: number): void;

  /**
   * pmemobj_defrag over PMEMoids stored in the pool: `locations` are the pool offsets of every
   * PMEMoid {uuid_lo, offset} naming an object that may move (OID_NULL ones are skipped). Objects in
   * runs under half full are reallocated lower in the heap, and every location naming a moved object
   * is updated in the same redo-logged step (a crash leaves each pointer at the old or the new copy).
   * Give every pointer to an object or none: an object is moved when any location names it.
   * @throws {TypeError} when locations is not a Float64Array of non-negative integers.
   * @throws {OutOfBoundsError} for a location outside the mapping, not 8-byte aligned, or overlapping another.
   * @throws {InvalidObjectError} when a location holds no PMEMoid of this pool, or names no live object (the root is not movable).
   * @throws {TransactionError} TX_OPEN inside a transaction. @throws {PoolError} DEFRAG_FAILED, {OutOfSpaceError} when libpmemobj fails (objects moved before stay moved, consistently).
   */
  defrag(locations: Float64Array): DefragResult;
}

/** What NativePool.defrag did (pmemobj_defrag's `struct pobj_defrag_result`). */
export interface DefragResult {
  /** Objects pmemobj_defrag looked at. */
  total: number;
  /** Objects it moved. */
  relocated: number;
}

/** Options of open(). */
export interface OpenOptions {
  /**
   * Open the pool in a child process first, so a corrupted pool that would crash libpmemobj
   * (SIGSEGV inside pmemobj_open) kills the child, not this process; a child that takes longer than
   * PROBE_TIMEOUT_MS (a corrupted heap can make libpmemobj loop) is killed too. Costs one process
   * spawn and one extra open. 'walk' also walks every object of the heap, which is what a heap
   * iteration (objects(), isObject, free) does in-process later: use it for untrusted files.
   * `false` trusts the file.
   * @defaultValue 'open'
   */
  probe?: 'open' | 'walk' | false;
}

interface Addon {
  init(classes: typeof errorClasses & { TypeError: TypeErrorConstructor }): void;
  create(path: string, layout: string, size: number, mode: number): NativePool;
  open(path: string, layout: string): NativePool;
  version(): { major: number; minor: number; text: string };
  limits: { maxAllocSize: number; minPoolSize: number; maxLayoutLength: number; maxPublishWords: number };
  /** Only in the test build. */
  setFailpoint?(kind?: FailpointKind, nth?: number, sticky?: boolean): void;
}

/**
 * Which build of the addon to load, read once when this module loads. The shipped addon has no
 * failpoints; `PMEMTS_NATIVE_BUILD=failpoints` loads the test build (pmemts_native_failpoints.node,
 * built beside it), which tests set before importing pmemts.
 */
export const NATIVE_BUILD: 'release' | 'failpoints' = process.env.PMEMTS_NATIVE_BUILD === 'failpoints' ? 'failpoints' : 'release';

const addon: Addon = require(path.join(__dirname, '..', 'build', 'Release', NATIVE_BUILD === 'failpoints' ? 'pmemts_native_failpoints.node' : 'pmemts_native.node'));
addon.init({ ...errorClasses, TypeError });

/** Smallest pool libpmemobj accepts (PMEMOBJ_MIN_POOL, 8 MiB), from libpmemobj's header at build time. */
export const MIN_POOL_SIZE: number = addon.limits.minPoolSize;
/** Longest layout name, terminating NUL included (PMEMOBJ_MAX_LAYOUT), from libpmemobj's header. */
export const MAX_LAYOUT_LENGTH: number = addon.limits.maxLayoutLength;
/** Largest single allocation (PMEMOBJ_MAX_ALLOC_SIZE, 0x3FFDFFFC0: just under 16 GiB), from libpmemobj's header. */
export const MAX_ALLOC_SIZE: number = addon.limits.maxAllocSize;
/** The most 8-byte words one publishWords call commits. */
export const MAX_PUBLISH_WORDS: number = addon.limits.maxPublishWords;

/** Operations a failpoint can make fail ('copy' is the snapshot-and-copy of txWriteBatch/runBatch). */
export type FailpointKind = 'begin' | 'addRange' | 'alloc' | 'free' | 'copy' | 'publish';

/**
 * Test-only: make the `nth` call (from now, 1-based) of `kind` fail the way libpmemobj reports a
 * failure (ENOMEM), once or, with `sticky`, every call from then on. Without arguments, disarms all.
 * Affects every pool of the process. Only the test build has failpoints (see NATIVE_BUILD); with the
 * shipped addon, disarming does nothing and arming throws PmemError FAILPOINTS_UNAVAILABLE.
 */
export function setFailpoint(kind?: FailpointKind, nth?: number, sticky = false): void {
  if (kind === undefined) return addon.setFailpoint?.();
  requireSize('nth', nth);
  if ((nth as number) < 1) throw new TypeError('nth must be at least 1');
  if (addon.setFailpoint === undefined) {
    throw new PmemError('failpoints exist only in the test build of the addon: set PMEMTS_NATIVE_BUILD=failpoints before loading @pmemts/native', 'FAILPOINTS_UNAVAILABLE');
  }
  addon.setFailpoint(kind, nth, sticky);
}

/** Path of the probe executable (opens or checks a pool in a child process). */
export const PROBE_PATH = path.join(__dirname, '..', 'build', 'Release', 'pmemts_probe');

/** libpmemobj API version this addon runs against (2.4 for PMDK 1.12). */
export const version: { readonly major: number; readonly minor: number; readonly text: string } = Object.freeze(addon.version());

/**
 * pmemobj_create: a new pool file of `size` bytes with `layout`, or a pool on a device DAX (`/dev/daxX.Y`) with size 0.
 * @throws {PoolError} when the file exists (code POOL_EXISTS), its directory is missing, or size is under MIN_POOL_SIZE;
 * POOL_DEVICE_SIZE for a character device with a size other than 0.
 */
export function create(file: string, layout: string, size: number, mode = 0o666): NativePool {
  requireString('path', file);
  requireString('layout', layout, MAX_LAYOUT_LENGTH - 1);
  requireSize('size', size);
  requireMode('mode', mode);
  // A device DAX (/dev/daxX.Y, a character device) holds one pool as large as the device: libpmemobj takes size 0 there.
  if (isCharacterDevice(file)) {
    if (size !== 0) throw new PoolError(`${file} is a character device (device DAX): its pool takes the whole device, so size must be 0, got ${size}`, 'POOL_DEVICE_SIZE');
  } else if (size < MIN_POOL_SIZE) {
    throw new PoolError(`size ${size} is under the minimum pool size ${MIN_POOL_SIZE} (8 MiB)`, 'POOL_TOO_SMALL');
  }
  return withPoolErrors(file, () => addon.create(file, layout, size, mode));
}

/**
 * pmemobj_open, after a crash-isolating probe (see OpenOptions.probe).
 * The file is checked first, with or without the probe (see requirePoolFile).
 * @throws {PoolError} when the file is missing, locked (POOL_LOCKED), not a regular file or DAX device
 * (POOL_NOT_A_FILE), or its layout differs (POOL_LAYOUT_MISMATCH).
 * @throws {PoolCorruptError} when the file is not a pool (POOL_CORRUPT, also for a file under 8 MiB), or libpmemobj could not open it without crashing.
 */
export function open(file: string, layout: string, options: OpenOptions = {}): NativePool {
  requireString('path', file);
  requireString('layout', layout, MAX_LAYOUT_LENGTH - 1);
  if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  const probe = options.probe === undefined ? 'open' : options.probe;
  if (probe !== false && probe !== 'open' && probe !== 'walk') {
    throw new TypeError(`options.probe must be 'open', 'walk' or false, got ${String(probe)}`);
  }
  requirePoolFile(file);
  if (probe) probePool(file, layout, probe).throwIfFailed();
  return withPoolErrors(file, () => addon.open(file, layout));
}

/**
 * Refuses, before anything maps or opens the file (probe or not), what cannot be a pool: a missing
 * path, a directory, a FIFO, socket or block device (opening a FIFO blocks), and a regular file
 * smaller than the smallest pool (libpmemobj dies with SIGBUS mapping an empty one). A character
 * device passes: device DAX (/dev/daxX.Y) pools are character devices whose st_size is 0.
 * @throws {PoolError} POOL_NOT_FOUND, POOL_ACCESS_DENIED, POOL_NOT_A_FILE.
 * @throws {PoolCorruptError} POOL_CORRUPT for a file too small to be a pool.
 */
function requirePoolFile(file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    throw poolErrorFrom((os.constants.errno as Record<string, number>)[err.code ?? ''] ?? 0, err.message, file);
  }
  if (stat.isDirectory()) throw poolErrorFrom(21, '', file);
  if (stat.isCharacterDevice()) return;
  if (!stat.isFile()) throw new PoolError(`${file}: is a ${fileKind(stat)}, not a pool file or a DAX device`, 'POOL_NOT_A_FILE');
  if (stat.size < MIN_POOL_SIZE) {
    throw new PoolCorruptError(`${file}: ${stat.size} bytes is smaller than the smallest pool (${MIN_POOL_SIZE} bytes): not a pmemobj pool`, 'POOL_CORRUPT');
  }
}

function isCharacterDevice(file: string): boolean {
  try {
    return fs.statSync(file).isCharacterDevice();
  } catch {
    return false; // missing: create makes a regular file
  }
}

function fileKind(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'FIFO';
  if (stat.isSocket()) return 'socket';
  if (stat.isBlockDevice()) return 'block device';
  return 'special file';
}

/** The addon reports open/create failures as POOL_OPEN_FAILED with errno; refine them to what the user can act on. */
function withPoolErrors(file: string, call: () => NativePool): NativePool {
  try {
    return call();
  } catch (error) {
    if (error instanceof PoolError && error.code === 'POOL_OPEN_FAILED') {
      throw poolErrorFrom(error.errno ?? 0, pmdkText(error.message), file);
    }
    throw error;
  }
}

/** The addon formats failures as "<call>: <pmemobj_errormsg()>"; keep PMDK's part. */
function pmdkText(message: string): string {
  const colon = message.indexOf(': ');
  return colon < 0 ? '' : message.slice(colon + 2);
}

/**
 * pmemobj_check, run in a child process (libpmemobj can crash on corrupted pools).
 * The pool must not be open in any process. Returns whether it is consistent; never throws for a
 * corrupt pool.
 * @throws {PoolError} when the file is missing, locked, not readable, or not a regular file or DAX device.
 */
export function check(file: string, layout: string): { consistent: boolean; message: string } {
  requireString('path', file);
  requireString('layout', layout, MAX_LAYOUT_LENGTH - 1);
  try {
    requirePoolFile(file);
  } catch (error) {
    if (error instanceof PoolCorruptError) return { consistent: false, message: error.message };
    throw error;
  }
  const result = probePool(file, layout, 'check');
  if (result.status === 'consistent') return { consistent: true, message: result.message };
  if (result.status === 'inconsistent' || result.status === 'crashed') {
    return { consistent: false, message: result.message };
  }
  // Could not check: a file that is not a valid pool is inconsistent; a missing or locked one is an error.
  const error = poolErrorFrom(result.errno, result.message, file);
  if (error instanceof PoolCorruptError) return { consistent: false, message: error.message };
  throw error;
}
