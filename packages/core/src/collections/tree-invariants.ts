/**
 * The invariants of a collection, checked from its bytes: the one checker the deep check and the
 * tests both call. A map's tree: header consistent with the field (magic, key and value sizes,
 * capacities); every node a live node allocation big enough for its kind, reached once; every leaf at
 * the same depth; inner keys strictly increasing; every key inside the bounds its ancestors' keys set
 * (so keys are in order across leaves); fill (non-root nodes at or above the minimum, a non-empty tree's
 * root leaf non-empty, an inner root with at least one key); fingerprints matching their keys; no key
 * twice in a leaf; the leaf chain (next/prev) in key order from first_leaf; counts summing to the header's.
 */
import { COLLECTION_NODE_TYPE_NUM } from '@pmemts/decorators';
import type { KeyCodec } from './element-codecs';
import {
  INNER_COUNT, INNER_KIND, LEAF_BITMAP, LEAF_FP, LEAF_KIND, MAP_MAGIC, MAX_INNER_CAP, MAX_LEAF_CAP, MIN_INNER_CAP, MIN_LEAF_CAP,
  MapHeader, NODE_KIND, TreeGeometry, VECTOR_MAGIC, VectorHeader, readOffset,
} from './node-format';

/** What the checker needs to know of an allocation: its type number and usable size, or null when it is not a live allocation. */
export type AllocationInfo = (offset: number) => { typeNum: number; usableSize: number } | null;

export interface CollectionReport {
  /** Every allocation of the collection, its header first. */
  readonly nodes: number[];
  /** Pool addresses of the stored values (map values, vector elements), for the caller to decode or follow. */
  readonly values: number[];
  readonly problems: string[];
}

export interface MapShape {
  readonly keys: KeyCodec;
  readonly valueSize: number;
  readonly valueAt: number;
}

