/**
 * Builds the per-session prototype of a persistent class: Object.create(Class.prototype) plus one
 * accessor per field that reads and writes pool memory at state.offset + rel + field.offset.
 * Write-through accessors go straight to the mapping; write-back ones to the object's DRAM copy.
 * The persistence level decides what a store does before (snapshot) and after (persist) writing.
 */
import { TransactionError } from '@pmemts/native';
import { PersistenceLevel, WritePolicy, type ResolvedMemoryConfig } from '../memory/config';
import type { FieldLayout, TypeLayout } from '../layout';
import type { SessionHost } from './session-host';
import { buildCodec, type FieldCodec } from './codecs';
import { FieldValueError } from '../errors';
import { LAYOUT, REL, STATE, isView, type View, type ViewState } from './view-state';
import { collectionAccessor, isCollectionField } from '../collections/collection-field';
import { counterAccessor } from '../counters/counter-field';

export function buildPrototype(layout: TypeLayout, session: SessionHost, memory: ResolvedMemoryConfig): object {
  const proto = Object.create(layout.ctor.prototype);
  Object.defineProperty(proto, LAYOUT, { value: layout });
  for (const field of layout.fields) {
    const descriptor =
      field.kind === 'struct' ? structAccessor(layout, field, session)
        : isCollectionField(field) ? collectionAccessor(layout, field, session)
        : field.kind === 'counter' ? counterAccessor(layout, field, session, memory, fieldAccessor(layout, field, session, memory))
        : fieldAccessor(layout, field, session, memory);
    Object.defineProperty(proto, field.name, { ...descriptor, enumerable: true, configurable: false });
  }
  return proto;
}

/** A maker of views on `proto`: the state symbols become own properties with a stable hidden class. */
export function viewFactory(proto: object): (state: ViewState, rel: number) => View {
  function LiveView(this: View, state: ViewState, rel: number) {
    this[STATE] = state;
    this[REL] = rel;
  }
  LiveView.prototype = proto;
  const Make = LiveView as unknown as new (state: ViewState, rel: number) => View;
  return (state, rel) => new Make(state, rel);
}

function fieldAccessor(layout: TypeLayout, field: FieldLayout, session: SessionHost, memory: ResolvedMemoryConfig): PropertyDescriptor {
  const codec: FieldCodec = buildCodec(layout, field, session);
  const fo = field.offset;
  const size = field.size;
  const what = `store to ${layout.name}.${field.name}`;
  const level = memory.persistenceLevel;
  const tx = session.tx;

  const descriptor = memory.writePolicy === WritePolicy.WriteBack ? writeBackAccessor() : writeThroughAccessor();
  if ((field.kind === 'heapString' || field.kind === 'heapBytes') && level !== PersistenceLevel.Transaction) {
    descriptor.set = heapSlotStore(field, layout.name, codec, what, session, memory);
  }
  const heat = session.heat;
  if (heat !== null) {
    // Only pools recording heat pay for counting: the others keep the plain store.
    const store = descriptor.set as (this: View, value: unknown) => void;
    descriptor.set = function countedStore(this: View, value: unknown) {
      store.call(this, value);
      heat.changed(size);
    };
  }
  return descriptor;

  function writeBackAccessor(): PropertyDescriptor {
    return {
      get(this: View) {
        const state = this[STATE];
        if (state.offset < 0) session.deadView(state);
        // The read touches the state and the copy's bytes only (see DramCache).
        let view = state.cacheView;
        if (view === null) view = session.loadCache(state).view;
        else session.stats.cacheHits++;
        state.cacheUsed = true;
        return codec.read(view, state.cacheAt + this[REL] + fo);
      },
      set(this: View, value: unknown) {
        const state = this[STATE];
        if (state.offset < 0) session.deadView(state);
        if (level === PersistenceLevel.Transaction && tx.depth === 0) throw storeOutside(what);
        const entry = state.cache ?? session.loadCache(state);
        const at = this[REL] + fo;
        codec.write(entry.view, entry.at + at, value);
        if (level === PersistenceLevel.Transaction) tx.noteDirty(entry);
        else session.noteFlushDirty(entry);
        entry.markDirty(at, size);
        state.cacheUsed = true;
      },
    };
  }

  function writeThroughAccessor(): PropertyDescriptor {
    return {
      get(this: View) {
        const state = this[STATE];
        const offset = state.offset;
        if (offset < 0) session.deadView(state);
        return codec.read(session.dv, offset + this[REL] + fo);
      },
      set(this: View, value: unknown) {
        const state: ViewState = this[STATE];
        const offset = state.offset;
        if (offset < 0) session.deadView(state);
        const at = this[REL] + fo;
        if (level === PersistenceLevel.Transaction) {
          if (state.snapshotTx !== tx.id) {
            if (tx.depth === 0) throw storeOutside(what);
            tx.snapshot(state, at, size, what);
          }
          codec.write(session.dv, offset + at, value);
          session.stats.bytesPersisted += size;
        } else {
          codec.write(session.dv, offset + at, value);
          if (level === PersistenceLevel.Flush) session.persistRange(offset + at, size);
        }
      },
    };
  }
}

