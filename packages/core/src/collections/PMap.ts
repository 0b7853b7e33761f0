/**
 * PMap: an ordered map in the pool, a B+ tree whose leaves are unsorted slots with an occupancy
 * bitmap and key fingerprints (formats in node-format.ts). Reads go through the mapping's DataView
 * with no native call; every mutation is a libpmemobj transaction with small undo ranges: an insert
 * logs the slot it writes, the bitmap (with the slot's fingerprint byte) and the count; a delete the
 * bitmap and the count. Inner nodes are logged by the range a change shifts, whole only when they
 * split, merge or lend a key.
 */
import { COLLECTION_HEADER_TYPE_NUM, COLLECTION_NODE_TYPE_NUM } from '@pmemts/decorators';
import { PoolCorruptError } from '@pmemts/native';
import type { FieldLayout, TypeLayout } from '../layout';
import type { SessionHost } from '../objects/session-host';
import type { ViewState } from '../objects/view-state';
import { collectionSession, iteratorInvalidated, type CollectionEpoch, type CollectionSession } from './collection-session';
import { CollectionSlot } from './collection-slot';
import { buildKeyCodec, buildValueCodec, type KeyCodec, type ValueCodec } from './element-codecs';
import {
  INNER_CHILDREN, INNER_COUNT, INNER_KIND, LEAF_BITMAP, LEAF_FP, LEAF_KIND, MAP_HEADER_SIZE, MAP_MAGIC, MapHeader, NODE_KIND,
  TreeGeometry, capacitiesForNewTree, popcount32, readOffset, slotSizeOf, valueOffset, writeOffset,
} from './node-format';

/** Bounds of `PMap.range`: any of gt/gte (lower) and lt/lte (upper), a direction and a count. */
export interface RangeOptions<K> {
  /** Only keys greater than this. */
  gt?: K;
  /** Only keys greater than or equal to this. */
  gte?: K;
  /** Only keys less than this. */
  lt?: K;
  /** Only keys less than or equal to this. */
  lte?: K;
  /** Descending key order. @defaultValue false */
  reverse?: boolean;
  /** At most this many entries. @defaultValue unlimited */
  limit?: number;
}

/** What a map field's accessors share: codecs, slot geometry and scratch memory (one per field per session). */
export class MapType {
  readonly keys: KeyCodec;
  readonly values: ValueCodec;
  readonly valueAt: number;
  readonly slotSize: number;
  readonly what: string;
  readonly collections: CollectionSession;
  /** A slot being written: key at 0, value at valueAt; every byte is validated here before the pool sees one. */
  readonly scratch: DataView;
  readonly scratchBytes: Uint8Array;
  private readonly geometries = new Map<number, TreeGeometry>();
  private lastGeometryId = -1;
  private lastGeometry: TreeGeometry | null = null;

  constructor(readonly session: SessionHost, readonly owner: TypeLayout, readonly field: FieldLayout) {
    this.keys = buildKeyCodec(owner, field, session);
    this.values = buildValueCodec(owner, field, session);
    this.valueAt = valueOffset(this.keys.size, this.values.align);
    this.what = `${owner.name}.${field.name}`;
    this.collections = collectionSession(session);
    this.slotSize = slotSizeOf(this.valueAt, this.values.size);
    this.scratchBytes = new Uint8Array(this.slotSize);
    this.scratch = new DataView(this.scratchBytes.buffer);
  }

  geometry(leafCap: number, innerCap: number): TreeGeometry {
    const id = leafCap * 65536 + innerCap;
    // Every read of a map asks: the last answer skips the Map lookup.
    if (id === this.lastGeometryId) return this.lastGeometry!;
    let geometry = this.geometries.get(id);
    if (geometry === undefined) {
      geometry = new TreeGeometry(this.keys.size, this.valueAt, this.values.size, leafCap, innerCap);
      this.geometries.set(id, geometry);
    }
    this.lastGeometryId = id;
    this.lastGeometry = geometry;
    return geometry;
  }
}

/** A tree as read from its header. */
interface Tree {
  readonly header: number;
  readonly g: TreeGeometry;
  readonly height: number;
  readonly root: number;
}

/**
 * The live map of a map field. Method names and return shapes are Map's. Mutations join the running
 * transaction, or each runs as a transaction of its own (whatever the owning class's persistence
 * level), so an abort or a crash never leaves half an insert. Iterators are lazy and read the pool as
 * they go: a structural change of the map (an insert or delete, by any handle) makes them throw
 * InvalidObjectError COLLECTION_MODIFIED on their next step, never yield garbage.
 */
export class PMap<K = unknown, V = unknown> implements Iterable<[K, V]> {
  private readonly slot: CollectionSlot;
  /** The path of the last descent: node per level (root first) and the child index taken. */
  private readonly pathNodes: number[] = [];
  private readonly pathIndex: number[] = [];

