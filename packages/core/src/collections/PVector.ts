/**
 * PVector: a growable array in the pool: a header and one element array that doubles when full
 * (formats in node-format.ts). Reads go through the mapping's DataView; every mutation is a
 * libpmemobj transaction that logs only what it changes: push the new element and the length word,
 * set the element, insert/removeAt the elements they shift.
 */
import { COLLECTION_HEADER_TYPE_NUM, COLLECTION_NODE_TYPE_NUM } from '@pmemts/decorators';
import { PoolCorruptError } from '@pmemts/native';
import type { FieldLayout, TypeLayout } from '../layout';
import type { SessionHost } from '../objects/session-host';
import type { ViewState } from '../objects/view-state';
import { collectionSession, iteratorInvalidated, type CollectionSession } from './collection-session';
import { CollectionSlot } from './collection-slot';
import { buildValueCodec, type ValueCodec } from './element-codecs';
import { VECTOR_HEADER_SIZE, VECTOR_MAGIC, VectorHeader, readOffset, writeOffset } from './node-format';

/** Smallest element array a vector allocates. */
const MIN_CAPACITY = 4;

/** What a vector field's accessors share (one per field per session). */
export class VectorType {
  readonly elements: ValueCodec;
  /** Bytes per element: the element's size rounded up to its alignment (a C array's stride). */
  readonly stride: number;
  readonly what: string;
  readonly collections: CollectionSession;
  readonly scratch: DataView;
  readonly scratchBytes: Uint8Array;

  constructor(readonly session: SessionHost, readonly owner: TypeLayout, readonly field: FieldLayout) {
    this.elements = buildValueCodec(owner, field, session);
    this.stride = Math.ceil(this.elements.size / this.elements.align) * this.elements.align;
    this.what = `${owner.name}.${field.name}`;
    this.collections = collectionSession(session);
    this.scratchBytes = new Uint8Array(this.stride);
    this.scratch = new DataView(this.scratchBytes.buffer);
  }
}

/**
 * The live vector of a vector field. Mutations join the running transaction or run as their own
 * (whatever the owning class's persistence level). Iterators throw InvalidObjectError
 * COLLECTION_MODIFIED on their next step after a change of the length (push, pop, insert, removeAt,
 * clear); `set` does not invalidate them.
 */
export class PVector<T = unknown> implements Iterable<T> {
  private readonly slot: CollectionSlot;

  /** @internal Vectors are made by their field's accessor. */
  constructor(private readonly type: VectorType, state: ViewState, at: number) {
    if (!(type instanceof VectorType)) throw new TypeError("a PVector is not constructed: declare a field @Field({ type: 'vector', of }) and read it from a live object");
    this.slot = new CollectionSlot(type.session, state, at, type.what);
  }

  /** `'PVector'`, for `Object.prototype.toString`. */
  get [Symbol.toStringTag](): string {
    return 'PVector';
  }

  /** Elements in the vector. */
  get length(): number {
    const header = this.header();
    return header === 0 ? 0 : readOffset(this.type.session.dv, header + VectorHeader.length);
  }

  /** The element at `index`. @throws {RangeError} when index is not an integer in [0, length). */
  get(index: number): T {
    const at = this.elementAt(index, 'get');
    return this.type.elements.read(this.type.session.dv, at) as T;
  }

  /** Replaces the element at `index`. @throws {RangeError} for an index out of range. @throws {FieldValueError} for a value the element type refuses. */
  set(index: number, value: T): void {
    const type = this.type;
    const at = this.elementAt(index, 'set');
    type.elements.write(type.scratch, 0, value);
    type.session.tx.atomically(() => {
      const header = this.header();
      type.collections.log(readOffset(type.session.dv, header + VectorHeader.data), at, type.stride, type.what);
      type.session.pmemBytes().set(type.scratchBytes, at);
    });
  }

  /**
   * Appends the values (all checked before any is stored); returns the new length.
   * @throws {FieldValueError} for a value the element type refuses (nothing is appended).
   * @throws {OutOfSpaceError} when the pool has no room for the grown array (the transaction is aborted).
   */
  push(...values: T[]): number {
    this.insertAll(this.length, values);
    return this.length;
  }

