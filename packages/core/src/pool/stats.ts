/** Counters of one open pool; `pool.stats()` returns a copy. */
export interface PoolStats {
  /** Transactions committed (nested calls count once, with their outermost transaction). */
  commits: number;
  /** Transactions aborted (a throw in the closure, or a failure while committing). */
  aborts: number;
  /** Undo-log snapshots taken (pmemobj_tx_add_range calls, batched ones included). */
  snapshots: number;
  /** Bytes those snapshots copied into the undo log. */
  snapshotBytes: number;
  /** Write-back commits made through libpmemobj's redo log (the action API) instead of the undo log. */
  redoCommits: number;
  /** 8-byte words those redo commits wrote. */
  redoWords: number;
  /** Bytes made persistent by commits, flushes and persisting stores. */
  bytesPersisted: number;
  /** Persist/flush calls outside transactions (Flush level). */
  flushes: number;
  /** Fences: one per commit that wrote, one per explicit flush batch. */
  drains: number;
  /** Field reads of write-back objects served by their DRAM copy. */
  cacheHits: number;
  /** Field reads of write-back objects that had to copy the object into DRAM first. */
  cacheMisses: number;
  /** DRAM copies dropped (clean) or written back (dirty) to stay within `cacheBytes`. */
  cacheEvictions: number;
  /** Bytes of DRAM copies currently held by the write-back tier. */
  dramBytes: number;
}

export function emptyStats(): PoolStats {
  return {
    commits: 0,
    aborts: 0,
    snapshots: 0,
    snapshotBytes: 0,
    redoCommits: 0,
    redoWords: 0,
    bytesPersisted: 0,
    flushes: 0,
    drains: 0,
    cacheHits: 0,
    cacheMisses: 0,
    cacheEvictions: 0,
    dramBytes: 0,
  };
}
