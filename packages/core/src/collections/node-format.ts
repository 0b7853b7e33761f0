/**
 * Byte formats of the collections in the pool (docs/layout.md "Collections" has them as C structs).
 * Offsets inside a tree are plain u64 pool offsets: a tree never leaves its pool. Every multi-byte
 * value is little-endian.
 *
 * Map header (COLLECTION_HEADER_TYPE_NUM, MAP_HEADER_SIZE bytes):
 *   u32 magic 'PMAP' | u16 key_size | u16 value_size | u16 leaf_cap | u16 inner_cap | u32 height |
 *   u64 count | u64 root | u64 first_leaf
 * Leaf (COLLECTION_NODE_TYPE_NUM): unsorted slots, an occupancy bitmap and 1-byte key fingerprints, so
 * an insert writes one free slot and sets one bit, and a delete clears one bit (FPTree):
 *   u32 kind = 1 | u32 0 | u64 bitmap | u8 fp[alignUp(leaf_cap, 8)] | u64 next | u64 prev |
 *   slot[leaf_cap], slot = key (key_size) then value at valueAt, slot_size bytes
 * Inner node (COLLECTION_NODE_TYPE_NUM): sorted; child i holds keys < key i <= child i + 1:
 *   u32 kind = 2 | u32 count | u64 child[inner_cap + 1] | key[inner_cap] (key_size each)
 * Vector header (COLLECTION_HEADER_TYPE_NUM): u32 magic 'PVEC' | u32 element_size | u64 length |
 *   u64 capacity | u64 data, where data is an allocation (COLLECTION_NODE_TYPE_NUM) of capacity elements.
 */
import { alignUp } from '../layout/offsets';

export const MAP_MAGIC = 0x50414d50; // 'PMAP' read little-endian
export const VECTOR_MAGIC = 0x43455650; // 'PVEC' read little-endian

export const MapHeader = { magic: 0, keySize: 4, valueSize: 6, leafCap: 8, innerCap: 10, height: 12, count: 16, root: 24, firstLeaf: 32 } as const;
export const MAP_HEADER_SIZE = 40;

export const VectorHeader = { magic: 0, elementSize: 4, length: 8, capacity: 16, data: 24 } as const;
export const VECTOR_HEADER_SIZE = 32;

export const LEAF_KIND = 1;
export const INNER_KIND = 2;

/** Node header: u32 kind, then u32 (count in inner nodes, 0 in leaves). */
export const NODE_KIND = 0;
export const INNER_COUNT = 4;
export const LEAF_BITMAP = 8;
export const LEAF_FP = 16;
export const INNER_CHILDREN = 8;

/** The bitmap is one u64: a leaf holds at most 64 entries. */
export const MAX_LEAF_CAP = 64;
export const MIN_LEAF_CAP = 4;
export const MIN_INNER_CAP = 3;
export const MAX_INNER_CAP = 1024;
/** Default node sizes aim at one 4 KiB page per node. */
const NODE_BYTES = 4096;

/** Where things are in the nodes of one tree: fixed by its key and value sizes and its capacities. */
export class TreeGeometry {
  readonly slotSize: number;
  readonly leafNext: number;
  readonly leafPrev: number;
  readonly leafSlots: number;
  readonly leafSize: number;
  readonly innerKeys: number;
  readonly innerSize: number;
  /** A non-root leaf holds at least this many entries; a non-root inner node at least this many keys. */
  readonly leafMin: number;
  readonly innerMin: number;

  constructor(
    readonly keySize: number,
    readonly valueAt: number,
    readonly valueSize: number,
    readonly leafCap: number,
    readonly innerCap: number,
  ) {
    this.slotSize = slotSizeOf(valueAt, valueSize);
    this.leafNext = LEAF_FP + alignUp(leafCap, 8);
    this.leafPrev = this.leafNext + 8;
    this.leafSlots = this.leafPrev + 8;
    this.leafSize = this.leafSlots + leafCap * this.slotSize;
    this.innerKeys = INNER_CHILDREN + 8 * (innerCap + 1);
    this.innerSize = this.innerKeys + innerCap * keySize;
    // A quarter: both halves of a split start above it, and a node one under it merges with a sibling
    // at the minimum into a node that fits (2·min − 1 ≤ cap); a richer sibling lends one entry instead.
    this.leafMin = Math.max(1, Math.floor(leafCap / 4));
    this.innerMin = Math.max(1, Math.floor(innerCap / 4));
  }

  slot(leaf: number, i: number): number {
    return leaf + this.leafSlots + i * this.slotSize;
  }

  child(inner: number, i: number): number {
    return inner + INNER_CHILDREN + 8 * i;
  }

  key(inner: number, i: number): number {
    return inner + this.innerKeys + i * this.keySize;
  }
}

/** Bytes of a leaf slot: key, value, padded so every slot starts 8-aligned. */
export function slotSizeOf(valueAt: number, valueSize: number): number {
  return alignUp(valueAt + valueSize, 8);
}

/** Where a slot's value starts: after the key, at the value's alignment. */
export function valueOffset(keySize: number, valueAlign: number): number {
  return alignUp(keySize, valueAlign);
}

/** Default capacities: as many entries as fit a page, within the bitmap's 64 and the minimums. */
export function defaultCapacities(keySize: number, slotSize: number): { leaf: number; inner: number } {
  const leaf = clamp(Math.floor((NODE_BYTES - 48) / slotSize), MIN_LEAF_CAP, MAX_LEAF_CAP);
  const inner = clamp(Math.floor((NODE_BYTES - 16) / (keySize + 8)), MIN_INNER_CAP, MAX_INNER_CAP);
  return { leaf, inner };
}

let capacityOverride: { leaf: number; inner: number } | null = null;

/**
 * Test-only: trees created (first insert into an empty map) while this is set get these node
 * capacities, so a few dozen keys split and merge nodes at every level. The capacities are stored in
 * each tree's header, so a tree keeps them for life. Pass null to go back to the defaults.
 * @throws {RangeError} for a leaf capacity outside [4, 64] or an inner capacity outside [3, 1024].
 */
export function setNodeCapacityForTests(capacity: { leaf: number; inner: number } | null): void {
  if (capacity !== null) {
    const { leaf, inner } = capacity;
    if (!Number.isInteger(leaf) || leaf < MIN_LEAF_CAP || leaf > MAX_LEAF_CAP) throw new RangeError(`capacity.leaf must be an integer in [${MIN_LEAF_CAP}, ${MAX_LEAF_CAP}], got ${leaf}`);
    if (!Number.isInteger(inner) || inner < MIN_INNER_CAP || inner > MAX_INNER_CAP) throw new RangeError(`capacity.inner must be an integer in [${MIN_INNER_CAP}, ${MAX_INNER_CAP}], got ${inner}`);
  }
  capacityOverride = capacity;
}

export function capacitiesForNewTree(keySize: number, slotSize: number): { leaf: number; inner: number } {
  return capacityOverride ?? defaultCapacities(keySize, slotSize);
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

/** Number of set bits of a 32-bit word. */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** A u64 pool offset as a number, without a bigint (offsets stay below 2^53). */
export function readOffset(dv: DataView, at: number): number {
  return dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 0x100000000;
}

export function writeOffset(dv: DataView, at: number, value: number): void {
  dv.setUint32(at, value >>> 0, true);
  dv.setUint32(at + 4, Math.floor(value / 0x100000000), true);
}
