/**
 * The commit of a write-back transaction's dirty DRAM ranges: one native call, through the cheapest
 * log that is correct for the write set (docs/benchmark.md has the measurements behind the choice):
 * - redo (libpmemobj's action API, publishWords): no transaction is open (nothing was allocated or
 *   freed) and the dirty spans, widened to whole 8-byte words, are at most MAX_PUBLISH_WORDS words.
 *   Widening is safe because a DRAM copy holds the object's current bytes outside its dirty span too.
 * - undo, in the open transaction (txCommitBatch), when the transaction allocated, freed or
 *   snapshotted something already; undo in a transaction of its own (runBatch) for large write sets.
 * Either way the commit is atomic across a power failure and the native call leaves no transaction open.
 */
import { MAX_PUBLISH_WORDS, type NativePool } from '@pmemts/native';
import type { CacheEntry } from '../cache/CacheEntry';
import { DEAD } from '../objects/view-state';
import type { PoolStats } from '../pool/stats';

export class WriteBackCommit {
  private ranges = new Float64Array(48);
  private bytes = new Uint8Array(4096);
  private count = 0;
  private used = 0;

  constructor(
    private readonly native: NativePool,
    private readonly stats: PoolStats,
  ) {}

  /**
   * Makes the dirty ranges durable and, when `inTransaction`, commits and ends the open transaction
   * with them. Entries allocated in this transaction (`fresh`) are copied into the mapping unlogged:
   * libpmemobj flushes new objects at commit. Throws with no transaction left open on failure.
   */
  commit(dirty: readonly CacheEntry[], inTransaction: boolean, pmem: Uint8Array): void {
    this.count = 0;
    this.used = 0;
    const redo = !inTransaction && redoWords(dirty) <= MAX_PUBLISH_WORDS;
    for (const entry of dirty) {
      if (!entry.dirty || entry.owner.offset === DEAD) continue;
      let lo = entry.dirtyLo;
      let hi = entry.dirtyHi;
      this.stats.bytesPersisted += hi - lo;
      if (entry.fresh) {
        pmem.set(entry.bytes.subarray(lo, hi), entry.owner.offset + lo);
        continue;
      }
      if (redo) {
        lo &= ~7;
        hi = (hi + 7) & ~7;
      }
      this.add(entry.owner.offset + lo, entry.bytes, lo, hi);
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
    this.bytes.set(source.subarray(lo, hi), this.used);
    this.count++;
    this.used += length;
  }

  private countUndo(): void {
    this.stats.snapshots += this.count;
    this.stats.snapshotBytes += this.used;
  }
}

/**
 * The 8-byte words a redo commit of `dirty` would write, or Infinity when some span cannot be widened
 * to whole words inside its object (or its object is not word-aligned).
 */
function redoWords(dirty: readonly CacheEntry[]): number {
  let words = 0;
  for (const entry of dirty) {
    if (!entry.dirty || entry.fresh || entry.owner.offset === DEAD) continue;
    const hi = (entry.dirtyHi + 7) & ~7;
    if (hi > entry.bytes.length || entry.owner.offset % 8 !== 0) return Infinity;
    words += (hi - (entry.dirtyLo & ~7)) / 8;
  }
  return words;
}

function grow<T extends Float64Array | Uint8Array>(array: T, needed: number): T {
  const next = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}