  /** @internal Maps are made by their field's accessor. */
  constructor(private readonly type: MapType, state: ViewState, at: number) {
    if (!(type instanceof MapType)) throw new TypeError("a PMap is not constructed: declare a field @Field({ type: 'map', key, value }) and read it from a live object");
    this.slot = new CollectionSlot(type.session, state, at, type.what);
  }

  /** `'PMap'`, for `Object.prototype.toString`. */
  get [Symbol.toStringTag](): string {
    return 'PMap';
  }

  /** Entries in the map (a counter in its header: O(1)). */
  get size(): number {
    const tree = this.tree();
    return tree === null ? 0 : readOffset(this.type.session.dv, tree.header + MapHeader.count);
  }

  /** The value of `key`, or undefined. @throws {FieldValueError} when `key` is not a key of this map's type. */
  get(key: K): V | undefined {
    const type = this.type;
    type.keys.encode(type.scratch, 0, key);
    const tree = this.tree();
    if (tree === null) return undefined;
    const leaf = this.descend(tree, type.scratch, 0);
    const i = this.findInLeaf(tree.g, leaf, type.scratch, 0);
    return i < 0 ? undefined : (type.values.read(type.session.dv, tree.g.slot(leaf, i) + type.valueAt) as V);
  }

  /** Whether `key` is in the map. @throws {FieldValueError} when `key` is not a key of this map's type. */
  has(key: K): boolean {
    const type = this.type;
    type.keys.encode(type.scratch, 0, key);
    const tree = this.tree();
    if (tree === null) return false;
    return this.findInLeaf(tree.g, this.descend(tree, type.scratch, 0), type.scratch, 0) >= 0;
  }

  /**
   * Sets `key` to `value`; returns the map.
   * @throws {FieldValueError} for a key or value of the wrong type, or a ref to a freed object, an
   * object of another pool or of another class; nothing is changed.
   */
  set(key: K, value: V): this {
    const type = this.type;
    type.keys.encode(type.scratch, 0, key);
    type.values.write(type.scratch, type.valueAt, value);
    const session = type.session;
    session.tx.atomically(() => {
      const tree = this.tree() ?? this.plant();
      const g = tree.g;
      let leaf = this.descend(tree, type.scratch, 0);
      const found = this.findInLeaf(g, leaf, type.scratch, 0);
      const pmem = session.pmemBytes();
      if (found >= 0) {
        const at = g.slot(leaf, found) + type.valueAt;
        type.collections.log(leaf, at, type.values.size, type.what);
        pmem.set(type.scratchBytes.subarray(type.valueAt, type.valueAt + type.values.size), at);
        return;
      }
      if (leaf === 0) leaf = this.plantLeaf(tree);
      else if (this.leafCount(leaf) === g.leafCap) leaf = this.splitLeaf(tree, leaf);
      this.insertIntoLeaf(g, leaf, type.scratchBytes);
      this.addToCount(tree.header, 1);
      type.collections.mutated(this.slot.address());
    });
    return this;
  }

  /** Removes `key`; true when it was there. @throws {FieldValueError} for a key of the wrong type. */
  delete(key: K): boolean {
    const type = this.type;
    type.keys.encode(type.scratch, 0, key);
    const tree = this.tree();
    if (tree === null) return false;
    const leaf = this.descend(tree, type.scratch, 0);
    const i = this.findInLeaf(tree.g, leaf, type.scratch, 0);
    if (i < 0) return false;
    type.session.tx.atomically(() => {
      const collections = type.collections;
      collections.logWord(leaf, leaf + LEAF_BITMAP, type.what);
      this.setBit(leaf, i, false);
      this.addToCount(tree.header, -1);
      this.rebalanceLeaf(tree, leaf);
      collections.mutated(this.slot.address());
    });
    return true;
  }

  /** Removes every entry and frees every node (the header stays, empty). */
  clear(): void {
    const tree = this.tree();
    if (tree === null || tree.root === 0) return;
    const { session, collections, what } = this.type;
    session.tx.atomically(() => {
      for (const node of treeNodes(session.dv, tree.header)) collections.free(node, what);
      this.setHeaderWord(tree.header, MapHeader.root, 0);
      this.setHeaderWord(tree.header, MapHeader.firstLeaf, 0);
      this.setHeaderWord(tree.header, MapHeader.count, 0);
      this.setHeight(tree.header, 0);
      collections.mutated(this.slot.address());
    });
  }

  /** Entries in key order (a lazy cursor over the leaves). */
  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  /** `[key, value]` pairs in key order (a lazy cursor). */
  entries(): IterableIterator<[K, V]> {
    return new MapCursor<K, V, [K, V]>(this, {}, 'entries');
  }

