/**
 * The running transaction of one pool session. libpmemobj's transaction is begun lazily, at the first
 * snapshot or allocation, so a write-back transaction crosses N-API once: at commit, through runBatch.
 * Nested runTransaction calls only change `depth` (libpmemobj flattens nesting the same way).
 */
import { TransactionError, TxStage } from '@pmemts/native';
import type { CacheEntry } from '../cache/CacheEntry';
import { DEAD, type ViewState } from '../objects/view-state';
import type { TxHost } from './tx-host';

/** Objects at most this big are snapshotted whole on their first store: one undo range per object per transaction. */
const WHOLE_OBJECT_SNAPSHOT_LIMIT = 4096;
/** `id` while no transaction runs: matches no ViewState.snapshotTx. */
const IDLE = -1;

let nextId = 1;
/** libpmemobj has one transaction per thread: only one pool may be in a transaction at a time. */
let runningSession: TxHost | null = null;

export class TransactionState {
  depth = 0;
  id = IDLE;
  /** Whether pmemobj_tx_begin has been called for this transaction. */
  private nativeOpen = false;
  /** Set when an inner runTransaction threw: the whole chain must abort even if the outer caught it. */
  failure: { error: unknown } | null = null;
  private readonly allocated: ViewState[] = [];
  private readonly freed: { state: ViewState; offset: number }[] = [];
  private readonly dirty: CacheEntry[] = [];
  /** Write-back objects whose heap slot was stored through to the pool in this transaction: their DRAM copy is resynced on abort. */
  private readonly throughSlots: { state: ViewState; at: number; length: number }[] = [];
  private scratchRanges = new Float64Array(48);
  private scratchBytes = new Uint8Array(4096);

  constructor(private readonly session: TxHost) {}

  get active(): boolean {
    return this.depth > 0;
  }

  begin(): void {
    if (runningSession !== null && runningSession !== this.session) {
      throw new TransactionError(
        'another pool is in a transaction on this thread; libpmemobj transactions cannot span pools',
        'TX_OTHER_POOL',
      );
    }
    runningSession = this.session;
    this.depth = 1;
    this.id = nextId++;
    this.failure = null;
  }

  /** Opens libpmemobj's transaction if this one has not yet. */
  ensureNative(what: string): void {
    if (this.depth === 0) {
      throw new TransactionError(`${what} must run inside runTransaction()`, 'TX_REQUIRED');
    }
    if (!this.nativeOpen) {
      this.session.native.txBegin();
      this.nativeOpen = true;
    }
  }

  /** Undo-logs the bytes a store is about to change; whole small objects once per transaction. */
  snapshot(state: ViewState, at: number, size: number, what: string): void {
    this.ensureNative(what);
    const stats = this.session.stats;
    if (state.layout.size <= WHOLE_OBJECT_SNAPSHOT_LIMIT) {
      this.session.native.txAddRange(state.offset, state.layout.size);
      state.snapshotTx = this.id;
      stats.snapshotBytes += state.layout.size;
    } else {
      this.session.native.txAddRange(state.offset + at, size);
      stats.snapshotBytes += size;
    }
    stats.snapshots++;
  }

  /**
   * Runs `fn` in the running transaction, or in one of its own when none runs, and commits that one
   * when `fn` returns. A throw aborts the transaction; a throw inside a running transaction marks it
   * failed, so it aborts even if an outer closure catches the error (`fn` may have done part of its work).
   */
  atomically<T>(fn: () => T): T {
    if (this.depth > 0) {
      this.depth++;
      try {
        return fn();
      } catch (error) {
        this.failure ??= { error };
        throw error;
      } finally {
        this.depth--;
      }
    }
    this.begin();
    try {
      const result = fn();
      if (this.failure !== null) {
        throw new TransactionError('an inner runTransaction (or store, create or free) threw, so the whole transaction was aborted', 'TX_INNER_FAILED', undefined, { cause: this.failure.error });
      }
      this.commit();
      return result;
    } catch (error) {
      if (this.active) this.abort();
      throw error;
    }
  }

  /** Undo-logs exactly [offset, offset + size): for stores that must not roll back the rest of their object. */
  snapshotRange(offset: number, size: number, what: string): void {
    this.ensureNative(what);
    this.session.native.txAddRange(offset, size);
    this.session.stats.snapshots++;
    this.session.stats.snapshotBytes += size;
  }

  /**
   * Records that bytes [at, at + length) of a write-back object were stored through to the pool: on
   * abort, whatever DRAM copy the object has then (one may be loaded after the store) is resynced.
   */
  noteThroughSlot(state: ViewState, at: number, length: number): void {
    this.throughSlots.push({ state, at, length });
  }

  /** Allocates an object of the transaction; its bytes need no snapshot. */
  allocate(size: number, typeNum: number, what: string): number {
    this.ensureNative(what);
    return this.session.native.txAlloc(size, typeNum, 1 /* XAllocFlags.Zero */);
  }

