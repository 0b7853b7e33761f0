/**
 * The pmemts deep check of an open pool: every heap object has a known type and decodes; every ref
 * points at a live object of its class; every heap slot at a live blob; and everything is reachable
 * from the root record (what is not is a leak).
 */
import { BLOB_TYPE_NUM } from '@pmemts/decorators';
import { checkCollectionField } from '../collections/collection-field';
import type { PoolSession } from './PoolSession';
import { rootRecordTargets, walkReachable } from '../space/reachability';
import { pinnedObjects } from '../space/pins';
import { RESERVED_ALLOCATION_NAMES, WALKED_RESERVED_TYPE_NUMS } from './reserved-allocations';
import { directoryAllocations } from '../regions/region-directory';
import type { FieldLayout, TypeLayout } from '../layout';

/** One problem the deep check found. */
export interface CheckProblem {
  /**
   * `dangling-ref`: a ref names no live object of its class (it was freed while still referenced).
   * `dangling-slot`: a heap string/bytes slot names no live blob, a blob shorter than its length, or a
   * blob another slot names too (a slot left pointing at freed memory that was allocated again).
   * `bad-collection`: a map or vector breaks an invariant (tree order, fill, counts, leaf chain, a node
   * reached twice; see collections/tree-invariants.ts), or holds a value that does not decode.
   */
  readonly kind: 'unknown-type' | 'undersized' | 'bad-field' | 'dangling-ref' | 'dangling-slot' | 'bad-collection' | 'leak';
  /** `Class@offset` (or `type#n@offset` for unknown types). */
  readonly object: string;
  /** The field at fault, when the problem is one field's. */
  readonly field?: string;
  /** What is wrong, in words. */
  readonly message: string;
}

/** What `Pool.deepCheck` found; the pool is sound when `problems` is empty. */
export interface CheckReport {
  /** Allocations in the heap (objects, heap strings/bytes, collection nodes, the catalog). */
  readonly objects: number;
  /** Allocations reachable from the root record (the catalog and the root object). */
  readonly reachable: number;
  /** Allocations by class name (pmemts's own in parentheses, unknown type numbers as `type#n`). */
  readonly byType: Record<string, number>;
  /** Every problem found, in heap order; empty for a sound pool. */
  readonly problems: CheckProblem[];
}

/** What the deep check has done: allocations listed (the total is not known yet), then objects checked out of `total`. */
export type DeepCheckProgress = (done: number, phase: 'listing' | 'checking', total?: number) => void;

