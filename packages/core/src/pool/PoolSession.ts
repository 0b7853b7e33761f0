/**
 * Everything one open pool needs at run time: the native handle and its views of the mapping, the
 * layouts and per-class prototypes, the identity map of live objects, the transaction, the DRAM tier
 * and the counters. `Pool` is the public face; this is what accessors and codecs talk to.
 */
import { InvalidObjectError, PoolClosedError, PoolCorruptError, type NativePool } from '@pmemts/native';
import { BLOB_TYPE_NUM } from '@pmemts/decorators';
import { DramCache } from '../cache/DramCache';
import type { CacheEntry } from '../cache/CacheEntry';
import type { FieldLayout, TypeLayout } from '../layout';
import { WritePolicy, type ResolvedMemoryConfig } from '../memory/config';
import { buildPrototype, viewFactory } from '../objects/accessors';
import type { SessionHost } from '../objects/session-host';
import type { TxHost } from '../tx/tx-host';
import { DEAD, LAYOUT, STATE, ViewState, isStructView, isView, type View } from '../objects/view-state';
import { TransactionState } from '../tx/TransactionState';
import { collectionAllocations, isCollectionField } from '../collections/collection-field';
import { emptyStats, type PoolStats } from './stats';
import type { HeatRecorder } from '../heat/HeatRecorder';


interface ClassEntry {
  readonly layout: TypeLayout;
  readonly memory: ResolvedMemoryConfig;
  /** Creates a view: a constructor call on the class's per-pool prototype (cheaper than defineProperty). */
  readonly make: (state: ViewState, rel: number) => View;
  /**
   * View makers of the structs embedded in this class, by struct layout. A struct's bytes are part of
   * its owner, so its accessors follow the owner's memory settings (its DRAM copy, its level), not
   * the ones the struct's class has on its own.
   */
  readonly structMakers: Map<TypeLayout, (state: ViewState, rel: number) => View>;
}

export class PoolSession implements SessionHost, TxHost {
  dv: DataView;
  private u8: Uint8Array;
  readonly stats: PoolStats = emptyStats();
  readonly tx: TransactionState;
  cache: DramCache | null = null;
  readonly uuidLo: bigint;
  closed = false;
  private readonly classes = new Map<Function, ClassEntry>();
  private readonly byTypeNum = new Map<number, ClassEntry>();
  private readonly identity = new Map<number, WeakRef<View>>();
  private sweepAt = 1024;
  private readonly flushDirty = new Set<CacheEntry>();

  constructor(
    readonly native: NativePool,
    readonly memory: ResolvedMemoryConfig,
    /** Write heat, when the pool was opened with `heat: true`. */
    readonly heat: HeatRecorder | null = null,
  ) {
    this.dv = new DataView(native.buffer);
    this.u8 = new Uint8Array(native.buffer);
    this.uuidLo = native.uuidLo;
    this.tx = new TransactionState(this);
  }

  /** Registers a resolved class layout with its class-level memory settings. */
  register(layout: TypeLayout, memory: ResolvedMemoryConfig): void {
    if (memory.writePolicy === WritePolicy.WriteBack && this.cache === null) {
      this.cache = new DramCache(this.memory.cacheBytes, this.stats);
    }
    const entry: ClassEntry = { layout, memory, make: viewFactory(buildPrototype(layout, this, memory)), structMakers: new Map() };
    this.classes.set(layout.ctor, entry);
    this.byTypeNum.set(layout.typeNum, entry);
  }

  classOf(ctor: Function, what: string): ClassEntry {
    const entry = this.classes.get(ctor);
    if (entry === undefined) {
      throw new TypeError(`${what}: ${ctor?.name ?? String(ctor)} is not one of this pool's types; pass it in the pool's \`types\` option`);
    }
    return entry;
  }

  layouts(): TypeLayout[] {
    return [...this.classes.values()].map((c) => c.layout);
  }

  pmemBytes(): Uint8Array {
    if (this.closed) throw this.closedError();
    return this.u8;
  }

  /** The one view of the object at `offset` (identity map), creating it when needed. */
  view(entry: ClassEntry, offset: number): View {
    const existing = this.identity.get(offset)?.deref();
    if (existing !== undefined && existing[STATE].layout === entry.layout) return existing;
    const view = entry.make(new ViewState(offset, entry.layout, this), 0);
    this.remember(offset, view);
    return view;
  }