  /** Removes and returns the last element, or undefined when empty. */
  pop(): T | undefined {
    const length = this.length;
    return length === 0 ? undefined : this.removeAt(length - 1);
  }

  /**
   * Inserts `value` before `index` (index = length appends). @throws {RangeError} for an index outside [0, length].
   * @throws {FieldValueError} for a value the element type refuses. @throws {OutOfSpaceError} when the pool has no room.
   */
  insert(index: number, value: T): void {
    this.insertAll(index, [value]);
  }

  /** Removes and returns the element at `index`. @throws {RangeError} when index is not in [0, length). */
  removeAt(index: number): T {
    const type = this.type;
    const at = this.elementAt(index, 'removeAt');
    const value = type.elements.read(type.session.dv, at) as T;
    type.session.tx.atomically(() => {
      const dv = type.session.dv;
      const header = this.header();
      const data = readOffset(dv, header + VectorHeader.data);
      const length = readOffset(dv, header + VectorHeader.length);
      const end = data + length * type.stride;
      if (at + type.stride < end) {
        type.collections.log(data, at, end - at - type.stride, type.what);
        type.session.pmemBytes().copyWithin(at, at + type.stride, end);
      }
      this.setWord(header, VectorHeader.length, length - 1);
      type.collections.mutated(this.slot.address());
    });
    return value;
  }

  /** Removes every element and frees the element array (the header stays). */
  clear(): void {
    const header = this.header();
    if (header === 0 || this.length === 0) return;
    const type = this.type;
    type.session.tx.atomically(() => {
      const data = readOffset(type.session.dv, header + VectorHeader.data);
      if (data !== 0) type.collections.free(data, type.what);
      this.setWord(header, VectorHeader.data, 0);
      this.setWord(header, VectorHeader.capacity, 0);
      this.setWord(header, VectorHeader.length, 0);
      type.collections.mutated(this.slot.address());
    });
  }

  /** Elements in index order. */
  [Symbol.iterator](): IterableIterator<T> {
    return this.values();
  }

  /** Elements in index order. */
  values(): IterableIterator<T> {
    return this.cursor((i) => this.get(i));
  }

  /** `[index, element]` pairs in index order. */
  entries(): IterableIterator<[number, T]> {
    return this.cursor((i) => [i, this.get(i)] as [number, T]);
  }

  /** Calls `callback(element, index, vector)` for each element, as Array#forEach. @throws {TypeError} when callback is not a function. */
  forEach(callback: (value: T, index: number, vector: this) => void, thisArg?: unknown): void {
    if (typeof callback !== 'function') throw new TypeError('PVector.forEach: callback must be a function');
    for (const [i, v] of this.entries()) callback.call(thisArg, v, i, this);
  }

  /** @internal The pool, class and field this vector lives in, and its slot's address. */
  placement(): { session: SessionHost; owner: TypeLayout; field: FieldLayout; slot: number } {
    const { session, owner, field } = this.type;
    return { session, owner, field, slot: this.slot.address() };
  }

  /** @internal Offset of the header, or 0 for a vector that never held anything. */
  header(): number {
    const header = this.slot.header();
    if (header === 0) return 0;
    const dv = this.type.session.dv;
    if (dv.getUint32(header + VectorHeader.magic, true) !== VECTOR_MAGIC || dv.getUint32(header + VectorHeader.elementSize, true) !== this.type.stride) {
      throw new PoolCorruptError(`${this.type.what}: the vector header at ${header} is not a vector of this element type (pool data is invalid)`, 'FIELD_CORRUPT');
    }
    return header;
  }

  private elementAt(index: number, method: string): number {
    const length = this.length;
    if (!Number.isInteger(index) || index < 0 || index >= length) {
      throw new RangeError(`PVector.${method}: index must be an integer in [0, ${length}), got ${String(index)}`);
    }
    const data = readOffset(this.type.session.dv, this.header() + VectorHeader.data);
    return data + index * this.type.stride;
  }