  /** Keys in order (a lazy cursor). */
  keys(): IterableIterator<K> {
    return new MapCursor<K, V, K>(this, {}, 'keys');
  }

  /** Values in key order (a lazy cursor). */
  values(): IterableIterator<V> {
    return new MapCursor<K, V, V>(this, {}, 'values');
  }

  /** Calls `callback(value, key, map)` for each entry in key order, as Map#forEach. @throws {TypeError} when callback is not a function. */
  forEach(callback: (value: V, key: K, map: this) => void, thisArg?: unknown): void {
    if (typeof callback !== 'function') throw new TypeError('PMap.forEach: callback must be a function');
    for (const [k, v] of this.entries()) callback.call(thisArg, v, k, this);
  }

  /**
   * Entries between bounds, lazily, in key order (or reverse).
   * @throws {FieldValueError} for a bound of the wrong type. @throws {RangeError} for a negative or non-integer limit.
   */
  range(options: RangeOptions<K> = {}): IterableIterator<[K, V]> {
    if (typeof options !== 'object' || options === null) throw new TypeError('PMap.range: options must be an object');
    return new MapCursor<K, V, [K, V]>(this, options, 'entries');
  }

  /** The entry with the smallest key, or undefined when empty. */
  first(): [K, V] | undefined {
    return this.range({ limit: 1 }).next().value as [K, V] | undefined;
  }

  /** The entry with the largest key, or undefined when empty. */
  last(): [K, V] | undefined {
    return this.range({ reverse: true, limit: 1 }).next().value as [K, V] | undefined;
  }

  // --- reading ---------------------------------------------------------------------------------

  /** @internal The tree, or null for a map that never held anything. */
  tree(): Tree | null {
    const header = this.slot.header();
    if (header === 0) return null;
    const dv = this.type.session.dv;
    const type = this.type;
    if (dv.getUint32(header + MapHeader.magic, true) !== MAP_MAGIC || dv.getUint16(header + MapHeader.keySize, true) !== type.keys.size || dv.getUint16(header + MapHeader.valueSize, true) !== type.values.size) {
      throw new PoolCorruptError(`${type.what}: the map header at ${header} is not a map of this key and value type (pool data is invalid)`, 'FIELD_CORRUPT');
    }
    const g = type.geometry(dv.getUint16(header + MapHeader.leafCap, true), dv.getUint16(header + MapHeader.innerCap, true));
    return { header, g, height: dv.getUint32(header + MapHeader.height, true), root: readOffset(dv, header + MapHeader.root) };
  }

  /** @internal */
  get mapType(): MapType {
    return this.type;
  }

  /** @internal The pool, class and field this map lives in, and its slot's address. */
  placement(): { session: SessionHost; owner: TypeLayout; field: FieldLayout; slot: number } {
    const { session, owner, field } = this.type;
    return { session, owner, field, slot: this.slot.address() };
  }

  /** @internal Where the field slot is: iterators key their validity on it. */
  slotAddress(): number {
    return this.slot.address();
  }

