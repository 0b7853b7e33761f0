/**
 * The running transaction of one pool session. libpmemobj's transaction is begun lazily, by the first
 * snapshot or allocation, in the same native call (txBeginAddRange, txBeginAlloc), and committed and
 * ended in one (txCommitEnd); a write-back transaction that only stores crosses N-API once, at commit
 * (WriteBackCommit). Nested runTransaction calls only change `depth` (libpmemobj flattens nesting the same way).
 */
import { TransactionError, TxStage } from '@pmemts/native';
import type { CacheEntry } from '../cache/CacheEntry';
import { DEAD, type ViewState } from '../objects/view-state';
import type { TxHost } from './tx-host';
import { WriteBackCommit } from './WriteBackCommit';

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
  private readonly writeBack: WriteBackCommit;

  constructor(private readonly session: TxHost) {
    this.writeBack = new WriteBackCommit(session.native, session.stats, session.heat);
  }

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

  private requireRunning(what: string): void {
    if (this.depth === 0) throw new TransactionError(`${what} must run inside runTransaction()`, 'TX_REQUIRED');
  }

  /** Opens libpmemobj's transaction if this one has not yet. */
  private ensureNative(what: string): void {
    this.requireRunning(what);
    if (!this.nativeOpen) {
      this.session.native.txBegin();
      this.nativeOpen = true;
    }
  }

  /** Undo-logs [offset, offset + size), opening libpmemobj's transaction in the same call when it is the first. */
  private addRange(offset: number, size: number, what: string): void {
    this.requireRunning(what);
    const stats = this.session.stats;
    if (this.nativeOpen) {
      this.session.native.txAddRange(offset, size);
    } else {
      // On failure the native side has ended what it began: nothing is open.
      this.session.native.txBeginAddRange(offset, size);
      this.nativeOpen = true;
    }
    stats.snapshots++;
    stats.snapshotBytes += size;
    this.session.heat?.snapshot(offset, size);
  }

  /** Undo-logs the bytes a store is about to change; whole small objects once per transaction. */
  snapshot(state: ViewState, at: number, size: number, what: string): void {
    if (state.layout.size <= WHOLE_OBJECT_SNAPSHOT_LIMIT) {
      this.addRange(state.offset, state.layout.size, what);
      state.snapshotTx = this.id;
    } else {
      this.addRange(state.offset + at, size, what);
    }
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
    this.addRange(offset, size, what);
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
    this.requireRunning(what);
    let offset: number;
    if (this.nativeOpen) {
      offset = this.session.native.txAlloc(size, typeNum, 1 /* XAllocFlags.Zero */);
    } else {
      offset = this.session.native.txBeginAlloc(size, typeNum, 1 /* XAllocFlags.Zero */);
      this.nativeOpen = true;
    }
    // libpmemobj flushes the new object's bytes when the transaction commits.
    this.session.heat?.flushed(offset, size);
    return offset;
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

  /** Commits in one native call: the dirty write-back ranges with it, when there are any. Aborts on failure. */
  commit(): void {
    try {
      // The fused native calls end libpmemobj's transaction whether they succeed or throw.
      const inTransaction = this.nativeOpen;
      const pmem = this.session.pmemBytes();
      this.nativeOpen = false;
      if (this.dirty.length !== 0) {
        this.writeBack.commit(this.dirty, inTransaction, pmem);
      } else if (inTransaction) {
        const err = this.session.native.txCommitEnd();
        if (err !== 0) throw new TransactionError(`commit failed with errno ${err}`, 'TX_FAILED', err);
        this.session.stats.drains++;
      }
    } catch (error) {
      // A throw before the fused call reached libpmemobj leaves its transaction open: abort it too.
      const native = this.session.native;
      if (!native.closed && native.txStage() !== TxStage.None) this.nativeOpen = true;
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
        if (state.offset !== DEAD && entry !== null) entry.bytes.set(session.pmemBytes().subarray(state.offset + at, state.offset + at + length), entry.at + at);
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
