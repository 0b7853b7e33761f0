/**
 * The reachability walk over a pool's bytes, shared by the deep check (which validates every edge),
 * the collector (which marks) and defragmentation (which lists every pointer location): from the
 * root record (catalog, user root) and the pinned objects, through ref fields (embedded structs
 * included), heap string/bytes slots, and map/vector fields (header, nodes, ref values). It reads the
 * pool, not DRAM copies: callers flush write-back objects first.
 */
import { PoolCorruptError } from '@pmemts/native';
import { BLOB_TYPE_NUM } from '@pmemts/decorators';
import { checkCollectionField, isCollectionField } from '../collections/collection-field';
import type { CollectionReport } from '../collections/tree-invariants';
import type { FieldLayout, TypeLayout } from '../layout';
import { RootField } from '../pool/catalog';
import type { PoolSession } from '../pool/PoolSession';

/** Every allocation of the heap, offset -> type number, in heap order. */
export type HeapMap = ReadonlyMap<number, number>;

/** What each kind of edge does; each hook returns what to follow, so a checker can refuse bad edges. */
export interface ReachabilityHooks {
  /** A ref field's PMEMoid at pool address `at` (in the object at `from`): the target to follow, or 0. */
  ref(at: number, from: number, field: FieldLayout): number;
  /** A heap string/bytes slot at `at` naming a non-zero `blob`: whether to follow it. */
  slot(at: number, blob: number, from: number, field: FieldLayout): boolean;
  /** A map/vector field slot at `at` of `owner`: the allocations to follow (header, nodes, objects its ref values name). */
  collection(at: number, field: FieldLayout, owner: TypeLayout, from: number): number[];
}

/** Lists the heap: every allocation's offset and type number (pmemobj_first/next). */
export function listHeap(session: PoolSession, onProgress?: (listed: number) => void): Map<number, number> {
  const native = session.native;
  const heap = new Map<number, number>();
  for (let off = native.first(); off !== 0; off = native.next(off)) {
    heap.set(off, native.typeNum(off));
    if (onProgress !== undefined && heap.size % 1000 === 0) onProgress(heap.size);
  }
  return heap;
}

/** The allocations the root record names: the schema catalog and the user root object. */
export function rootRecordTargets(session: PoolSession, rootRecord: number): number[] {
  const dv = session.dv;
  return [Number(dv.getBigUint64(rootRecord + RootField.catalogOff, true)), Number(dv.getBigUint64(rootRecord + RootField.userRoot, true))];
}

/**
 * Walks from `roots` and returns every allocation of `heap` reached (roots included when they are
 * allocations of `heap`). Objects of unknown type, or smaller than their class, are reached but not
 * looked into.
 */
export function walkReachable(session: PoolSession, heap: HeapMap, roots: readonly number[], hooks: ReachabilityHooks): Set<number> {
  const layouts = new Map(session.layouts().map((l) => [l.typeNum, l]));
  const native = session.native;
  const dv = session.dv;
  const reached = new Set<number>();
  const queue: number[] = [];
  const reach = (off: number) => {
    if (off !== 0 && heap.has(off) && !reached.has(off)) {
      reached.add(off);
      queue.push(off);
    }
  };
  const visitFields = (base: number, layout: TypeLayout, from: number): void => {
    for (const field of layout.fields) {
      const at = base + field.offset;
      if (isCollectionField(field)) hooks.collection(at, field, layout, from).forEach(reach);
      else if (field.kind === 'ref') reach(hooks.ref(at, from, field));
      else if (field.kind === 'struct') visitFields(at, field.struct as TypeLayout, from);
      else if (field.kind === 'heapString' || field.kind === 'heapBytes') {
        const blob = Number(dv.getBigUint64(at, true));
        if (blob !== 0 && hooks.slot(at, blob, from, field)) reach(blob);
      }
    }
  };
  roots.forEach(reach);
  while (queue.length > 0) {
    const off = queue.pop()!;
    const layout = layouts.get(heap.get(off)!);
    if (layout !== undefined && native.usableSize(off) >= layout.size) visitFields(off, layout, off);
  }
  return reached;
}

/** The objects a collection's ref values name (slots whose PMEMoid is of this pool). */
export function collectionRefTargets(session: PoolSession, field: FieldLayout, report: CollectionReport): number[] {
  if (field.value?.kind !== 'ref') return [];
  const dv = session.dv;
  const targets: number[] = [];
  for (const slot of report.values) {
    const off = Number(dv.getBigUint64(slot + 8, true));
    if (off !== 0 && dv.getBigUint64(slot, true) === session.uuidLo) targets.push(off);
  }
  return targets;
}

/**
 * Hooks that follow every edge that names an allocation of the right kind: what the collector and
 * defragmentation need (the deep check brings its own). A collection that breaks its invariants
 * stops them: its nodes might not all be found, and what is not found would be freed or left behind.
 * `onCollection` sees each sound collection's report (its nodes and value slots).
 * @throws {PoolCorruptError} COLLECTION_CORRUPT for such a collection, naming `what` was refused.
 */
export function followingHooks(session: PoolSession, heap: HeapMap, what: string, onCollection?: (at: number, field: FieldLayout, report: CollectionReport) => void): ReachabilityHooks {
  const dv = session.dv;
  const native = session.native;
  const allocation = (offset: number) => {
    const typeNum = heap.get(offset);
    return typeNum === undefined ? null : { typeNum, usableSize: native.usableSize(offset) };
  };
  return {
    ref: (at) => (dv.getBigUint64(at, true) === session.uuidLo ? Number(dv.getBigUint64(at + 8, true)) : 0),
    slot: (_at, blob) => heap.get(blob) === BLOB_TYPE_NUM,
    collection: (at, field, owner, from) => {
      const report = checkCollectionField(session, owner, field, at, allocation);
      if (report === null) return [];
      if (report.problems.length > 0) {
        throw new PoolCorruptError(`${what}: the ${owner.name}.${field.name} collection of the object at ${from} is damaged (${report.problems[0]}); run pmemts check`, 'COLLECTION_CORRUPT');
      }
      onCollection?.(at, field, report);
      return [...report.nodes, ...collectionRefTargets(session, field, report)];
    },
  };
}