  /** @internal The leaf whose range holds `key` (at probe+at); records the path. 0 for an empty tree. */
  descend(tree: Tree, probe: DataView, at: number): number {
    const dv = this.type.session.dv;
    const keys = this.type.keys;
    const g = tree.g;
    let node = tree.root;
    if (node === 0) return 0;
    keys.prepare(probe, at);
    for (let level = 0; level < tree.height - 1; level++) {
      let lo = 0;
      let hi = dv.getUint32(node + INNER_COUNT, true);
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys.compareProbe(dv, g.key(node, mid)) >= 0) lo = mid + 1;
        else hi = mid;
      }
      this.pathNodes[level] = node;
      this.pathIndex[level] = lo;
      node = readOffset(dv, g.child(node, lo));
    }
    return node;
  }

  /** @internal The rightmost leaf. */
  lastLeaf(tree: Tree): number {
    const dv = this.type.session.dv;
    let node = tree.root;
    for (let level = 0; level < tree.height - 1 && node !== 0; level++) {
      node = readOffset(dv, tree.g.child(node, dv.getUint32(node + INNER_COUNT, true)));
    }
    return node;
  }

  /** Slot index of the key at probe+at in `leaf`, or -1. */
  private findInLeaf(g: TreeGeometry, leaf: number, probe: DataView, at: number): number {
    if (leaf === 0) return -1;
    const dv = this.type.session.dv;
    const keys = this.type.keys;
    const fp = keys.fingerprint(probe, at);
    keys.prepare(probe, at);
    // Fingerprints first, four bytes a step (a free slot's byte is stale: its bit decides); then the key.
    // A byte equal to fp is a zero byte of word ^ fps4, which the borrow trick flags (with possible
    // false flags above a true one, which the byte check drops).
    const fps4 = Math.imul(fp, 0x01010101);
    const u8 = this.type.session.pmemBytes();
    for (let w = 0; w < g.leafCap; w += 4) {
      const x = dv.getUint32(leaf + LEAF_FP + w, true) ^ fps4;
      let flags = (x - 0x01010101) & ~x & 0x80808080;
      if (flags === 0) continue;
      const used = dv.getUint32(leaf + LEAF_BITMAP + (w < 32 ? 0 : 4), true) >>> (w & 31);
      while (flags !== 0) {
        const byte = (31 - Math.clz32(flags & -flags)) >>> 3;
        flags &= flags - 1;
        const i = w + byte;
        if (((used >>> byte) & 1) !== 0 && i < g.leafCap && u8[leaf + LEAF_FP + i] === fp && keys.compareProbe(dv, g.slot(leaf, i)) === 0) return i;
      }
    }
    return -1;
  }

  private leafCount(leaf: number): number {
    const dv = this.type.session.dv;
    return popcount32(dv.getUint32(leaf + LEAF_BITMAP, true)) + popcount32(dv.getUint32(leaf + LEAF_BITMAP + 4, true));
  }

  /** @internal Occupied slot indexes of `leaf`, in key order. */
  sortedSlots(g: TreeGeometry, leaf: number): number[] {
    const dv = this.type.session.dv;
    const keys = this.type.keys;
    const slots: number[] = [];
    const ranks: number[] = [];
    // Insertion sort as the bitmap is read: a leaf holds at most 64 keys, each rank read once, and
    // comparing numbers inline beats Array#sort's comparator calls; equal ranks go to compare.
    for (let word = 0; word < 2; word++) {
      let bits = dv.getUint32(leaf + LEAF_BITMAP + 4 * word, true);
      while (bits !== 0) {
        const i = 32 * word + 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const at = g.slot(leaf, i);
        const rank = keys.rank(dv, at);
        let p = slots.length;
        slots.push(i);
        ranks.push(rank);
        while (p > 0 && (ranks[p - 1] > rank || (ranks[p - 1] === rank && keys.compare(dv, g.slot(leaf, slots[p - 1]), dv, at) > 0))) {
          slots[p] = slots[p - 1];
          ranks[p] = ranks[p - 1];
          p--;
        }
        slots[p] = i;
        ranks[p] = rank;
      }
    }
    return slots;
  }

  // --- writing (inside the transaction) ----------------------------------------------------------

  /** Allocates the header of a map that never held anything and points the field at it. */
  private plant(): Tree {
    const type = this.type;
    const dv = type.session.dv;
    const caps = capacitiesForNewTree(type.keys.size, type.slotSize);
    const header = type.collections.allocate(MAP_HEADER_SIZE, COLLECTION_HEADER_TYPE_NUM, `${type.what}.set`);
    dv.setUint32(header + MapHeader.magic, MAP_MAGIC, true);
    dv.setUint16(header + MapHeader.keySize, type.keys.size, true);
    dv.setUint16(header + MapHeader.valueSize, type.values.size, true);
    dv.setUint16(header + MapHeader.leafCap, caps.leaf, true);
    dv.setUint16(header + MapHeader.innerCap, caps.inner, true);
    this.slot.setHeader(header);
    return { header, g: type.geometry(caps.leaf, caps.inner), height: 0, root: 0 };
  }

  /** The first leaf of an empty tree: root and first leaf, height 1. */
  private plantLeaf(tree: Tree): number {
    const leaf = this.newLeaf(tree.g);
    this.setHeaderWord(tree.header, MapHeader.root, leaf);
    this.setHeaderWord(tree.header, MapHeader.firstLeaf, leaf);
    this.setHeight(tree.header, 1);
    return leaf;
  }

  /** Writes `entry` (a slot image) into the lowest free slot of `leaf` (which has one); returns the slot index. */
  private insertIntoLeaf(g: TreeGeometry, leaf: number, entry: Uint8Array): number {
    const { session, collections, what } = this.type;
    const dv = session.dv;
    const low = dv.getUint32(leaf + LEAF_BITMAP, true);
    const word = low !== 0xffffffff ? low : dv.getUint32(leaf + LEAF_BITMAP + 4, true);
    const i = (low !== 0xffffffff ? 0 : 32) + 31 - Math.clz32(~word & (word + 1));
    const at = g.slot(leaf, i);
    // The slot may hold an entry deleted earlier in this transaction: its bytes must come back on abort.
    collections.log(leaf, at, g.slotSize, what);
    collections.log(leaf, leaf + LEAF_BITMAP, LEAF_FP - LEAF_BITMAP + i + 1, what);
    session.pmemBytes().set(entry.subarray(0, g.slotSize), at);
    dv.setUint8(leaf + LEAF_FP + i, this.type.keys.fingerprint(dv, at));
    this.setBit(leaf, i, true);
    return i;
  }

  private setBit(leaf: number, i: number, on: boolean): void {
    const dv = this.type.session.dv;
    const word = leaf + LEAF_BITMAP + (i >= 32 ? 4 : 0);
    const mask = 1 << (i & 31);
    const bits = dv.getUint32(word, true);
    dv.setUint32(word, on ? (bits | mask) >>> 0 : (bits & ~mask) >>> 0, true);
  }

  private addToCount(header: number, delta: number): void {
    const { session, collections, what } = this.type;
    collections.logWord(header, header + MapHeader.count, what);
    const dv = session.dv;
    writeOffset(dv, header + MapHeader.count, readOffset(dv, header + MapHeader.count) + delta);
  }

  private setHeaderWord(header: number, field: number, value: number): void {
    this.type.collections.logWord(header, header + field, this.type.what);
    writeOffset(this.type.session.dv, header + field, value);
  }

  private setHeight(header: number, height: number): void {
    this.type.collections.logWord(header, header + 8, this.type.what);
    this.type.session.dv.setUint32(header + MapHeader.height, height, true);
  }

  private newLeaf(g: TreeGeometry): number {
    const leaf = this.type.collections.allocate(g.leafSize, COLLECTION_NODE_TYPE_NUM, `${this.type.what}.set`);
    this.type.session.dv.setUint32(leaf + NODE_KIND, LEAF_KIND, true);
    return leaf;
  }

  private newInner(g: TreeGeometry): number {
    const node = this.type.collections.allocate(g.innerSize, COLLECTION_NODE_TYPE_NUM, `${this.type.what}.set`);
    this.type.session.dv.setUint32(node + NODE_KIND, INNER_KIND, true);
    return node;
  }

  /**
   * Splits a full leaf: its upper half moves to a new leaf on its right (only the old leaf's bitmap
   * is logged; the moved slots are left as they were, free). Returns the leaf the probe key goes to.
   * An empty tree gets its first leaf instead.
   */
  private splitLeaf(tree: Tree, leaf: number): number {
    const { session, collections, what, keys, scratch } = this.type;
    const dv = session.dv;
    const g = tree.g;
    const order = this.sortedSlots(g, leaf);
    const half = order.length >>> 1;
    const right = this.newLeaf(g);
    const pmem = session.pmemBytes();
    collections.logWord(leaf, leaf + LEAF_BITMAP, what);
    for (let j = half; j < order.length; j++) {
      const from = g.slot(leaf, order[j]);
      const k = j - half;
      pmem.copyWithin(g.slot(right, k), from, from + g.slotSize);
      dv.setUint8(right + LEAF_FP + k, dv.getUint8(leaf + LEAF_FP + order[j]));
      this.setBit(right, k, true);
      this.setBit(leaf, order[j], false);
    }
    const next = readOffset(dv, leaf + g.leafNext);
    writeOffset(dv, right + g.leafNext, next);
    writeOffset(dv, right + g.leafPrev, leaf);
    if (next !== 0) {
      collections.logWord(next, next + g.leafPrev, what);
      writeOffset(dv, next + g.leafPrev, right);
    }
    collections.logWord(leaf, leaf + g.leafNext, what);
    writeOffset(dv, leaf + g.leafNext, right);
    const separator = pmem.slice(g.slot(right, 0), g.slot(right, 0) + g.keySize);
    this.insertIntoParent(tree, tree.height - 1, separator, right);
    return keys.compare(scratch, 0, dv, g.slot(right, 0)) >= 0 ? right : leaf;
  }

  /** Inserts separator `key` and its right child after the node at `level` of the last descent's path. */
  private insertIntoParent(tree: Tree, level: number, key: Uint8Array, child: number): void {
    const { session, collections, what } = this.type;
    const dv = session.dv;
    const pmem = session.pmemBytes();
    const g = tree.g;
    if (level === 0) {
      const root = this.newInner(g);
      const old = readOffset(dv, tree.header + MapHeader.root);
      dv.setUint32(root + INNER_COUNT, 1, true);
      writeOffset(dv, g.child(root, 0), old);
      writeOffset(dv, g.child(root, 1), child);
      pmem.set(key, g.key(root, 0));
      this.setHeaderWord(tree.header, MapHeader.root, root);
      this.setHeight(tree.header, dv.getUint32(tree.header + MapHeader.height, true) + 1);
      return;
    }
    const node = this.pathNodes[level - 1];
    const pos = this.pathIndex[level - 1];
    const count = dv.getUint32(node + INNER_COUNT, true);
    if (count < g.innerCap) {
      // Shift keys [pos, count) and children [pos + 1, count + 1) one to the right: log just those.
      collections.log(node, g.key(node, pos), (count + 1 - pos) * g.keySize, what);
      collections.log(node, g.child(node, pos + 1), (count + 1 - pos) * 8, what);
      collections.logWord(node, node, what);
      pmem.copyWithin(g.key(node, pos + 1), g.key(node, pos), g.key(node, count));
      pmem.copyWithin(g.child(node, pos + 2), g.child(node, pos + 1), g.child(node, count + 1));
      pmem.set(key, g.key(node, pos));
      writeOffset(dv, g.child(node, pos + 1), child);
      dv.setUint32(node + INNER_COUNT, count + 1, true);
      return;
    }
    // Full: split around the middle key, which moves up.
    const { keys, children } = this.readInner(g, node);
    keys.splice(pos, 0, key);
    children.splice(pos + 1, 0, child);
    const mid = keys.length >>> 1;
    const right = this.newInner(g);
    collections.log(node, node, g.innerSize, what);
    this.writeInner(g, node, keys.slice(0, mid), children.slice(0, mid + 1));
    this.writeInner(g, right, keys.slice(mid + 1), children.slice(mid + 1));
    this.insertIntoParent(tree, level - 1, keys[mid], right);
  }

  private readInner(g: TreeGeometry, node: number): { keys: Uint8Array[]; children: number[] } {
    const dv = this.type.session.dv;
    const pmem = this.type.session.pmemBytes();
    const count = dv.getUint32(node + INNER_COUNT, true);
    const keys: Uint8Array[] = [];
    const children: number[] = [];
    for (let i = 0; i < count; i++) keys.push(pmem.slice(g.key(node, i), g.key(node, i) + g.keySize));
    for (let i = 0; i <= count; i++) children.push(readOffset(dv, g.child(node, i)));
    return { keys, children };
  }

  /** Rewrites an inner node (already logged, or new in this transaction). */
  private writeInner(g: TreeGeometry, node: number, keys: Uint8Array[], children: number[]): void {
    const dv = this.type.session.dv;
    const pmem = this.type.session.pmemBytes();
    dv.setUint32(node + INNER_COUNT, keys.length, true);
    keys.forEach((key, i) => pmem.set(key, g.key(node, i)));
    children.forEach((child, i) => writeOffset(dv, g.child(node, i), child));
  }

  /**
   * After a delete from `leaf`: a root leaf left empty is freed (the tree is empty again); a non-root
   * leaf under the minimum borrows one entry from a sibling that can spare one, or merges with it.
   */
  private rebalanceLeaf(tree: Tree, leaf: number): void {
    const { session, collections, what } = this.type;
    const dv = session.dv;
    const g = tree.g;
    const count = this.leafCount(leaf);
    if (tree.height === 1) {
      if (count > 0) return;
      collections.free(leaf, what);
      this.setHeaderWord(tree.header, MapHeader.root, 0);
      this.setHeaderWord(tree.header, MapHeader.firstLeaf, 0);
      this.setHeight(tree.header, 0);
      return;
    }
    if (count >= g.leafMin) return;
    const level = tree.height - 1;
    const parent = this.pathNodes[level - 1];
    const pos = this.pathIndex[level - 1];
    const hasRight = pos < dv.getUint32(parent + INNER_COUNT, true);
    const sibling = readOffset(dv, g.child(parent, hasRight ? pos + 1 : pos - 1));
    const separator = hasRight ? pos : pos - 1;
    const siblingOrder = this.sortedSlots(g, sibling);
    const pmem = session.pmemBytes();
    if (siblingOrder.length > g.leafMin) {
      // Borrow the sibling's entry nearest to this leaf; the separator becomes the right leaf's new smallest key.
      const j = hasRight ? siblingOrder[0] : siblingOrder[siblingOrder.length - 1];
      const entry = pmem.slice(g.slot(sibling, j), g.slot(sibling, j) + g.slotSize);
      collections.logWord(sibling, sibling + LEAF_BITMAP, what);
      this.setBit(sibling, j, false);
      const i = this.insertIntoLeaf(g, leaf, entry);
      const smallest = hasRight ? g.slot(sibling, siblingOrder[1]) : g.slot(leaf, i);
      collections.log(parent, g.key(parent, separator), g.keySize, what);
      pmem.copyWithin(g.key(parent, separator), smallest, smallest + g.keySize);
      return;
    }
    // Merge the right one of the pair into the left one and free it.
    const left = hasRight ? leaf : sibling;
    const right = hasRight ? sibling : leaf;
    collections.log(left, left, g.leafSize, what);
    for (const j of hasRight ? siblingOrder : this.sortedSlots(g, leaf)) {
      this.insertIntoLeaf(g, left, pmem.slice(g.slot(right, j), g.slot(right, j) + g.slotSize));
    }
    const next = readOffset(dv, right + g.leafNext);
    writeOffset(dv, left + g.leafNext, next);
    if (next !== 0) {
      collections.logWord(next, next + g.leafPrev, what);
      writeOffset(dv, next + g.leafPrev, left);
    }
    collections.free(right, what);
    this.removeFromInner(tree, level - 1, separator);
  }

  /** Removes key `k` and child `k + 1` of the node at `level` of the path, then rebalances it. */
  private removeFromInner(tree: Tree, level: number, k: number): void {
    const { collections, what } = this.type;
    const g = tree.g;
    const node = this.pathNodes[level];
    const dv = this.type.session.dv;
    const pmem = this.type.session.pmemBytes();
    const count = dv.getUint32(node + INNER_COUNT, true);
    // Shift keys (k, count) and children (k + 1, count] one to the left: log just those.
    collections.log(node, g.key(node, k), (count - k) * g.keySize, what);
    collections.log(node, g.child(node, k + 1), (count - k) * 8, what);
    collections.logWord(node, node, what);
    pmem.copyWithin(g.key(node, k), g.key(node, k + 1), g.key(node, count));
    pmem.copyWithin(g.child(node, k + 1), g.child(node, k + 2), g.child(node, count + 1));
    dv.setUint32(node + INNER_COUNT, count - 1, true);
    const { keys, children } = this.readInner(g, node);
    if (level === 0) {
      if (keys.length > 0) return;
      // The root has one child left: that child becomes the root.
      this.setHeaderWord(tree.header, MapHeader.root, children[0]);
      this.setHeight(tree.header, tree.height - 1);
      collections.free(node, what);
      return;
    }
    if (keys.length >= g.innerMin) return;
    const parent = this.pathNodes[level - 1];
    const pos = this.pathIndex[level - 1];
    const up = this.readInner(g, parent);
    const hasRight = pos < up.keys.length;
    const separator = hasRight ? pos : pos - 1;
    const siblingNode = up.children[hasRight ? pos + 1 : pos - 1];
    const sibling = this.readInner(g, siblingNode);
    // Rotations and merges rewrite all three nodes: rare, so they are logged whole.
    collections.log(node, node, g.innerSize, what);
    collections.log(siblingNode, siblingNode, g.innerSize, what);
    collections.log(parent, parent, g.innerSize, what);
    if (sibling.keys.length > g.innerMin) {
      // Rotate one key through the parent.
      if (hasRight) {
        keys.push(up.keys[separator]);
        children.push(sibling.children.shift()!);
        up.keys[separator] = sibling.keys.shift()!;
      } else {
        keys.unshift(up.keys[separator]);
        children.unshift(sibling.children.pop()!);
        up.keys[separator] = sibling.keys.pop()!;
      }
      this.writeInner(g, node, keys, children);
      this.writeInner(g, siblingNode, sibling.keys, sibling.children);
      this.writeInner(g, parent, up.keys, up.children);
      return;
    }
    const [left, right] = hasRight ? [{ node, keys, children }, { node: siblingNode, ...sibling }] : [{ node: siblingNode, ...sibling }, { node, keys, children }];
    this.writeInner(g, left.node, [...left.keys, up.keys[separator], ...right.keys], [...left.children, ...right.children]);
    collections.free(right.node, what);
    this.removeFromInner(tree, level - 1, separator);
  }
}