  /** Inserts `values` before `index`: validated into scratch memory first, then stored in one transaction. */
  private insertAll(index: number, values: T[]): void {
    const type = this.type;
    const length = this.length;
    if (!Number.isInteger(index) || index < 0 || index > length) {
      throw new RangeError(`PVector.insert: index must be an integer in [0, ${length}], got ${String(index)}`);
    }
    if (values.length === 0) return;
    const images = new Uint8Array(values.length * type.stride);
    const scratch = new DataView(images.buffer);
    values.forEach((v, i) => type.elements.write(scratch, i * type.stride, v));
    type.session.tx.atomically(() => {
      const header = this.header() || this.plant();
      const data = this.reserve(header, length + values.length);
      const at = data + index * type.stride;
      const tail = (length - index) * type.stride;
      type.collections.log(data, at, tail + images.length, type.what);
      const pmem = type.session.pmemBytes();
      pmem.copyWithin(at + images.length, at, at + tail);
      pmem.set(images, at);
      this.setWord(header, VectorHeader.length, length + values.length);
      type.collections.mutated(this.slot.address());
    });
  }

  private plant(): number {
    const type = this.type;
    const header = type.collections.allocate(VECTOR_HEADER_SIZE, COLLECTION_HEADER_TYPE_NUM, `${type.what}.push`);
    type.session.dv.setUint32(header + VectorHeader.magic, VECTOR_MAGIC, true);
    type.session.dv.setUint32(header + VectorHeader.elementSize, type.stride, true);
    this.slot.setHeader(header);
    return header;
  }

  /** The element array, doubled (copied to a new allocation) until it holds `needed` elements. */
  private reserve(header: number, needed: number): number {
    const type = this.type;
    const dv = type.session.dv;
    const capacity = readOffset(dv, header + VectorHeader.capacity);
    const data = readOffset(dv, header + VectorHeader.data);
    if (needed <= capacity) return data;
    let grown = Math.max(MIN_CAPACITY, capacity * 2);
    while (grown < needed) grown *= 2;
    const fresh = type.collections.allocate(grown * type.stride, COLLECTION_NODE_TYPE_NUM, `${type.what}.push`);
    const length = readOffset(dv, header + VectorHeader.length);
    if (data !== 0) {
      type.session.pmemBytes().copyWithin(fresh, data, data + length * type.stride);
      type.collections.free(data, type.what);
    }
    this.setWord(header, VectorHeader.data, fresh);
    this.setWord(header, VectorHeader.capacity, grown);
    return fresh;
  }

  private setWord(header: number, field: number, value: number): void {
    this.type.collections.logWord(header, header + field, this.type.what);
    writeOffset(this.type.session.dv, header + field, value);
  }

  private cursor<R>(produce: (index: number) => R): IterableIterator<R> {
    const collections = this.type.collections;
    const epoch = collections.epoch(this.slot.address());
    const version = epoch.version;
    const madeInTx = this.type.session.tx.id;
    const what = this.type.what;
    let index = 0;
    let done = false;
    const session = this.type.session;
    const iterator: IterableIterator<R> = {
      [Symbol.iterator]: () => iterator,
      next: () => {
        if (done) return { done: true, value: undefined };
        this.slot.address();
        if (epoch.version !== version) throw iteratorInvalidated(what);
        if (madeInTx !== -1 && epoch.lastTx === madeInTx && session.tx.id !== madeInTx) {
          throw iteratorInvalidated(`${what} (in the transaction this iterator was made in, which has ended)`);
        }
        if (index >= this.length) {
          done = true;
          return { done: true, value: undefined };
        }
        return { done: false, value: produce(index++) };
      },
      return: () => {
        done = true;
        return { done: true, value: undefined };
      },
    };
    return iterator;
  }
}

/** The allocations of the vector under `header`: its element array, if any. */
export function vectorNodes(dv: DataView, header: number): number[] {
  const data = readOffset(dv, header + VectorHeader.data);
  return data === 0 ? [] : [data];
}
