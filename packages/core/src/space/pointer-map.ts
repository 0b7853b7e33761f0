/**
 * Every pointer location of a pool, for defragmentation: the PMEMoids (ref fields, ref values in maps
 * and vectors, map/vector field slots), which pmemobj_defrag can update in place, and the raw u64
 * offsets (heap string/bytes slots, a tree's root, first-leaf, child and leaf-chain words, a vector's
 * data word, the root record's user root), which it cannot (no uuid in front of them): defrag.ts
 * routes those through its journal. Every live object is walked, reachable or not, so no pointer to
 * a moved object is missed, not even one an object found only by `pool.objects()` holds.
 */
import { alignUp } from '../layout/offsets';
import type { FieldLayout } from '../layout';
import { INNER_CHILDREN, INNER_COUNT, LEAF_FP, MapHeader, VectorHeader, readOffset } from '../collections/node-format';
import { RootField } from '../pool/catalog';
import type { PoolSession } from '../pool/PoolSession';
import { followingHooks, walkReachable, type HeapMap } from './reachability';

/** A raw u64 offset at pool address `at`, inside the allocation (or root record) at `container`. */
export interface RawPointer {
  readonly container: number;
  readonly at: number;
  readonly target: number;
}

export interface PointerMap {
  /** Pool addresses of non-null PMEMoids of this pool. */
  readonly oids: number[];
  /** Non-zero raw offsets. */
  readonly raws: RawPointer[];
}

/** The raw pointers inside a map's tree or a vector: header words, inner children, leaf chain. */
function collectionRawPointers(dv: DataView, header: number, kind: FieldLayout['kind']): RawPointer[] {
  const raws: RawPointer[] = [];
  const add = (container: number, at: number) => {
    const target = readOffset(dv, at);
    if (target !== 0) raws.push({ container, at, target });
  };
  if (kind === 'vector') {
    add(header, header + VectorHeader.data);
    return raws;
  }
  add(header, header + MapHeader.root);
  add(header, header + MapHeader.firstLeaf);
  const height = dv.getUint32(header + MapHeader.height, true);
  const leafNext = LEAF_FP + alignUp(dv.getUint16(header + MapHeader.leafCap, true), 8);
  let level = [readOffset(dv, header + MapHeader.root)].filter((n) => n !== 0);
  for (let depth = 1; depth <= height && level.length > 0; depth++) {
    const next: number[] = [];
    for (const node of level) {
      if (depth === height) {
        add(node, node + leafNext);
        add(node, node + leafNext + 8);
        continue;
      }
      const count = dv.getUint32(node + INNER_COUNT, true);
      for (let i = 0; i <= count; i++) {
        add(node, node + INNER_CHILDREN + 8 * i);
        next.push(readOffset(dv, node + INNER_CHILDREN + 8 * i));
      }
    }
    level = next;
  }
  return raws;
}

/** Every pointer location of the pool whose heap is `heap`. */
export function listPointers(session: PoolSession, rootRecord: number, heap: HeapMap): PointerMap {
  const dv = session.dv;
  const oids: number[] = [];
  const raws: RawPointer[] = [];
  const following = followingHooks(session, heap, 'defrag', (at, field, report) => {
    oids.push(at);
    raws.push(...collectionRawPointers(dv, readOffset(dv, at + 8), field.kind));
    if (field.value?.kind === 'ref') {
      for (const slot of report.values) if (readOffset(dv, slot + 8) !== 0 && dv.getBigUint64(slot, true) === session.uuidLo) oids.push(slot);
    }
  });
  walkReachable(session, heap, [...heap.keys()], {
    ref: (at, from, field) => {
      const target = following.ref(at, from, field);
      if (target !== 0) oids.push(at);
      return target;
    },
    slot: (at, blob, from, field) => {
      const follow = following.slot(at, blob, from, field);
      if (follow) raws.push({ container: from, at, target: blob });
      return follow;
    },
    collection: following.collection,
  });
  const userRoot = readOffset(dv, rootRecord + RootField.userRoot);
  if (userRoot !== 0) raws.push({ container: rootRecord, at: rootRecord + RootField.userRoot, target: userRoot });
  return { oids, raws };
}