/**
 * Every node of the tree under `header` (inner nodes and leaves; not the header), by a walk of the
 * inner levels. For freeing: it trusts the tree's shape (the deep check verifies it).
 */
export function treeNodes(dv: DataView, header: number): number[] {
  const root = readOffset(dv, header + MapHeader.root);
  const height = dv.getUint32(header + MapHeader.height, true);
  if (root === 0) return [];
  const out: number[] = [];
  let level = [root];
  for (let depth = 1; depth <= height; depth++) {
    out.push(...level);
    if (depth === height) break;
    const next: number[] = [];
    for (const node of level) {
      const count = dv.getUint32(node + INNER_COUNT, true);
      for (let i = 0; i <= count; i++) next.push(readOffset(dv, node + INNER_CHILDREN + 8 * i));
    }
    level = next;
  }
  return out;
}

type CursorMode = 'entries' | 'keys' | 'values';

/** A lazy, ordered walk over the leaf chain, one leaf's sorted slots at a time. */
class MapCursor<K, V, T> implements IterableIterator<T> {
  private readonly epoch: CollectionEpoch;
  private readonly version: number;
  /** The transaction the cursor was made in (-1 outside one): if it changed the map, an abort undoes that. */
  private readonly madeInTx: number;
  private readonly lower: { dv: DataView; inclusive: boolean } | null;
  private readonly upper: { dv: DataView; inclusive: boolean } | null;
  private readonly reverse: boolean;
  private remaining: number;
  private leaf = -1;
  private order: number[] = [];
  private index = 0;
  private done = false;
  private tree: Tree | null = null;

