/**
 * What a migration needs to know about the bytes of an object, from its layout alone (no views, so it
 * works for classes the session did not register): where its references are (ref fields, embedded
 * structs' refs, the values of maps and elements of vectors that are refs), and which allocations it
 * owns (heap strings and bytes, the header and nodes of its maps and vectors).
 */
import { collectionAllocations } from '../collections/collection-field';
import { treeNodes } from '../collections/PMap';
import { LEAF_BITMAP, LEAF_KIND, MapHeader, NODE_KIND, TreeGeometry, VectorHeader, readOffset, valueOffset } from '../collections/node-format';
import type { FieldLayout, TypeLayout } from '../layout';

/** Pool addresses of the 16-byte PMEMoids {uuid_lo, offset} the object at `at` holds. */
export function refSlotsOf(dv: DataView, layout: TypeLayout, at: number, out: number[] = []): number[] {
  for (const f of layout.fields) {
    const p = at + f.offset;
    if (f.kind === 'ref') out.push(p);
    else if (f.kind === 'struct') refSlotsOf(dv, f.struct!, p, out);
    else if ((f.kind === 'map' || f.kind === 'vector') && f.value?.kind === 'ref') collectionRefSlots(dv, f, readOffset(dv, p + 8), out);
  }
  return out;
}

/** The value slots of a map of refs, or the elements of a vector of refs, under `header` (0: never used). */
function collectionRefSlots(dv: DataView, field: FieldLayout, header: number, out: number[]): void {
  if (header === 0) return;
  if (field.kind === 'vector') {
    const data = readOffset(dv, header + VectorHeader.data);
    const stride = dv.getUint32(header + VectorHeader.elementSize, true);
    const length = readOffset(dv, header + VectorHeader.length);
    for (let i = 0; i < length; i++) out.push(data + i * stride);
    return;
  }
  const keySize = dv.getUint16(header + MapHeader.keySize, true);
  const valueAt = valueOffset(keySize, 8); // a ref value is 8-aligned
  const g = new TreeGeometry(keySize, valueAt, dv.getUint16(header + MapHeader.valueSize, true), dv.getUint16(header + MapHeader.leafCap, true), dv.getUint16(header + MapHeader.innerCap, true));
  for (const node of treeNodes(dv, header)) {
    if (dv.getUint32(node + NODE_KIND, true) !== LEAF_KIND) continue;
    const bitmap = dv.getBigUint64(node + LEAF_BITMAP, true);
    for (let i = 0; i < g.leafCap; i++) if ((bitmap >> BigInt(i)) & 1n) out.push(g.slot(node, i) + valueAt);
  }
}

/** One owned value: its first allocation (the blob, or the collection's header) and all of them. */
export interface OwnedGroup {
  readonly head: number;
  readonly allocations: readonly number[];
}

/** The allocations the object at `at` owns, grouped by the slot that names them. */
export function ownedGroupsOf(dv: DataView, layout: TypeLayout, at: number, out: OwnedGroup[] = []): OwnedGroup[] {
  for (const f of layout.fields) {
    const p = at + f.offset;
    if (f.kind === 'struct') ownedGroupsOf(dv, f.struct!, p, out);
    else if (f.kind === 'map' || f.kind === 'vector') {
      const allocations = collectionAllocations(dv, dv, p, f);
      if (allocations.length > 0) out.push({ head: allocations[0], allocations });
    } else if (f.kind === 'heapString' || f.kind === 'heapBytes') {
      const blob = readOffset(dv, p);
      if (blob !== 0) out.push({ head: blob, allocations: [blob] });
    }
  }
  return out;
}

/** The allocations `layout`'s object at `at` owns that `other`'s object at `otherAt` does not share. */
export function ownedNotSharedWith(dv: DataView, layout: TypeLayout, at: number, other: TypeLayout, otherAt: number): number[] {
  const shared = new Set(ownedGroupsOf(dv, other, otherAt).map((g) => g.head));
  return ownedGroupsOf(dv, layout, at).filter((g) => !shared.has(g.head)).flatMap((g) => g.allocations);
}