  trackAllocated(state: ViewState): void {
    state.snapshotTx = this.id;
    this.allocated.push(state);
  }

  /** Frees at commit; the view reads as freed at once, and comes back if the transaction aborts. */
  free(state: ViewState | null, offset: number, what: string): void {
    this.ensureNative(what);
    this.session.native.txFree(offset);
    if (state !== null) {
      this.freed.push({ state, offset });
      state.offset = DEAD;
    }
  }

  noteDirty(entry: CacheEntry): void {
    if (!entry.dirty) this.dirty.push(entry);
  }

  /** Copies dirty write-back ranges into the pool (one native call), then commits. Aborts on failure. */
  commit(): void {
    try {
      this.writeBackDirty();
      if (this.nativeOpen) {
        const native = this.session.native;
        native.txCommit();
        this.nativeOpen = false;
        const err = native.txEnd();
        if (err !== 0) throw new TransactionError(`commit failed with errno ${err}`, 'TX_FAILED', err);
        this.session.stats.drains++;
      }
    } catch (error) {
      this.abort();
      throw error;
    }
    this.session.stats.commits++;
    this.finish(true);
  }

  abort(): void {
    if (this.nativeOpen) {
      const native = this.session.native;
      if (!native.closed) {
        if (native.txStage() === TxStage.Work) native.txAbort();
        native.txEnd();
      }
      this.nativeOpen = false;
    }
    this.session.stats.aborts++;
    this.finish(false);
  }

  private writeBackDirty(): void {
    if (this.dirty.length === 0) return;
    const pmem = this.session.pmemBytes();
    let count = 0;
    let bytes = 0;
    for (const entry of this.dirty) {
      if (!entry.dirty || entry.owner.offset === DEAD) continue;
      const length = entry.dirtyHi - entry.dirtyLo;
      if (entry.fresh) {
        // Allocated in this transaction: libpmemobj flushes it at commit and needs no undo copy.
        pmem.set(entry.bytes.subarray(entry.dirtyLo, entry.dirtyHi), entry.owner.offset + entry.dirtyLo);
      } else {
        if (3 * count + 3 > this.scratchRanges.length) this.scratchRanges = grow(this.scratchRanges, 3 * count + 3);
        if (bytes + length > this.scratchBytes.length) this.scratchBytes = grow(this.scratchBytes, bytes + length);
        this.scratchRanges[3 * count] = entry.owner.offset + entry.dirtyLo;
        this.scratchRanges[3 * count + 1] = length;
        this.scratchRanges[3 * count + 2] = bytes;
        this.scratchBytes.set(entry.bytes.subarray(entry.dirtyLo, entry.dirtyHi), bytes);
        count++;
        bytes += length;
      }
      this.session.stats.bytesPersisted += length;
    }
    if (count === 0) return;
    if (this.nativeOpen) {
      this.session.native.txWriteBatch(this.scratchRanges, this.scratchBytes, 0, count);
    } else {
      this.session.native.runBatch(this.scratchRanges, this.scratchBytes, 0, count);
      this.session.stats.drains++;
    }
    this.session.stats.snapshots += count;
    this.session.stats.snapshotBytes += bytes;
  }

  private finish(committed: boolean): void {
    const session = this.session;
    if (committed) {
      for (const { state, offset } of this.freed) session.forget(state, offset);
      for (const entry of this.dirty) entry.clean();
      // The fresh mark (no snapshot needed) holds only in the transaction that allocated the object,
      // whether or not it was stored to there.
      for (const state of this.allocated) if (state.cache !== null) state.cache.fresh = false;
    } else {
      // Restore frees first: an object allocated and freed in this transaction must end up dead.
      for (const { state, offset } of this.freed) state.offset = offset;
      for (const state of this.allocated) {
        session.forget(state, state.offset);
        state.offset = DEAD;
      }
      // The pool's copy of these slots was rolled back: bring the DRAM copies of the objects that
      // live on (frees restored above) back in line with it.
      for (const { state, at, length } of session.native.closed ? [] : this.throughSlots) {
        const entry = state.cache;
        if (state.offset !== DEAD && entry !== null) entry.bytes.set(session.pmemBytes().subarray(state.offset + at, state.offset + at + length), at);
      }
      for (const entry of this.dirty) session.cache?.drop(entry);
    }
    // Setting an array's length is a runtime call: skip it for the (usual) empty lists.
    if (this.allocated.length !== 0) this.allocated.length = 0;
    if (this.freed.length !== 0) this.freed.length = 0;
    if (this.dirty.length !== 0) this.dirty.length = 0;
    if (this.throughSlots.length !== 0) this.throughSlots.length = 0;
    this.depth = 0;
    this.id = IDLE;
    runningSession = null;
    session.cache?.evictToBudget();
  }
}

function grow<T extends Float64Array | Uint8Array>(array: T, needed: number): T {
  const next = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}
