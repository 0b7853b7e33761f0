/**
 * Defragmentation: pmemobj_defrag moves objects out of runs under half full, lower in the heap, with
 * every pointer to them: the PMEMoids where they live, the raw offsets through the journal
 * (defrag-journal.ts). Pinned objects and the schema catalog stay where they are (their pointers are
 * JSON and the root record's catalog word, which the journal itself depends on). Afterwards the
 * process's live views of moved objects point at the new places (PoolSession.relocateViews) and write-back DRAM
 * copies are dropped (they hold the old pointers); iterators of maps and vectors made before fail.
 */
import { TransactionError } from '@pmemts/native';
import { CATALOG_TYPE_NUM } from '@pmemts/decorators';
import { readOffset } from '../collections/node-format';
import type { PoolSession } from '../pool/PoolSession';
import { finishJournal, containerOidAt, targetOidAt, witnessTarget, writeJournal } from './defrag-journal';
import { heapKinds } from './heap-kinds';
import { collectionSession } from '../collections/collection-session';
import { pinnedObjects } from './pins';
import { listPointers } from './pointer-map';
import { listHeap } from './reachability';
import { spaceUsage, type SpaceUsage } from './space-usage';

/** What `pool.defrag` did. */
export interface DefragReport {
  /** Objects that could move (every pointer to them known): what pmemobj_defrag was given. */
  readonly candidates: number;
  /** Pointer locations given to pmemobj_defrag (PMEMoids in place and journal entries). */
  readonly pointers: number;
  /** Objects pmemobj_defrag looked at (`pobj_defrag_result.total`). */
  readonly total: number;
  /** Objects it moved (`pobj_defrag_result.relocated`). */
  readonly relocated: number;
  /** Live views of this process now pointing at their object's new place. */
  readonly viewsRelocated: number;
  /** Heap occupancy before. */
  readonly before: SpaceUsage;
  /** Heap occupancy after. */
  readonly after: SpaceUsage;
}

export function defrag(session: PoolSession, rootRecord: number): DefragReport {
  if (session.tx.active) throw new TransactionError('defrag: cannot defragment inside a transaction', 'TX_OPEN');
  const native = session.native;
  // Pointers are read from the pool: write-back copies go there first, and are dropped after.
  session.flush(true);
  if (native.ctlGet('stats.enabled') === 0) native.ctlSet('stats.enabled', 1);
  const heap = listHeap(session);
  const kinds = heapKinds(session, heap, 'defrag');
  const before = spaceUsage(session, heap);
  const pinned = new Set(pinnedObjects(session, rootRecord));
  const movable = (offset: number) => {
    const typeNum = heap.get(offset);
    return typeNum !== undefined && typeNum !== CATALOG_TYPE_NUM && kinds.nameOf(typeNum) !== undefined && !pinned.has(offset);
  };
  const map = listPointers(session, rootRecord, heap);
  const dv = session.dv;
  const oids = map.oids.filter((at) => movable(readOffset(dv, at + 8)));
  const raws = map.raws.filter((p) => movable(p.target));
  const targets = [...new Set([...oids.map((at) => readOffset(dv, at + 8)), ...raws.map((p) => p.target)])];
  const journal = writeJournal(session, rootRecord, targets, raws);
  const locations = [...oids];
  for (let i = 0; i < journal.entries; i++) {
    locations.push(targetOidAt(journal, i));
    // A container's PMEMoid is given only when the container may move: naming it makes it a candidate.
    if (i >= journal.witnesses && movable(raws[i - journal.witnesses].container)) locations.push(containerOidAt(journal, i));
  }
  let result: { total: number; relocated: number };
  const moves = new Map<number, number>();
  let viewsRelocated = 0;
  try {
    result = native.defrag(Float64Array.from(locations));
  } finally {
    // Also after a failure: objects moved before it must get their raw pointers and views back.
    targets.forEach((from, i) => {
      const to = witnessTarget(session, journal, i);
      if (to !== from) moves.set(from, to);
    });
    finishJournal(session, rootRecord, journal.table);
    session.cache?.clear();
    viewsRelocated = session.relocateViews(moves);
    collectionSession(session).invalidateIterators();
  }
  const after = spaceUsage(session, listHeap(session));
  return { candidates: targets.length, pointers: locations.length, total: result.total, relocated: result.relocated, viewsRelocated, before, after };
}