export function deepCheck(session: PoolSession, rootRecord: number, onProgress?: DeepCheckProgress): CheckReport {
  const native = session.native;
  const layouts = new Map(session.layouts().map((l) => [l.typeNum, l]));
  const problems: CheckProblem[] = [];
  const heap = new Map<number, number>(); // offset -> type number
  const byType: Record<string, number> = {};
  for (let off = native.first(); off !== 0; off = native.next(off)) {
    const typeNum = native.typeNum(off);
    heap.set(off, typeNum);
    const name = RESERVED_ALLOCATION_NAMES.get(typeNum) ?? layouts.get(typeNum)?.name ?? `type#${typeNum}`;
    byType[name] = (byType[name] ?? 0) + 1;
    if (heap.size % 1000 === 0) onProgress?.(heap.size, 'listing');
  }
  const dv = session.dv;
  const u64 = (at: number) => Number(dv.getBigUint64(at, true));
  // Regions and block stores are named by the catalog's directories: roots of their own, with no fields to check.
  const directory = directoryAllocations(session, rootRecord);
  const name = (off: number) =>
    directory.get(off) ?? `${RESERVED_ALLOCATION_NAMES.get(heap.get(off) ?? -1) ?? layouts.get(heap.get(off) ?? -1)?.name ?? `type#${heap.get(off)}`}@${off}`;

  let checked = 0;
  for (const [off, typeNum] of heap) {
    if (++checked % 1000 === 0) onProgress?.(checked, 'checking', heap.size);
    if (WALKED_RESERVED_TYPE_NUMS.has(typeNum) || directory.has(off)) continue;
    const layout = layouts.get(typeNum);
    if (layout === undefined) {
      problems.push({ kind: 'unknown-type', object: name(off), message: `type number ${typeNum} is not in the schema catalog` });
      continue;
    }
    if (native.usableSize(off) < layout.size) {
      problems.push({ kind: 'undersized', object: name(off), message: `allocation of ${native.usableSize(off)} bytes is smaller than ${layout.name} (${layout.size})` });
      continue;
    }
    const view = session.viewAt(layout, off) as Record<string, unknown>;
    for (const field of layout.fields) {
      try {
        void view[field.name];
      } catch (error) {
        const code = (error as { code?: string }).code;
        const kind = code === 'DANGLING_REF' || code === 'REF_TYPE_MISMATCH' ? 'dangling-ref' : 'bad-field';
        problems.push({ kind, object: name(off), field: field.name, message: (error as Error).message });
      }
    }
  }

  // Follow refs and heap slots from the roots, straight from the bytes, checking every edge.
  const slotOwner = new Map<number, string>(); // blob -> the slot that names it
  const nodeOwner = new Map<number, string>(); // collection header or node -> the field whose collection holds it
  const allocation = (offset: number) => {
    const typeNum = heap.get(offset);
    return typeNum === undefined ? null : { typeNum, usableSize: native.usableSize(offset) };
  };
  /** A map or vector: its invariants, its nodes owned once, its values decoded, the objects it refers to reached. */
  const visitCollection = (at: number, field: FieldLayout, owner: TypeLayout, from: number): number[] => {
    const where = `${name(from)}.${field.name}`;
    const bad = (message: string) => problems.push({ kind: 'bad-collection', object: name(from), field: field.name, message });
    const report = checkCollectionField(session, owner, field, at, allocation);
    if (report === null) return [];
    report.problems.forEach(bad);
    const follow: number[] = [];
    for (const node of report.nodes) {
      if (nodeOwner.has(node)) bad(`node ${node} also belongs to ${nodeOwner.get(node)}`);
      else {
        nodeOwner.set(node, where);
        follow.push(node);
      }
    }
    const value = field.value!;
    if (value.kind === 'string') {
      for (const slot of report.values) if (dv.getUint32(slot, true) > value.maxBytes) bad(`a string value at ${slot} says ${dv.getUint32(slot, true)} bytes, over its maxBytes ${value.maxBytes}`);
    } else if (value.kind === 'ref') {
      const target = layouts.get(session.layoutOfTarget(field).typeNum)!;
      for (const slot of report.values) {
        const off = u64(slot + 8);
        if (off === 0) continue;
        if (heap.get(off) !== target.typeNum || dv.getBigUint64(slot, true) !== session.uuidLo) {
          problems.push({ kind: 'dangling-ref', object: name(from), field: field.name, message: `a ${field.kind} value refers to ${off}, which is not a live ${target.name} of this pool` });
        } else follow.push(off);
      }
    }
    return follow;
  };
  const visitSlot = (at: number, blob: number, from: number, field: FieldLayout): boolean => {
    const slot = `${name(from)}.${field.name}`;
    const dangling = (message: string) => problems.push({ kind: 'dangling-slot', object: name(from), field: field.name, message });
    if (heap.get(blob) !== BLOB_TYPE_NUM) dangling(`heap slot points at ${blob}, which is not a live blob`);
    else if (u64(at + 8) > native.usableSize(blob)) dangling(`heap slot says ${u64(at + 8)} bytes, but the blob at ${blob} holds ${native.usableSize(blob)}`);
    else if (slotOwner.has(blob)) dangling(`the blob at ${blob} is also named by ${slotOwner.get(blob)}`);
    else {
      slotOwner.set(blob, slot);
      return true;
    }
    return false;
  };
  const reached = walkReachable(session, heap, [...rootRecordTargets(session, rootRecord), ...pinnedObjects(session, rootRecord), ...directory.keys()], {
    ref: (at) => u64(at + 8),
    slot: visitSlot,
    collection: visitCollection,
  });
  for (const off of heap.keys()) {
    if (!reached.has(off)) problems.push({ kind: 'leak', object: name(off), message: 'not reachable from the root' });
  }
  return { objects: heap.size, reachable: reached.size, byType, problems };
}
