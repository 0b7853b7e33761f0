/**
 * What a transaction needs from its pool session. PoolSession implements it; tx/ depends on this
 * interface, not on the session class.
 */
import type { NativePool } from '@pmemts/native';
import type { DramCache } from '../cache/DramCache';
import type { PoolStats } from '../pool/stats';
import type { HeatRecorder } from '../heat/HeatRecorder';
import type { ViewState } from '../objects/view-state';

export interface TxHost {
  readonly native: NativePool;
  readonly stats: PoolStats;
  /** Write heat, when the pool records it (`heat: true`); null otherwise. */
  readonly heat: HeatRecorder | null;
  readonly cache: DramCache | null;
  /** The whole mapping as bytes (throws once the pool is closed). */
  pmemBytes(): Uint8Array;
  /** Drops a view from the identity map and its DRAM copy (freed, or its allocation rolled back). */
  forget(state: ViewState, offset: number): void;
}
