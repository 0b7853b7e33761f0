/** Counters of one open pool; `pool.stats()` returns a copy. */
export interface PoolStats {
  commits: number;
  aborts: number;
  /** Undo-log snapshots taken (pmemobj_tx_add_range calls, batched ones included). */
  snapshots: number;
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
  cacheHits: number;
  cacheMisses: number;
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
