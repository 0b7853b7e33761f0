/**
 * The commit of a write-back transaction's dirty DRAM ranges: one native call, through the cheapest
 * log that is correct for the write set. Measured on this project's bench machine (docs/benchmark.md,
 * "Choosing the commit log"): libpmemobj's action API (publishWords, a redo log) commits one 8-byte
 * word at 2× the speed of an undo-logged transaction (a single word is published with one atomic
 * store, no log at all), breaks even at two or three one-word spans, and loses from two-word spans on.
 * So:
 * - redo (publishWords) when no transaction is open (nothing was allocated or freed) and the write set
 *   is at most REDO_MAX_SPANS spans of one word each, after widening each dirty span to whole 8-byte
 *   words (safe: a DRAM copy holds the object's current bytes outside its dirty span too);
 * - undo otherwise: in the open transaction (txCommitBatch), or in a transaction of its own (runBatch).
 * Either way the commit is atomic across a power failure and the native call leaves no transaction open.
 */
import type { NativePool } from '@pmemts/native';
import type { CacheEntry } from '../cache/CacheEntry';
import { DEAD } from '../objects/view-state';
import type { PoolStats } from '../pool/stats';
import type { HeatRecorder } from '../heat/HeatRecorder';

/** Most one-word spans a redo commit takes (see the measurements above). */
export const REDO_MAX_SPANS = 3;

export class WriteBackCommit {
  private ranges = new Float64Array(48);
  private bytes = new Uint8Array(4096);
  private count = 0;
  private used = 0;

  constructor(
    private readonly native: NativePool,
    private readonly stats: PoolStats,
    private readonly heat: HeatRecorder | null,
  ) {}

  /**
   * Makes the dirty ranges durable and, when `inTransaction`, commits and ends the open transaction
   * with them. Entries allocated in this transaction (`fresh`) are copied into the mapping unlogged:
   * libpmemobj flushes new objects at commit. Throws with no transaction left open on failure.
   */
  commit(dirty: readonly CacheEntry[], inTransaction: boolean, pmem: Uint8Array): void {
    this.count = 0;
    this.used = 0;
    const redo = !inTransaction && redoEligible(dirty);
    for (const entry of dirty) {
      if (!entry.dirty || entry.owner.offset === DEAD) continue;
      let lo = entry.dirtyLo;
      let hi = entry.dirtyHi;
      this.stats.bytesPersisted += hi - lo;
      if (entry.fresh) {
        pmem.set(entry.slice(lo, hi), entry.owner.offset + lo);
        continue;
      }
      if (redo) {
        lo &= ~7;
        hi = (hi + 7) & ~7;
      }
      this.add(entry.owner.offset + lo, entry.bytes, entry.at + lo, entry.at + hi);
    }
    if (inTransaction) {
      this.native.txCommitBatch(this.ranges, this.bytes, 0, this.count);
      this.countUndo();
    } else if (this.count === 0) {
      return;
    } else if (redo) {
      this.native.publishWords(this.ranges, this.bytes, this.count);
      this.stats.redoCommits++;
      this.stats.redoWords += this.used / 8;
      if (this.heat !== null) this.recordHeat(this.heat, true);
    } else {
      this.native.runBatch(this.ranges, this.bytes, 0, this.count);
      this.countUndo();
    }
    this.stats.drains++;
  }

  private add(at: number, source: Uint8Array, lo: number, hi: number): void {
    const length = hi - lo;
    if (3 * this.count + 3 > this.ranges.length) this.ranges = grow(this.ranges, 3 * this.count + 3);
    if (this.used + length > this.bytes.length) this.bytes = grow(this.bytes, this.used + length);
    this.ranges[3 * this.count] = at;
    this.ranges[3 * this.count + 1] = length;
    this.ranges[3 * this.count + 2] = this.used;
    // A subarray costs more than copying the few bytes a span usually has.
    if (length <= 64) for (let i = 0; i < length; i++) this.bytes[this.used + i] = source[lo + i];
    else this.bytes.set(source.subarray(lo, hi), this.used);
    this.count++;
    this.used += length;
  }

  private countUndo(): void {
    this.stats.snapshots += this.count;
    this.stats.snapshotBytes += this.used;
    if (this.heat !== null) this.recordHeat(this.heat, false);
  }

  /** The committed spans were flushed, and logged as undo snapshots or as redo words. */
  private recordHeat(heat: HeatRecorder, redo: boolean): void {
    for (let i = 0; i < this.count; i++) {
      const at = this.ranges[3 * i];
      const length = this.ranges[3 * i + 1];
      if (redo) heat.flushed(at, length);
      else heat.snapshot(at, length);
    }
    if (redo) heat.redoWords(this.used / 8);
  }
}

/** Whether every dirty span widens to one 8-byte word inside its object, with at most REDO_MAX_SPANS of them. */
function redoEligible(dirty: readonly CacheEntry[]): boolean {
  let spans = 0;
  for (const entry of dirty) {
    if (!entry.dirty || entry.fresh || entry.owner.offset === DEAD) continue;
    const lo = entry.dirtyLo & ~7;
    const hi = (entry.dirtyHi + 7) & ~7;
    if (hi - lo !== 8 || hi > entry.size || entry.owner.offset % 8 !== 0 || ++spans > REDO_MAX_SPANS) return false;
  }
  return true;
}

function grow<T extends Float64Array | Uint8Array>(array: T, needed: number): T {
  const next = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}