  /** A view of an object allocated in the running transaction (write-back copies start fresh). */
  allocatedView(entry: ClassEntry, offset: number): View {
    const state = new ViewState(offset, entry.layout, this);
    this.tx.trackAllocated(state);
    const view = entry.make(state, 0);
    this.remember(offset, view);
    if (entry.memory.writePolicy === WritePolicy.WriteBack) this.cache?.fresh(state);
    return view;
  }

  /** A view of an embedded struct: shares its parent's state, adds its relative offset. */
  structView(layout: TypeLayout, state: ViewState, rel: number): View {
    const owner = this.classOf(state.layout.ctor, state.layout.name);
    let make = owner.structMakers.get(layout);
    if (make === undefined) {
      this.classOf(layout.ctor, layout.name); // the struct's class must be one of the pool's types too
      make = viewFactory(buildPrototype(layout, this, owner.memory));
      owner.structMakers.set(layout, make);
    }
    return make(state, rel);
  }

  /**
   * Identity map entries are weak; dead ones are swept once the map has doubled since the last sweep,
   * which costs less per object than a FinalizationRegistry registration. The sweep runs after the
   * current job: until it ends, every WeakRef target is kept alive anyway (the spec's KeepDuringJob
   * set), so a sweep inside a long synchronous loop finds nothing dead and only grows that set.
   */
  private remember(offset: number, view: View): void {
    this.identity.set(offset, new WeakRef(view));
    if (this.identity.size > this.sweepAt) {
      this.sweepAt = Infinity;
      setImmediate(() => this.sweepIdentity()).unref();
    }
  }

  private sweepIdentity(): void {
    for (const [key, ref] of this.identity) if (ref.deref() === undefined) this.identity.delete(key);
    this.sweepAt = Math.max(1024, 2 * this.identity.size);
  }

  /** The state of the live view of the object at `offset`, or null when the process holds none. */
  liveViewState(offset: number): ViewState | null {
    const state = this.identity.get(offset)?.deref()?.[STATE];
    return state !== undefined && state.offset === offset ? state : null;
  }

  /**
   * Points the live views of moved objects at their new offsets (old -> new) and re-keys the identity
   * map (defragmentation). Returns how many views were moved.
   */
  relocateViews(moves: ReadonlyMap<number, number>): number {
    const moved: [number, WeakRef<View>][] = [];
    for (const [from, to] of moves) {
      const ref = this.identity.get(from);
      const state = ref?.deref()?.[STATE];
      if (ref === undefined || state === undefined || state.offset !== from) continue;
      this.identity.delete(from);
      state.offset = to;
      moved.push([to, ref]);
    }
    // Set after every delete: an object may have moved to where another one was.
    for (const [to, ref] of moved) this.identity.set(to, ref);
    return moved.length;
  }

  /** Drops a view from the identity map (freed, or allocation rolled back). */
  forget(state: ViewState, offset: number): void {
    if (this.identity.get(offset)?.deref()?.[STATE] === state) this.identity.delete(offset);
    if (state.cache !== null) this.cache?.drop(state.cache);
  }

  /** Throws the error for a view that cannot be used any more. */
  deadView(state: ViewState): never {
    if (this.closed) throw this.closedError();
    throw new InvalidObjectError(`this ${state.layout.name} object was freed (or its allocation was rolled back)`, 'OBJECT_FREED');
  }

  loadCache(state: ViewState): CacheEntry {
    if (this.cache === null) throw new Error('write-back view without a DRAM tier');
    return this.cache.load(state, this.pmemBytes());
  }

  noteFlushDirty(entry: CacheEntry): void {
    this.flushDirty.add(entry);
  }

  persistRange(offset: number, length: number): void {
    this.native.persist(offset, length);
    this.heat?.flushed(offset, length);
    this.stats.flushes++;
    this.stats.drains++;
    this.stats.bytesPersisted += length;
  }