  constructor(private readonly map: PMap<K, V>, options: RangeOptions<K>, private readonly mode: CursorMode) {
    const type = map.mapType;
    const bound = (value: K | undefined, inclusive: boolean) => {
      if (value === undefined) return null;
      const dv = new DataView(new ArrayBuffer(type.keys.size));
      type.keys.encode(dv, 0, value);
      return { dv, inclusive };
    };
    if (options.gt !== undefined && options.gte !== undefined) throw new TypeError('PMap.range: give gt or gte, not both');
    if (options.lt !== undefined && options.lte !== undefined) throw new TypeError('PMap.range: give lt or lte, not both');
    const limit = options.limit ?? Infinity;
    if (limit !== Infinity && (!Number.isInteger(limit) || limit < 0)) throw new RangeError(`PMap.range: limit must be a non-negative integer, got ${String(limit)}`);
    this.lower = options.gt !== undefined ? bound(options.gt, false) : bound(options.gte, true);
    this.upper = options.lt !== undefined ? bound(options.lt, false) : bound(options.lte, true);
    this.reverse = options.reverse === true;
    this.remaining = limit;
    this.epoch = type.collections.epoch(map.slotAddress());
    this.version = this.epoch.version;
    this.madeInTx = type.session.tx.id;
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this;
  }