/**
 * The store of a heap string/bytes field of a Flush- or None-level class. Its slot and its blob are one
 * unit, so the store is transactional whatever the level: it joins the running transaction (an abort
 * rolls both back) or commits one of its own (both durable when the store returns). Only the 16-byte
 * slot is undo-logged, so an abort does not roll back the object's other, non-transactional stores.
 * Under write-back the slot is stored through to the pool and mirrored in the DRAM copy.
 */
function heapSlotStore(field: FieldLayout, owner: string, codec: FieldCodec, what: string, session: SessionHost, memory: ResolvedMemoryConfig): (this: View, value: unknown) => void {
  const tx = session.tx;
  const heapCheck = heapValueCheck(field.kind);
  const { offset: fo, size, name: path } = field;
  const writeBack = memory.writePolicy === WritePolicy.WriteBack;
  return function set(this: View, value: unknown) {
    const state = this[STATE];
    if (state.offset < 0) session.deadView(state);
    // A wrong value changes nothing: refuse it before joining the transaction (which a throw would doom).
    heapCheck(value, owner, path);
    const at = this[REL] + fo;
    tx.atomically(() => {
      const offset = state.offset;
      tx.snapshotRange(offset + at, size, what);
      codec.write(session.dv, offset + at, value);
      session.stats.bytesPersisted += size;
      if (writeBack) {
        const entry = state.cache;
        if (entry !== null) entry.bytes.set(session.pmemBytes().subarray(offset + at, offset + at + size), entry.at + at);
        tx.noteThroughSlot(state, at, size);
      }
    });
  };
}

function structAccessor(layout: TypeLayout, field: FieldLayout, session: SessionHost): PropertyDescriptor {
  const inner = field.struct as TypeLayout;
  const fo = field.offset;
  let check: StructCheck | undefined;
  return {
    get(this: View) {
      const state = this[STATE];
      if (state.offset < 0) session.deadView(state);
      return session.structView(inner, state, this[REL] + fo);
    },
    /** Assigns the fields `value` names (a plain object or a view); all are checked before any is stored. */
    set(this: View, value: unknown) {
      const state = this[STATE];
      if (state.offset < 0) session.deadView(state);
      check ??= structCheck(inner, session);
      const entries = check(value, layout.name, field.name);
      const target = session.structView(inner, state, this[REL] + fo) as unknown as Record<string, unknown>;
      for (const [name, v] of entries) target[name] = v;
    },
  };
}

/** Validates a value for a struct field and returns its [field, value] pairs; throws FieldValueError naming the path. */
type StructCheck = (value: unknown, owner: string, path: string) => [string, unknown][];

/**
 * Checks a struct assignment without storing anything: each scalar, string, bytes, array and ref value
 * is encoded into scratch memory by its own codec; heap values are type-checked (storing them allocates).
 */
function structCheck(inner: TypeLayout, session: SessionHost): StructCheck {
  const scratch = new DataView(new ArrayBuffer(inner.size));
  const checks = new Map<string, (v: unknown, owner: string, path: string) => void>();
  for (const f of inner.fields) {
    if (f.kind === 'struct') {
      let nested: StructCheck | undefined;
      checks.set(f.name, (v, owner, path) => void (nested ??= structCheck(f.struct as TypeLayout, session))(v, owner, path));
    } else if (isCollectionField(f)) {
      checks.set(f.name, (_v, owner, path) => {
        throw new FieldValueError(owner, path, `a ${f.kind} field cannot be assigned; change its contents through its methods`);
      });
    } else if (f.kind === 'heapString' || f.kind === 'heapBytes') {
      checks.set(f.name, heapValueCheck(f.kind));
    } else {
      const codec = buildCodec(inner, f, session);
      checks.set(f.name, (v, owner, path) => {
        try {
          codec.write(scratch, f.offset, v);
        } catch (error) {
          if (error instanceof FieldValueError) throw new FieldValueError(owner, path, error.detail);
          throw error;
        }
      });
    }
  }
  return (value, owner, path) => {
    if (typeof value !== 'object' || value === null) {
      throw new FieldValueError(owner, path, `expected an object with the fields of ${inner.name}, got ${value === null ? 'null' : typeof value}`);
    }
    const names = isView(value) ? value[LAYOUT].fields.map((f) => f.name) : Object.keys(value);
    const entries: [string, unknown][] = [];
    for (const name of names) {
      const check = checks.get(name);
      if (check === undefined) throw new FieldValueError(owner, path, `${inner.name} has no field '${name}'`);
      const v = (value as Record<string, unknown>)[name];
      check(v, owner, `${path}.${name}`);
      entries.push([name, v]);
    }
    return entries;
  };
}

/** The type check of a heap string/bytes value, which a store cannot encode ahead (encoding allocates). */
function heapValueCheck(kind: FieldLayout['kind']): (value: unknown, owner: string, path: string) => void {
  const text = kind === 'heapString';
  return (value, owner, path) => {
    if (text ? typeof value !== 'string' : !(value instanceof Uint8Array)) {
      throw new FieldValueError(owner, path, `expected a ${text ? 'string' : 'Uint8Array'}, got ${value === null ? 'null' : typeof value}`);
    }
  };
}

function storeOutside(what: string): TransactionError {
  return new TransactionError(
    `${what} outside runTransaction(): this class's persistence level is Transaction; wrap the store in runTransaction(pool, () => …) or choose PersistenceLevel.Flush/None`,
    'TX_REQUIRED',
  );
}