  /** Writes the dirty DRAM copies of non-transactional write-back classes to the pool. */
  flush(persist: boolean): void {
    if (this.flushDirty.size === 0) return;
    for (const entry of this.flushDirty) {
      const state = entry.owner;
      if (state.offset === DEAD || !entry.dirty) continue;
      const bytes = entry.slice(entry.dirtyLo, entry.dirtyHi);
      const at = state.offset + entry.dirtyLo;
      if (persist) {
        this.native.memcpyPersist(at, bytes, 1 /* MemFlags.NoDrain */);
        this.heat?.flushed(at, bytes.length);
        this.stats.flushes++;
      } else {
        this.u8.set(bytes, at);
      }
      this.stats.bytesPersisted += bytes.length;
      entry.clean();
    }
    if (persist) {
      this.native.drain();
      this.stats.drains++;
    }
    this.flushDirty.clear();
  }

  // --- CodecHost ------------------------------------------------------------------------------

  viewAt(layout: TypeLayout, offset: number): object {
    const existing = this.identity.get(offset)?.deref();
    if (existing !== undefined && existing[STATE].offset === offset) return existing;
    const entry = this.classOf(layout.ctor, layout.name);
    if (!this.native.isObject(offset)) {
      throw new PoolCorruptError(`a ${layout.name} reference points at offset ${offset}, which is not a live object`, 'DANGLING_REF');
    }
    const typeNum = this.native.typeNum(offset);
    if (typeNum !== layout.typeNum) {
      throw new PoolCorruptError(
        `a ${layout.name} reference points at an object of type number ${typeNum}, not ${layout.typeNum}`,
        'REF_TYPE_MISMATCH',
      );
    }
    return this.view(entry, offset);
  }

  offsetOfRef(value: object, layout: TypeLayout): number | string {
    if (!isView(value)) return `expected a live ${layout.name} object of this pool, got a plain ${value.constructor?.name ?? 'object'}`;
    const state = value[STATE];
    if (state.session !== this) return `the ${state.layout.name} object belongs to another pool`;
    if (state.offset === DEAD) return `the ${state.layout.name} object was freed`;
    if (isStructView(value)) return `this ${value[LAYOUT].name} is embedded in a ${state.layout.name} and cannot be referenced; reference the ${state.layout.name}`;
    if (state.layout !== layout) return `expected a ${layout.name}, got a ${state.layout.name}`;
    return state.offset;
  }

  layoutOfTarget(field: FieldLayout): TypeLayout {
    const ctor = field.target?.();
    if (typeof ctor !== 'function') throw new TypeError(`${field.name}: reference target is not a class`);
    return this.classOf(ctor, `reference ${field.name}`).layout;
  }

  allocBlob(bytes: Uint8Array, what: string): number {
    const offset = this.tx.allocate(bytes.length, BLOB_TYPE_NUM, `store to ${what}`);
    this.u8.set(bytes, offset);
    return offset;
  }

  /**
   * The allocations an object owns and that are freed with it: the blobs its heap string/bytes slots
   * point at and the header and nodes of its maps and vectors, embedded structs included, read from
   * its latest bytes (the DRAM copy under write-back holds stores the pool has not seen yet).
   */
  ownedAllocationsOf(state: ViewState): number[] {
    const dv = state.cache?.view ?? this.dv;
    const base = state.cache !== null ? state.cache.at : state.offset;
    const owned: number[] = [];
    const visit = (layout: TypeLayout, at: number): void => {
      for (const field of layout.fields) {
        if (field.kind === 'struct') visit(field.struct as TypeLayout, at + field.offset);
        else if (isCollectionField(field)) owned.push(...collectionAllocations(this.dv, dv, at + field.offset, field));
        else if (field.kind === 'heapString' || field.kind === 'heapBytes') {
          const blob = Number(dv.getBigUint64(at + field.offset, true));
          if (blob !== 0) owned.push(blob);
        }
      }
    };
    visit(state.layout, base);
    return owned;
  }

  freeBlob(offset: number): void {
    this.tx.free(null, offset, 'free of a heap string');
  }

  /** Invalidates every view: later accesses throw PoolClosedError. */
  close(): void {
    if (this.tx.active) this.tx.abort();
    this.flush(true);
    this.closed = true;
    for (const ref of this.identity.values()) {
      const view = ref.deref();
      if (view !== undefined) view[STATE].offset = DEAD;
    }
    this.identity.clear();
    this.cache?.clear();
    this.native.close();
    this.dv = new DataView(new ArrayBuffer(0));
    this.u8 = new Uint8Array(0);
  }

  closedError(): PoolClosedError {
    return new PoolClosedError(`pool ${this.native.path} is closed`, 'POOL_CLOSED');
  }
}