  next(): IteratorResult<T> {
    if (this.done) return { done: true, value: undefined };
    this.checkValid();
    const type = this.map.mapType;
    const dv = type.session.dv;
    if (this.leaf === -1) this.start();
    const keys = type.keys;
    while (this.remaining > 0 && this.leaf !== 0 && this.tree !== null) {
      const g = this.tree.g;
      if (this.index < this.order.length) {
        const i = this.order[this.reverse ? this.order.length - 1 - this.index : this.index];
        this.index++;
        const at = g.slot(this.leaf, i);
        const before = this.reverse ? this.upper : this.lower;
        const after = this.reverse ? this.lower : this.upper;
        if (before !== null && !this.within(before, dv, at, !this.reverse)) continue;
        if (after !== null && !this.within(after, dv, at, this.reverse)) break;
        this.remaining--;
        return { done: false, value: this.produce(keys, type, dv, at) };
      }
      this.leaf = readOffset(dv, this.leaf + (this.reverse ? g.leafPrev : g.leafNext));
      this.order = this.leaf === 0 ? [] : this.map.sortedSlots(g, this.leaf);
      this.index = 0;
    }
    this.done = true;
    return { done: true, value: undefined };
  }

  return(): IteratorResult<T> {
    this.done = true;
    return { done: true, value: undefined };
  }