/** Checks the map tree under `header` (already known to be a live allocation of at least the header's size). */
export function checkMapTree(dv: DataView, header: number, shape: MapShape, allocation: AllocationInfo): CollectionReport {
  const nodes = [header];
  const values: number[] = [];
  const problems: string[] = [];
  const report = { nodes, values, problems };
  const u64 = (at: number) => readOffset(dv, at);
  if (dv.getUint32(header + MapHeader.magic, true) !== MAP_MAGIC) return fail(`header at ${header} has no map magic`);
  const keySize = dv.getUint16(header + MapHeader.keySize, true);
  const valueSize = dv.getUint16(header + MapHeader.valueSize, true);
  if (keySize !== shape.keys.size || valueSize !== shape.valueSize) {
    return fail(`header at ${header} has key/value sizes ${keySize}/${valueSize}, the field's are ${shape.keys.size}/${shape.valueSize}`);
  }
  const leafCap = dv.getUint16(header + MapHeader.leafCap, true);
  const innerCap = dv.getUint16(header + MapHeader.innerCap, true);
  if (leafCap < MIN_LEAF_CAP || leafCap > MAX_LEAF_CAP || innerCap < MIN_INNER_CAP || innerCap > MAX_INNER_CAP) {
    return fail(`header at ${header} has capacities leaf ${leafCap} / inner ${innerCap}, outside [${MIN_LEAF_CAP}, ${MAX_LEAF_CAP}] / [${MIN_INNER_CAP}, ${MAX_INNER_CAP}]`);
  }
  const g = new TreeGeometry(keySize, shape.valueAt, valueSize, leafCap, innerCap);
  const height = dv.getUint32(header + MapHeader.height, true);
  const count = u64(header + MapHeader.count);
  const root = u64(header + MapHeader.root);
  const firstLeaf = u64(header + MapHeader.firstLeaf);
  if (root === 0 || height === 0 || count === 0 || firstLeaf === 0) {
    if (root !== 0 || height !== 0 || count !== 0 || firstLeaf !== 0) {
      problems.push(`an empty tree must have root, height, count and first_leaf all 0; found ${root}, ${height}, ${count}, ${firstLeaf}`);
    }
    return report;
  }
  if (height > 64) return fail(`height ${height} is impossible`);

  const seen = new Set<number>([header]);
  const leaves: number[] = [];
  let entries = 0;
  const keys = shape.keys;
  type Bound = number | null; // pool address of a key, or none
  const inBounds = (at: number, lo: Bound, hi: Bound) => (lo === null || keys.compare(dv, at, dv, lo) >= 0) && (hi === null || keys.compare(dv, at, dv, hi) < 0);

  const visit = (node: number, depth: number, lo: Bound, hi: Bound): void => {
    if (seen.has(node)) {
      problems.push(`node ${node} is reached twice`);
      return;
    }
    seen.add(node);
    const info = allocation(node);
    const isLeaf = depth === height;
    const size = isLeaf ? g.leafSize : g.innerSize;
    if (info === null || info.typeNum !== COLLECTION_NODE_TYPE_NUM || info.usableSize < size) {
      problems.push(`node ${node} at depth ${depth} is not a live node allocation of ${size} bytes`);
      return;
    }
    nodes.push(node);
    const kind = dv.getUint32(node + NODE_KIND, true);
    if (isLeaf) {
      if (kind !== LEAF_KIND) return void problems.push(`node ${node} at the leaf depth ${depth} has kind ${kind}`);
      leaves.push(node);
      const slots: number[] = [];
      for (let i = 0; i < 64; i++) {
        if ((dv.getUint32(node + LEAF_BITMAP + (i >= 32 ? 4 : 0), true) & (1 << (i & 31))) === 0) continue;
        if (i >= leafCap) {
          problems.push(`leaf ${node} has bit ${i} set, beyond its capacity ${leafCap}`);
          continue;
        }
        const at = g.slot(node, i);
        if (dv.getUint8(node + LEAF_FP + i) !== keys.fingerprint(dv, at)) problems.push(`leaf ${node} slot ${i}: fingerprint does not match its key`);
        if (!inBounds(at, lo, hi)) problems.push(`leaf ${node} slot ${i}: key out of order (outside the range its parents give)`);
        if (slots.some((other) => keys.compare(dv, other, dv, at) === 0)) problems.push(`leaf ${node} slot ${i}: key stored twice`);
        slots.push(at);
        values.push(at + shape.valueAt);
      }
      const min = node === root ? 1 : g.leafMin;
      if (slots.length < min) problems.push(`leaf ${node} holds ${slots.length} entries, under the minimum ${min}`);
      entries += slots.length;
      return;
    }
    if (kind !== INNER_KIND) return void problems.push(`node ${node} at inner depth ${depth} has kind ${kind}`);
    const n = dv.getUint32(node + INNER_COUNT, true);
    const min = node === root ? 1 : g.innerMin;
    if (n < min || n > innerCap) return void problems.push(`inner node ${node} holds ${n} keys, outside [${min}, ${innerCap}]`);
    for (let i = 0; i < n; i++) {
      const at = g.key(node, i);
      if (!inBounds(at, lo, hi)) problems.push(`inner node ${node} key ${i} is outside the range its parents give`);
      if (i > 0 && keys.compare(dv, g.key(node, i - 1), dv, at) >= 0) problems.push(`inner node ${node} keys ${i - 1} and ${i} are not increasing`);
    }
    for (let i = 0; i <= n; i++) {
      visit(u64(g.child(node, i)), depth + 1, i === 0 ? lo : g.key(node, i - 1), i === n ? hi : g.key(node, i));
    }
  };
  visit(root, 1, null, null);

  if (leaves[0] !== firstLeaf) problems.push(`first_leaf is ${firstLeaf}, the leftmost leaf is ${leaves[0]}`);
  leaves.forEach((leaf, i) => {
    const next = u64(leaf + g.leafNext);
    const prev = u64(leaf + g.leafPrev);
    const wantNext = leaves[i + 1] ?? 0;
    const wantPrev = leaves[i - 1] ?? 0;
    if (next !== wantNext) problems.push(`leaf chain: leaf ${leaf}.next is ${next}, expected ${wantNext}`);
    if (prev !== wantPrev) problems.push(`leaf chain: leaf ${leaf}.prev is ${prev}, expected ${wantPrev}`);
  });
  if (entries !== count) problems.push(`header count is ${count}, the leaves hold ${entries}`);
  return report;

  function fail(message: string): CollectionReport {
    problems.push(message);
    return report;
  }
}

/** Checks the vector under `header`: magic, element size, length within capacity, a live element array big enough. */
export function checkVector(dv: DataView, header: number, stride: number, allocation: AllocationInfo): CollectionReport {
  const nodes = [header];
  const values: number[] = [];
  const problems: string[] = [];
  const u64 = (at: number) => readOffset(dv, at);
  if (dv.getUint32(header + VectorHeader.magic, true) !== VECTOR_MAGIC) problems.push(`header at ${header} has no vector magic`);
  else if (dv.getUint32(header + VectorHeader.elementSize, true) !== stride) problems.push(`header at ${header} has element size ${dv.getUint32(header + VectorHeader.elementSize, true)}, the field's is ${stride}`);
  else {
    const length = u64(header + VectorHeader.length);
    const capacity = u64(header + VectorHeader.capacity);
    const data = u64(header + VectorHeader.data);
    const info = data === 0 ? null : allocation(data);
    if (length > capacity) problems.push(`length ${length} exceeds capacity ${capacity}`);
    else if (capacity > 0 && (info === null || info.typeNum !== COLLECTION_NODE_TYPE_NUM || info.usableSize < capacity * stride)) {
      problems.push(`element array ${data} is not a live node allocation of ${capacity * stride} bytes`);
    } else if (capacity === 0 && data !== 0) problems.push(`capacity 0 with an element array at ${data}`);
    else {
      if (data !== 0) nodes.push(data);
      for (let i = 0; i < length; i++) values.push(data + i * stride);
    }
  }
  return { nodes, values, problems };
}
