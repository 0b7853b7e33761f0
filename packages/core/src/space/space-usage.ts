/**
 * How much of the heap a pool's allocations occupy, before and after a defragmentation: measured from
 * a heap walk (bytes allocated, 256 KiB chunks touched, where the last allocation ends) and read from
 * libpmemobj's own counters (`stats.heap.run_allocated` / `run_active`). Those are transient and
 * count only while `stats.enabled` is on (defrag turns it on when it is off, so they start at zero
 * then; PMEMOBJ_CONF="stats.enabled=1" counts from the open), and run_active counts the runs the
 * allocator has taken into use this session, which defragmentation's recycling raises: they are
 * reported as libpmemobj gives them, the walk's figures are the ones to compare.
 */
import type { PoolSession } from '../pool/PoolSession';
import type { HeapMap } from './reachability';

/** libpmemobj's chunk: runs of small blocks and huge allocations are carved out of these. */
export const CHUNK_BYTES = 256 * 1024;

/** Heap occupancy at one moment. */
export interface SpaceUsage {
  /** Allocations in the heap. */
  readonly allocations: number;
  /** Their usable bytes in total. */
  readonly allocatedBytes: number;
  /** Distinct 256 KiB chunks holding at least one allocation: what the heap really occupies. */
  readonly chunks: number;
  /** 1 − allocatedBytes / (chunks × 256 KiB): the share of the chunks in use that holds nothing (the walk's own fragmentation figure). */
  readonly chunkFragmentation: number;
  /** Pool offset just past the highest allocation. */
  readonly heapEnd: number;
  /** `stats.heap.run_allocated`: bytes allocated in runs, as libpmemobj counts them. */
  readonly runAllocated: number;
  /** `stats.heap.run_active`: bytes of the runs holding them. */
  readonly runActive: number;
  /** 1 − runAllocated / runActive: the share of active run space that holds nothing (0 when no run is active). */
  readonly runFragmentation: number;
}

export function spaceUsage(session: PoolSession, heap: HeapMap): SpaceUsage {
  const native = session.native;
  const chunks = new Set<number>();
  let allocatedBytes = 0;
  let heapEnd = 0;
  for (const offset of heap.keys()) {
    const size = native.usableSize(offset);
    allocatedBytes += size;
    heapEnd = Math.max(heapEnd, offset + size);
    for (let c = Math.floor(offset / CHUNK_BYTES); c <= Math.floor((offset + size - 1) / CHUNK_BYTES); c++) chunks.add(c);
  }
  const runAllocated = native.ctlGet('stats.heap.run_allocated');
  const runActive = native.ctlGet('stats.heap.run_active');
  const runFragmentation = runActive > 0 ? 1 - runAllocated / runActive : 0;
  const chunkFragmentation = chunks.size > 0 ? 1 - allocatedBytes / (chunks.size * CHUNK_BYTES) : 0;
  return { allocations: heap.size, allocatedBytes, chunks: chunks.size, chunkFragmentation, heapEnd, runAllocated, runActive, runFragmentation };
}
