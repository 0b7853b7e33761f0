/**
 * Reachability garbage collection: mark from the root record (schema catalog, user root) and the
 * pinned objects through every reference kind (see reachability.ts), then free every allocation the
 * mark did not reach, in bounded transactions. Freeing only the unreachable is what makes a crash
 * harmless: each transaction commits or rolls back whole, nothing it frees is reachable, and a rerun
 * marks again and frees what is left.
 */
import { TransactionError } from '@pmemts/native';
import type { PoolSession } from '../pool/PoolSession';
import { heapKinds } from './heap-kinds';
import { pinnedObjects } from './pins';
import { followingHooks, listHeap, rootRecordTargets, walkReachable } from './reachability';

/** Options of `pool.collect`. */
export interface CollectOptions {
  /** List what would be freed, free nothing. @defaultValue false */
  dryRun?: boolean;
  /** Allocations freed per transaction (a crash loses at most one batch's progress, never data). @defaultValue 512 */
  batchSize?: number;
}

/** One unreachable allocation. */
export interface CollectedAllocation {
  /** Its offset in the pool. */
  readonly offset: number;
  /** Its class name, or pmemts's own kind in parentheses (`(heap string/bytes)`, `(collection node)`, ...). */
  readonly type: string;
  /** Its usable size in bytes. */
  readonly bytes: number;
}

/** What `pool.collect` found and did. */
export interface CollectReport {
  /** True when nothing was freed (`dryRun`). */
  readonly dryRun: boolean;
  /** Allocations in the heap before the collection. */
  readonly allocations: number;
  /** Allocations reachable from the root record and the pins. */
  readonly reachable: number;
  /** Pinned objects (extra roots). */
  readonly pinned: number;
  /** Allocations of pmemts features the walk does not follow (e.g. regions): never collected. */
  readonly kept: number;
  /** Every unreachable allocation: freed, or (dry run) to be freed. */
  readonly collected: CollectedAllocation[];
  /** Their usable bytes in total. */
  readonly bytes: number;
  /** Transactions the frees took (0 in a dry run). */
  readonly transactions: number;
  /** Live views of this process that read as freed afterwards (InvalidObjectError OBJECT_FREED). */
  readonly viewsFreed: number;
  /** The rule of what is garbage, repeated in every report so a dry run's reader sees it: an object reachable only through `pool.objects()` is collected unless pinned. */
  readonly rule: string;
}

const DEFAULT_BATCH = 512;

/** The rule every report repeats: what `objects()` finds is not kept. */
const RULE = 'An object reachable only through pool.objects() is garbage: reach it from the root, or pin it (pool.pin(obj), pool.create(Class, init, { pinned: true })).';

export function collect(session: PoolSession, rootRecord: number, options: CollectOptions): CollectReport {
  if (session.tx.active) throw new TransactionError('collect: cannot collect inside a transaction (it commits its own)', 'TX_OPEN');
  const dryRun = options.dryRun ?? false;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  // The walk reads the pool: write-back objects' DRAM copies may hold refs the pool has not seen.
  session.flush(true);
  const heap = listHeap(session);
  const kinds = heapKinds(session, heap, 'collect');
  const pins = pinnedObjects(session, rootRecord);
  const reached = walkReachable(session, heap, [...rootRecordTargets(session, rootRecord), ...pins], followingHooks(session, heap, 'collect'));
  const collected: CollectedAllocation[] = [];
  let kept = 0;
  let bytes = 0;
  for (const [offset, typeNum] of heap) {
    if (reached.has(offset)) continue;
    const type = kinds.nameOf(typeNum);
    if (type === undefined) {
      kept++;
      continue;
    }
    const size = session.native.usableSize(offset);
    collected.push({ offset, type, bytes: size });
    bytes += size;
  }
  let transactions = 0;
  let viewsFreed = 0;
  if (!dryRun) {
    for (let i = 0; i < collected.length; i += batchSize) {
      session.tx.atomically(() => {
        for (const { offset, type } of collected.slice(i, i + batchSize)) {
          const state = session.liveViewState(offset);
          if (state !== null) viewsFreed++;
          session.tx.free(state, offset, `collect(${type})`);
        }
      });
      transactions++;
    }
  }
  return { dryRun, allocations: heap.size, reachable: reached.size, pinned: pins.length, kept, collected, bytes, transactions, viewsFreed, rule: RULE };
}

/** Checks `pool.collect`'s options. @throws {TypeError} naming the bad option. */
export function checkCollectOptions(options: unknown): CollectOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('collect: options must be an object');
  const { dryRun, batchSize } = options as CollectOptions;
  if (dryRun !== undefined && typeof dryRun !== 'boolean') throw new TypeError('collect: options.dryRun must be a boolean');
  if (batchSize !== undefined && (!Number.isSafeInteger(batchSize) || batchSize < 1)) throw new TypeError('collect: options.batchSize must be a positive integer');
  return { dryRun, batchSize };
}