  private produce(keys: KeyCodec, type: MapType, dv: DataView, at: number): T {
    if (this.mode === 'keys') return keys.decode(dv, at) as T;
    if (this.mode === 'values') return type.values.read(dv, at + type.valueAt) as T;
    return [keys.decode(dv, at), type.values.read(dv, at + type.valueAt)] as T;
  }

  /** Whether the key at `at` is on the allowed side of `bound` (above it when `above`). */
  private within(bound: { dv: DataView; inclusive: boolean }, dv: DataView, at: number, above: boolean): boolean {
    const c = this.map.mapType.keys.compare(dv, at, bound.dv, 0);
    return above ? c > 0 || (c === 0 && bound.inclusive) : c < 0 || (c === 0 && bound.inclusive);
  }

  private start(): void {
    this.tree = this.map.tree();
    if (this.tree === null || this.tree.root === 0) {
      this.leaf = 0;
      return;
    }
    const from = this.reverse ? this.upper : this.lower;
    this.leaf = from !== null ? this.map.descend(this.tree, from.dv, 0) : this.reverse ? this.map.lastLeaf(this.tree) : readOffset(this.map.mapType.session.dv, this.tree.header + MapHeader.firstLeaf);
    this.order = this.map.sortedSlots(this.tree.g, this.leaf);
    this.index = 0;
  }

  private checkValid(): void {
    const type = this.map.mapType;
    this.map.slotAddress(); // owner freed or pool closed: typed errors
    const epoch = this.epoch;
    if (epoch.version !== this.version) throw iteratorInvalidated(type.what);
    if (this.madeInTx !== -1 && epoch.lastTx === this.madeInTx && type.session.tx.id !== this.madeInTx) {
      throw iteratorInvalidated(`${type.what} (in the transaction this iterator was made in, which has ended)`);
    }
  }
}
