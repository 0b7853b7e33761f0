/**
 * What live objects, collections and codecs need from the pool session they belong to. PoolSession
 * implements it; the folders below pool/ depend on this interface, not on the session class.
 */
import type { NativePool } from '@pmemts/native';
import type { CacheEntry } from '../cache/CacheEntry';
import type { TypeLayout } from '../layout';
import type { PoolStats } from '../pool/stats';
import type { HeatRecorder } from '../heat/HeatRecorder';
import type { TransactionState } from '../tx/TransactionState';
import type { CodecHost } from './codecs';
import type { View, ViewState } from './view-state';

export interface SessionHost extends CodecHost {
  readonly native: NativePool;
  /** The mapping (replaced by an empty view at close). */
  readonly dv: DataView;
  readonly stats: PoolStats;
  /** Write heat, when the pool records it (`heat: true`); null otherwise. */
  readonly heat: HeatRecorder | null;
  readonly tx: TransactionState;
  /** Throws the error for a view that cannot be used any more (freed, or its pool closed). */
  deadView(state: ViewState): never;
  /** The object's DRAM copy under write-back, loaded on a miss. */
  loadCache(state: ViewState): CacheEntry;
  /** Records a write-back copy dirtied at the Flush/None level, for the next flush. */
  noteFlushDirty(entry: CacheEntry): void;
  /** Flushes and fences [offset, offset + length) of the mapping. */
  persistRange(offset: number, length: number): void;
  /** A view of the struct of class `layout` embedded at `rel` in the object of `state`. */
  structView(layout: TypeLayout, state: ViewState, rel: number): View;
}
