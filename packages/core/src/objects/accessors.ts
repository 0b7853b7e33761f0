/**
 * Builds the per-session prototype of a persistent class: Object.create(Class.prototype) plus one
 * accessor per field that reads and writes pool memory at state.offset + rel + field.offset.
 * Write-through accessors go straight to the mapping; write-back ones to the object's DRAM copy.
 * The persistence level decides what a store does before (snapshot) and after (persist) writing.
 */
import { TransactionError } from '@pmemts/native';
import { PersistenceLevel, WritePolicy, type ResolvedMemoryConfig } from '../memory/config';
import type { FieldLayout, TypeLayout } from '../layout';
import type { PoolSession } from '../pool/PoolSession';
import { buildCodec, type FieldCodec } from './codecs';
import { LAYOUT, REL, STATE, type View, type ViewState } from './view-state';

export function buildPrototype(layout: TypeLayout, session: PoolSession, memory: ResolvedMemoryConfig): object {
  const proto = Object.create(layout.ctor.prototype);
  Object.defineProperty(proto, LAYOUT, { value: layout });
  for (const field of layout.fields) {
    const descriptor =
      field.kind === 'struct' ? structAccessor(layout, field, session) : fieldAccessor(layout, field, session, memory);
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

function fieldAccessor(layout: TypeLayout, field: FieldLayout, session: PoolSession, memory: ResolvedMemoryConfig): PropertyDescriptor {
  const codec: FieldCodec = buildCodec(layout, field, session);
  const fo = field.offset;
  const size = field.size;
  const what = `store to ${layout.name}.${field.name}`;
  const level = memory.persistenceLevel;
  const tx = session.tx;

  if (memory.writePolicy === WritePolicy.WriteBack) {
    return {
      get(this: View) {
        const state = this[STATE];
        if (state.offset < 0) session.deadView(state);
        let entry = state.cache;
        if (entry === null) entry = session.loadCache(state);
        else session.stats.cacheHits++;
        entry.referenced = true;
        return codec.read(entry.view, this[REL] + fo);
      },
      set(this: View, value: unknown) {
        const state = this[STATE];
        if (state.offset < 0) session.deadView(state);
        if (level === PersistenceLevel.Transaction && tx.depth === 0) throw storeOutside(what);
        const entry = state.cache ?? session.loadCache(state);
        const at = this[REL] + fo;
        codec.write(entry.view, at, value);
        if (level === PersistenceLevel.Transaction) tx.noteDirty(entry);
        else session.noteFlushDirty(entry);
        entry.markDirty(at, size);
        entry.referenced = true;
      },
    };
  }

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

function structAccessor(layout: TypeLayout, field: FieldLayout, session: PoolSession): PropertyDescriptor {
  const inner = field.struct as TypeLayout;
  const fo = field.offset;
  return {
    get(this: View) {
      const state = this[STATE];
      if (state.offset < 0) session.deadView(state);
      return session.structView(inner, state, this[REL] + fo);
    },
    set(this: View, value: unknown) {
      if (typeof value !== 'object' || value === null) {
        throw new TypeError(`${layout.name}.${field.name}: expected an object with the fields of ${inner.name}`);
      }
      const target = session.structView(inner, this[STATE], this[REL] + fo) as unknown as Record<string, unknown>;
      for (const f of inner.fields) {
        if (f.name in value) target[f.name] = (value as Record<string, unknown>)[f.name];
      }
    },
  };
}

function storeOutside(what: string): TransactionError {
  return new TransactionError(
    `${what} outside runTransaction(): this class's persistence level is Transaction; wrap the store in runTransaction(pool, () => …) or choose PersistenceLevel.Flush/None`,
    'TX_REQUIRED',
  );
}
