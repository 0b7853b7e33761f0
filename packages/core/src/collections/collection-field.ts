/**
 * Map and vector fields: the accessor that hands out the live collection, the allocations a field
 * owns (freed with its object), and the invariant check of a field's collection. The field's layout
 * says which structure it is; nothing else in core needs to know.
 */
import { COLLECTION_HEADER_TYPE_NUM } from '@pmemts/decorators';
import { FieldValueError } from '../errors';
import type { FieldLayout, TypeLayout } from '../layout';
import type { SessionHost } from '../objects/session-host';
import { REL, STATE, type View } from '../objects/view-state';
import { MapType, PMap, treeNodes } from './PMap';
import { PVector, VectorType, vectorNodes } from './PVector';
import { MAP_HEADER_SIZE, VECTOR_HEADER_SIZE, readOffset } from './node-format';
import { checkMapTree, checkVector, type AllocationInfo, type CollectionReport } from './tree-invariants';

/** Whether a field is a map or a vector. */
export function isCollectionField(field: FieldLayout): boolean {
  return field.kind === 'map' || field.kind === 'vector';
}

const types = new WeakMap<SessionHost, Map<FieldLayout, MapType | VectorType>>();

/** The codecs and scratch memory of `owner`'s collection field, built once per session. */
export function collectionTypeOf(session: SessionHost, owner: TypeLayout, field: FieldLayout): MapType | VectorType {
  let bySession = types.get(session);
  if (bySession === undefined) types.set(session, (bySession = new Map()));
  let type = bySession.get(field);
  if (type === undefined) {
    type = field.kind === 'map' ? new MapType(session, owner, field) : new VectorType(session, owner, field);
    bySession.set(field, type);
  }
  return type;
}

/**
 * The property of a map or vector field: reading it gives the live PMap/PVector (the same one for the
 * same view), an empty collection until the first insert. Assigning is refused: change it through
 * its methods.
 */
export function collectionAccessor(layout: TypeLayout, field: FieldLayout, session: SessionHost): PropertyDescriptor {
  const fo = field.offset;
  const live = new WeakMap<View, PMap | PVector>();
  let type: MapType | VectorType | undefined;
  return {
    get(this: View) {
      const state = this[STATE];
      if (state.offset < 0) session.deadView(state);
      let collection = live.get(this);
      if (collection === undefined) {
        type ??= collectionTypeOf(session, layout, field);
        const at = this[REL] + fo;
        collection = type instanceof MapType ? new PMap(type, state, at) : new PVector(type, state, at);
        live.set(this, collection);
      }
      return collection;
    },
    set(this: View) {
      const how = field.kind === 'map' ? 'set, delete and clear' : 'push, pop, set, insert, removeAt and clear';
      throw new FieldValueError(layout.name, field.name, `a ${field.kind} field cannot be assigned; change its contents with ${how}`);
    },
  };
}

/**
 * The allocations of the collection whose field slot is at `slot` in `dv` (the pool, or an object's
 * DRAM copy at its base): header, then nodes or element array; none for a never-used collection.
 */
export function collectionAllocations(pool: DataView, slotView: DataView, slot: number, field: FieldLayout): number[] {
  const header = readOffset(slotView, slot + 8);
  if (header === 0) return [];
  return [header, ...(field.kind === 'map' ? treeNodes(pool, header) : vectorNodes(pool, header))];
}

/** Checks the collection of the field slot at pool address `slot`; null for a never-used collection. */
export function checkCollectionField(session: SessionHost, owner: TypeLayout, field: FieldLayout, slot: number, allocation: AllocationInfo): CollectionReport | null {
  const dv = session.dv;
  const header = readOffset(dv, slot + 8);
  if (header === 0) return null;
  const info = allocation(header);
  const type = collectionTypeOf(session, owner, field);
  const headerSize = type instanceof MapType ? MAP_HEADER_SIZE : VECTOR_HEADER_SIZE;
  if (info === null || info.typeNum !== COLLECTION_HEADER_TYPE_NUM || info.usableSize < headerSize) {
    return { nodes: [], values: [], problems: [`its header pointer ${header} is not a live collection header`] };
  }
  if (dv.getBigUint64(slot, true) !== session.uuidLo) return { nodes: [], values: [], problems: ['its PMEMoid names another pool'] };
  return type instanceof MapType
    ? checkMapTree(dv, header, { keys: type.keys, valueSize: type.values.size, valueAt: type.valueAt }, allocation)
    : checkVector(dv, header, type.stride, allocation);
}

/**
 * The invariant problems of a live map or vector (an empty list when it is sound): the check the deep
 * check runs on every collection, for tests and tools. Committed state: call it outside a transaction.
 * @throws {TypeError} when `collection` is not a PMap or PVector.
 */
export function verifyCollection(collection: PMap | PVector): string[] {
  if (!(collection instanceof PMap) && !(collection instanceof PVector)) {
    throw new TypeError('verifyCollection: expected a PMap or PVector (a collection field of a live object)');
  }
  const { session, owner, field, slot } = collection.placement();
  const native = session.native;
  const allocation: AllocationInfo = (offset) => (native.isObject(offset) ? { typeNum: native.typeNum(offset), usableSize: native.usableSize(offset) } : null);
  return checkCollectionField(session, owner, field, slot, allocation)?.problems ?? [];
}
