/**
 * A pool file of persistent objects: create/open it with the classes it holds, reach objects from
 * its root, allocate and free them, iterate them, and close it. Object fields are live views of the
 * pool's memory (see objects/accessors.ts); changes go through runTransaction() (tx/runTransaction.ts).
 */
import * as native from '@pmemts/native';
import { InvalidObjectError, OutOfSpaceError, PoolCorruptError, PoolError, TransactionError } from '@pmemts/native';
import { resolveLayouts, type PersistentClass, type TypeLayout } from '../layout';
import { resolveClassMemory, resolveMemoryConfig, type HybridMemoryConfig, type ResolvedMemoryConfig } from '../memory/config';
import { DEAD, LAYOUT, REL, STATE, isStructView, isView } from '../objects/view-state';
import { compareCatalog, readCatalog, RootField, ROOT_RECORD_SIZE, throwIfMismatch, updateCatalogSection, upgradeLegacyTargets, writeCatalog, type Catalog } from './catalog';
import { PoolSession } from './PoolSession';
import type { PoolStats } from './stats';
import { deepCheck, type CheckReport, type DeepCheckProgress } from './deep-check';
import { CREATED_REPORT, openRecovering, recoveryReport, restoreCheckpoint, writeCheckpoint, type CheckpointOptions, type CheckpointResult, type RecoveryReport } from '../recovery';
import { checkCollectOptions, collect, defrag, finishInterruptedDefrag, isPinned, setPinned, type CollectOptions, type CollectReport, type DefragReport } from '../space';
import { checkMigrations, type MigrationTable, type Migrations } from '../schema/migrations-option';
import { migrateOnOpen, type MigrationProgress } from '../schema/migrator';
import { openBlockStore, openRegion, type BlockStore, type BlockStoreOptions, type Region } from '../regions';
import { HeatRecorder } from '../heat/HeatRecorder';
import { HEAT_SECTION, mergeHeat, parseHeatRecord, type HeatRecord } from '../heat/heat-record';
import { buildHeatReport, type HeatReport } from '../heat/heat-report';

export type { PersistentClass };

/** Options shared by Pool.create and Pool.open. */
export interface PoolOpenOptions {
  /** libpmemobj layout name stored in the pool header; opening with another name fails. @defaultValue 'pmemts' */
  layout?: string;
  /** Every `@Persistent` class this session uses (embedded structs and ref targets included). @defaultValue [] */
  types?: PersistentClass[];
  /** Default memory settings of every class (a class's own `@Persistent({ memory })` wins). @defaultValue write-through, Transaction level */
  memory?: HybridMemoryConfig;
  /** Crash isolation of the open (see docs/guarantees.md). @defaultValue 'open' */
  probe?: 'open' | 'walk' | false;
  /**
   * Open to look, not to change (tools): pmemts writes nothing at open or close, neither the open flag
   * (so `lastShutdownClean` survives for the next session) nor the schema catalog (classes missing
   * from it are not added). libpmemobj has no read-only open: the file is still mapped read-write,
   * its recovery may run, and stores through views are not refused. @defaultValue false
   */
  inspect?: boolean;
  /** Run the deep check after the open; its verdict is in `pool.recovery.verify` (the open succeeds either way). @defaultValue false */
  verify?: boolean;
  /**
   * Migration functions for classes whose version rose: `{ Account: { 2: (old, next) => { … } } }`.
   * Needed only for changes pmemts cannot convert by itself (a type change, a narrowing); see
   * docs/schema-evolution.md. Open completes the migration before it returns. @defaultValue {}
   */
  migrations?: Migrations;
  /** Called as a migration advances: its phase, objects done and their total (while rewiring: the heap objects that may hold a reference). @defaultValue none */
  onMigrationProgress?: MigrationProgress;
  /**
   * Record write heat: flushes per 64-byte line, bytes logged, bytes changed (see `heat()` and
   * docs/heat.md). Merged into the pool's heat record at close. Off, nothing is counted. @defaultValue false
   */
  heat?: boolean;
}

/** Options of Pool.create: those of Pool.open, plus the new file's size and mode. */
export interface PoolCreateOptions extends Omit<PoolOpenOptions, 'probe' | 'inspect' | 'verify'> {
  /** Pool file size in bytes, at least 8 MiB. @defaultValue 64 MiB */
  size?: number;
  /** File mode of the new pool file. @defaultValue 0o666 (before umask) */
  mode?: number;
}

const DEFAULT_LAYOUT = 'pmemts';
const DEFAULT_SIZE = 64 * 1024 * 1024;
const SESSION = Symbol('pmemts.session');

/**
 * An open pool file: its root, its objects, transactions over it (see runTransaction), checks and counters.
 * Made by `Pool.create`, `Pool.open` or `Pool.openOrCreate`; one per file per process.
 */
export class Pool {
  private readonly [SESSION]: PoolSession;
  private readonly rootOffset: number;
  /** False when the previous session of this pool ended without close() (a crash, or a pool never closed). */
  lastShutdownClean = true;
  /** Opened with `inspect`: the open flag is left as found. */
  private inspecting = false;
  private recoveryReport: RecoveryReport = CREATED_REPORT;
  /** When this session started recording heat. */
  private heatSince = new Date();

  private constructor(session: PoolSession, rootOffset: number) {
    this[SESSION] = session;
    this.rootOffset = rootOffset;
  }

  /**
   * Creates a new pool file holding `types`.
   * @throws {PoolError} when the file exists (POOL_EXISTS), its directory is missing, or size is under 8 MiB (POOL_TOO_SMALL).
   * @throws {TypeError} on malformed options or a class that is not `@Persistent`.
   */
  static create(path: string, options: PoolCreateOptions = {}): Pool {
    const prepared = prepare(options, 'Pool.create');
    const handle = native.create(path, options.layout ?? DEFAULT_LAYOUT, options.size ?? DEFAULT_SIZE, options.mode ?? 0o666);
    return Pool.attach(handle, prepared);
  }

  /**
   * Opens an existing pool and checks `types` against its schema catalog; new classes are added to it.
   * @throws {PoolError} when the file is missing, locked by another open (POOL_LOCKED), or its layout name differs.
   * @throws {PoolCorruptError} when the file is not a valid pool or libpmemobj crashed opening it (in the probe).
   * @throws {SchemaMismatchError} when a class differs from the catalog; the message lists every difference.
   */
  static open(path: string, options: PoolOpenOptions = {}): Pool {
    const prepared = prepare(options, 'Pool.open');
    if (options.inspect !== undefined && typeof options.inspect !== 'boolean') throw new TypeError('Pool.open: options.inspect must be a boolean');
    if (options.inspect === true && prepared.heat) throw new TypeError('Pool.open: options.heat records writes and saves them at close; an inspect open writes nothing');
    if (options.verify !== undefined && typeof options.verify !== 'boolean') throw new TypeError('Pool.open: options.verify must be a boolean');
    const opened = openRecovering(path, options.layout ?? DEFAULT_LAYOUT, options.probe === undefined ? 'open' : options.probe);
    const pool = Pool.attach(opened.handle, prepared, options.inspect === true);
    pool.recoveryReport = recoveryReport(opened, pool.lastShutdownClean, options.verify === true ? () => pool.deepCheck() : null);
    return pool;
  }

  /**
   * Copies the checkpoint file `checkpoint` (see `checkpoint()`) to `path`, after pmemobj_check found it
   * consistent; then `Pool.open(path)` opens it. Bad input changes nothing.
   * @throws {PoolError} POOL_EXISTS when `path` exists and `overwrite` is not set; POOL_LOCKED when it is an open pool; POOL_NOT_FOUND when `checkpoint` is missing.
   * @throws {PoolCorruptError} CHECKPOINT_CORRUPT when `checkpoint` is not a consistent pool.
   * @throws {RangeError} when both paths name one file. @throws {TypeError} on malformed arguments.
   */
  static restore(checkpoint: string, path: string, options: CheckpointOptions = {}): void {
    restoreCheckpoint(checkpoint, path, options);
  }

  /**
   * Opens `path` when it exists, else creates it (same options as create).
   * @throws {PoolError} as `create` does, or as `open` does for any failure but a missing file (which is created).
   * @throws {PoolCorruptError} when the file exists and is not a valid pool.
   * @throws {SchemaMismatchError} when a class differs from the existing pool's catalog.
   */
  static openOrCreate(path: string, options: PoolCreateOptions & Pick<PoolOpenOptions, 'probe'> = {}): Pool {
    try {
      return Pool.open(path, options);
    } catch (error) {
      if (error instanceof PoolError && error.code === 'POOL_NOT_FOUND') return Pool.create(path, options);
      throw error;
    }
  }

  private static attach(handle: native.NativePool, { layouts, memory, classMemory, migrations, onProgress, heat }: Prepared, inspect = false): Pool {
    try {
      const recorder = heat ? new HeatRecorder() : null;
      // Registering classes in the catalog is pmemts's own write, not the application's heat.
      if (recorder !== null) recorder.paused = true;
      const session = new PoolSession(handle, memory, recorder);
      layouts.forEach((layout, i) => session.register(layout, classMemory[i]));
      // handle.root() would allocate a missing root record: a write, which inspection must not make.
      if (inspect && handle.rootSize() < ROOT_RECORD_SIZE) {
        throw new PoolCorruptError(`${handle.path}: the pool has no pmemts root record (was it written by pmemts?)`, 'NOT_PMEMTS_POOL');
      }
      const rootOffset = handle.root(ROOT_RECORD_SIZE);
      const pool = new Pool(session, rootOffset);
      // A defragmentation a crash interrupted leaves raw pointers to finish before anything reads them.
      finishInterruptedDefrag(session, rootOffset);
      const catalog: Catalog | null = migrateOnOpen({ session, rootOffset, layouts, migrations, onProgress }, inspect);
      if (catalog !== null) throwIfMismatch(handle.path, compareCatalog(catalog, layouts));
      const upgraded = catalog === null ? null : upgradeLegacyTargets(catalog, layouts);
      const known = new Set(catalog?.types.map((t) => t.name) ?? []);
      if (!inspect && (catalog === null || upgraded !== null || layouts.some((l) => !known.has(l.name)))) {
        session.tx.atomically(() => writeCatalog(session, rootOffset, upgraded ?? catalog, layouts));
      }
      if (recorder !== null) recorder.paused = false;
      pool.lastShutdownClean = session.dv.getUint32(rootOffset + RootField.openFlag, true) === 0;
      pool.inspecting = inspect;
      pool.setOpenFlag(1);
      return pool;
    } catch (error) {
      if (!handle.closed) handle.close();
      throw error;
    }
  }

  /** File the pool lives in. */
  get path(): string {
    return this[SESSION].native.path;
  }

  /** Whether the mapping is real persistent memory (or forced with PMEM_IS_PMEM_FORCE=1); false means flushes are msync. */
  get isPmem(): boolean {
    return this[SESSION].native.isPmem;
  }

  /** What this open recovered: the previous session's shutdown, a rolled-back transaction, the open's time, the deep check's verdict (docs/recovery.md). */
  get recovery(): RecoveryReport {
    return this.recoveryReport;
  }

  /**
   * Writes a consistent copy of the pool to `path` (write-back data flushed first): a valid pool of its
   * own, holding the last committed state, with a clean open flag. Blocks the thread for the copy.
   * The copy shares the pool's UUID, so libpmemobj opens only one of the two per process.
   * @throws {TransactionError} TX_OPEN inside a transaction. @throws {PoolError} POOL_EXISTS when `path` exists and `overwrite` is not set.
   * @throws {RangeError} when `path` is the pool's own file. @throws {TypeError} on malformed arguments. @throws {PoolClosedError} when the pool is closed.
   */
  checkpoint(path: string, options: CheckpointOptions = {}): CheckpointResult {
    return writeCheckpoint(this.live(), this.rootOffset + RootField.openFlag, path, options);
  }

  /** True after `close()`: every view of the pool throws PoolClosedError from then on. */
  get closed(): boolean {
    return this[SESSION].closed;
  }

  /**
   * The root object of class `Class`, allocated (zeroed) on first use.
   * @throws {TypeError} when Class is not one of the pool's types, or the existing root is of another class.
   * @throws {OutOfSpaceError} when the pool has no room for the root object.
   * @throws {PoolClosedError} when the pool is closed.
   */
  root<T extends object>(Class: PersistentClass<T>): T {
    const session = this.live();
    const entry = session.classOf(Class, 'root');
    const dv = session.dv;
    const at = this.rootOffset + RootField.userRoot;
    const existing = Number(dv.getBigUint64(at, true));
    if (existing !== 0) {
      const typeNum = Number(dv.getBigUint64(this.rootOffset + RootField.userRootType, true));
      if (typeNum !== entry.layout.typeNum) {
        const other = session.layouts().find((l) => l.typeNum === typeNum)?.name ?? `type number ${typeNum}`;
        throw new TypeError(`root: the pool's root object is a ${other}, not a ${entry.layout.name}`);
      }
      return session.viewAt(entry.layout, existing) as T;
    }
    return session.tx.atomically(() => {
      const offset = session.tx.allocate(entry.layout.size, entry.layout.typeNum, `root(${entry.layout.name})`);
      session.native.txAddRange(this.rootOffset + RootField.userRoot, 16);
      dv.setBigUint64(at, BigInt(offset), true);
      dv.setBigUint64(this.rootOffset + RootField.userRootType, BigInt(entry.layout.typeNum), true);
      return session.allocatedView(entry, offset) as unknown as T;
    });
  }

  /**
   * Allocates a new object of `Class` transactionally (inside the running transaction, or its own),
   * zeroed, then assigns `init`'s fields. Constructors are not run: persistent objects are views.
   * @throws {OutOfSpaceError} when the pool is full (the transaction is aborted).
   * @throws {FieldValueError} when an init value does not fit its field (the transaction is aborted).
   * @param options - `pinned`: pin the new object in the same transaction (see {@link Pool.pin}).
   * @throws {TypeError} when Class is not one of the pool's types, or `init` names a field it lacks.
   * @throws {PoolClosedError} when the pool is closed.
   */
  create<T extends object>(Class: PersistentClass<T>, init?: Partial<T>, options?: { pinned?: boolean }): T {
    const session = this.live();
    const entry = session.classOf(Class, 'create');
    if (init !== undefined && (typeof init !== 'object' || init === null)) throw new TypeError('create: init must be an object');
    if (options !== undefined && (typeof options !== 'object' || options === null)) throw new TypeError('create: options must be an object');
    if (options?.pinned !== undefined && typeof options.pinned !== 'boolean') throw new TypeError('create: options.pinned must be a boolean');
    return session.tx.atomically(() => {
      const offset = session.tx.allocate(entry.layout.size, entry.layout.typeNum, `create(${entry.layout.name})`);
      const view = session.allocatedView(entry, offset) as unknown as T;
      if (init) {
        const names = new Set(entry.layout.fields.map((f) => f.name));
        for (const [key, value] of Object.entries(init)) {
          if (!names.has(key)) throw new TypeError(`create: ${entry.layout.name} has no persistent field '${key}'`);
          (view as Record<string, unknown>)[key] = value;
        }
      }
      if (options?.pinned === true) setPinned(session, this.rootOffset, offset, entry.layout.typeNum, true);
      return view;
    });
  }

  /**
   * Frees `obj` transactionally (with its heap strings/bytes and the nodes of its maps and vectors). Its view, and any other view of it,
   * throws InvalidObjectError afterwards; an abort brings it back.
   * @throws {InvalidObjectError} when obj is already freed. @throws {TypeError} when obj is not a live object of this pool.
   * @throws {PoolClosedError} when the pool is closed.
   */
  free(obj: object): void {
    const session = this.live();
    if (!isView(obj) || obj[STATE].session !== session) throw new TypeError('free: expected a live object of this pool');
    const state = obj[STATE];
    if (state.offset === DEAD) session.deadView(state);
    if (isStructView(obj)) {
      throw new TypeError(`free: this ${obj[LAYOUT].name} is embedded in a ${state.layout.name}; free the ${state.layout.name} that holds it`);
    }
    if (state.offset === Number(session.dv.getBigUint64(this.rootOffset + RootField.userRoot, true))) {
      throw new TypeError('free: the root object cannot be freed');
    }
    const what = `free(${state.layout.name})`;
    session.tx.atomically(() => {
      for (const owned of session.ownedAllocationsOf(state)) session.tx.free(null, owned, what);
      session.tx.free(state, state.offset, what);
    });
  }

  /**
   * Iterates every object of `Class` in the pool (a heap walk by type number: O(objects in the pool)).
   * @throws {TypeError} when Class is not one of the pool's types. @throws {PoolClosedError} when the pool is closed.
   */
  objects<T extends object>(Class: PersistentClass<T>): IterableIterator<T> {
    // Checked at the call, not at the first next(): a generator would defer the errors.
    const session = this.live();
    const { layout } = session.classOf(Class, 'objects');
    return (function* walk() {
      for (let offset = session.native.first(layout.typeNum); offset !== 0; offset = session.native.next(offset, layout.typeNum)) {
        yield session.viewAt(layout, offset) as T;
      }
    })();
  }

  /** The layouts of the classes this pool session knows. @throws {PoolClosedError} when the pool is closed. */
  layouts(): TypeLayout[] {
    return this.live().layouts();
  }

  /** The root object, of whatever class it is, or null when none was created yet. @throws {PoolClosedError} when the pool is closed. */
  rootObject(): object | null {
    const offset = Number(this.live().dv.getBigUint64(this.rootOffset + RootField.userRoot, true));
    return offset === 0 ? null : this.objectAt(offset);
  }

  /**
   * The live object at `offset`, of the class its type number names.
   * @throws {InvalidObjectError} when no live object starts there. @throws {TypeError} when its type number is not one of the pool's classes.
   * @throws {PoolClosedError} when the pool is closed.
   */
  objectAt(offset: number): object {
    const session = this.live();
    if (!session.native.isObject(offset)) throw new InvalidObjectError(`offset ${offset} is not a live object of this pool`, 'INVALID_OBJECT');
    const typeNum = session.native.typeNum(offset);
    const layout = session.layouts().find((l) => l.typeNum === typeNum);
    if (layout === undefined) throw new TypeError(`the object at ${offset} has type number ${typeNum}, which is none of this pool's classes`);
    return session.viewAt(layout, offset);
  }

  /**
   * Where `obj` lives in the pool and what it is: `offset` from the start of the pool, and the `layout` of its class.
   * @throws {TypeError} when obj is not a live object of this pool. @throws {InvalidObjectError} when obj was freed.
   * @throws {PoolClosedError} when the pool is closed.
   */
  locate(obj: object): { offset: number; layout: TypeLayout } {
    const session = this.live();
    if (!isView(obj) || obj[STATE].session !== session) throw new TypeError('locate: expected a live object of this pool');
    const state = obj[STATE];
    if (state.offset === DEAD) session.deadView(state);
    return { offset: state.offset + obj[REL], layout: obj[LAYOUT] };
  }

  /**
   * The pmemts deep check: types known, fields decodable, refs and heap slots live, everything
   * reachable from the root (leaks listed). O(objects in the pool).
   * @param onProgress - called every 1,000 allocations: first while listing the heap (`phase`
   * 'listing', `done` allocations listed so far, total unknown), then while checking them (`phase`
   * 'checking', `done` out of `total`). The reachability walk after that is not counted.
   * @throws {TypeError} when onProgress is not a function. @throws {PoolClosedError} when the pool is closed.
   */
  deepCheck(onProgress?: DeepCheckProgress): CheckReport {
    if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError(`deepCheck: onProgress must be a function, got ${typeof onProgress}`);
    return deepCheck(this.live(), this.rootOffset, onProgress);
  }

  /** Every allocation in the pool (objects, heap strings, the catalog): `offset`, libpmemobj `typeNum`, `usableSize` in bytes. @throws {PoolClosedError} when the pool is closed. */
  *heap(): IterableIterator<{ offset: number; typeNum: number; usableSize: number }> {
    const native = this.live().native;
    for (let offset = native.first(); offset !== 0; offset = native.next(offset)) {
      yield { offset, typeNum: native.typeNum(offset), usableSize: native.usableSize(offset) };
    }
  }

  /**
   * The raw persistent byte region named `name` (docs/regions.md): created zeroed with `bytes` bytes on
   * first use (in a transaction of its own, with its entry in the pool's region directory), the same
   * region on every later call and after reopening. One Region object per name per open pool.
   * @throws {PoolError} REGION_SIZE_MISMATCH when `name` exists with another size.
   * @throws {TransactionError} TX_OPEN when `name` is new and a transaction runs (create regions outside transactions).
   * @throws {OutOfSpaceError} when the pool has no room. @throws {TypeError} or {RangeError} for a bad name (empty, over 255 UTF-8 bytes) or bytes (an integer from 1 to MAX_ALLOC_SIZE).
   * @throws {PoolClosedError} when the pool is closed.
   */
  region(name: string, bytes: number): Region {
    return openRegion(this.live(), this.rootOffset, name, bytes);
  }

  /**
   * The block store named `name` (docs/regions.md): `count` blocks of `blockSize` bytes whose writes are
   * each power-fail atomic. Created zeroed on first use (outside transactions); the same store later and
   * after reopening; `options` may be left out to open an existing store.
   * @throws {PoolError} BLOCKS_GEOMETRY_MISMATCH when `name` exists with another geometry.
   * @throws {TransactionError} TX_OPEN when `name` is new and a transaction runs. @throws {OutOfSpaceError} when the pool has no room.
   * @throws {TypeError} or {RangeError} for a bad name or geometry, or no options for a store that does not exist.
   * @throws {PoolCorruptError} BLOCK_STORE_CORRUPT when the store's header or map is damaged. @throws {PoolClosedError} when the pool is closed.
   */
  blocks(name: string, options?: BlockStoreOptions): BlockStore {
    return openBlockStore(this.live(), this.rootOffset, name, options);
  }

  /** Mapped size of the pool file in bytes. @throws {PoolClosedError} when the pool is closed. */
  get size(): number {
    return this.live().native.size;
  }

  /** The pool's uuid_lo (the tag of its PMEMoids). @throws {PoolClosedError} when the pool is closed. */
  get uuidLo(): bigint {
    return this.live().native.uuidLo;
  }

  /** Persists the dirty DRAM copies of write-back classes at the Flush level (and copies those at level None). @throws {PoolClosedError} when the pool is closed. */
  flush(): void {
    this.live().flush(true);
  }

  /**
   * Write heat over the recorded period: the sessions opened with `heat: true` (merged at their close)
   * and this one when it records. Lines are attributed to the objects that hold them now. O(allocations).
   * @param options - `top`: how many objects and lines to list (default 20); `reset`: clear the record
   * (and this session's counts) after reporting.
   * @throws {RangeError} when top is not a positive integer. @throws {TransactionError} TX_OPEN when `reset` is asked inside runTransaction.
   * @throws {PoolClosedError} when the pool is closed.
   */
  heat(options: { top?: number; reset?: boolean } = {}): HeatReport {
    const session = this.live();
    if (typeof options !== 'object' || options === null) throw new TypeError('heat: options must be an object');
    const top = options.top ?? 20;
    if (!Number.isSafeInteger(top) || top < 1) throw new RangeError(`heat: options.top must be a positive integer, got ${String(top)}`);
    if (options.reset !== undefined && typeof options.reset !== 'boolean') throw new TypeError('heat: options.reset must be a boolean');
    if (options.reset === true && session.tx.active) throw new TransactionError('heat: reset writes the pool; call it outside runTransaction', 'TX_OPEN');
    const saved = this.savedHeat();
    const record = session.heat === null ? saved : mergeHeat(saved, session.heat, this.heatSince, 1);
    const report = buildHeatReport(record, session.heat !== null, [...this.heap()], session.layouts(), top);
    if (options.reset === true) {
      this.writeHeat(undefined);
      session.heat?.clear();
      this.heatSince = new Date();
    }
    return report;
  }

  private savedHeat(): HeatRecord | null {
    const session = this[SESSION];
    return parseHeatRecord(readCatalog(session, this.rootOffset)?.sections?.[HEAT_SECTION], this.path);
  }

  /** Replaces the pool's heat record (undefined: removes it); pmemts's own writes are not counted as heat. */
  private writeHeat(record: HeatRecord | undefined): void {
    const session = this[SESSION];
    const heat = session.heat;
    if (heat !== null) heat.paused = true;
    try {
      session.tx.atomically(() => updateCatalogSection(session, this.rootOffset, HEAT_SECTION, record));
    } finally {
      if (heat !== null) heat.paused = false;
    }
  }

  /**
   * Pins `obj`: a pinned object is a root for {@link Pool.collect}, kept with everything it reaches
   * although the root does not reach it, and {@link Pool.defrag} does not move it. Objects an
   * application finds only through `objects()` are garbage unless pinned. Pins live in the schema
   * catalog (each call rewrites it): pin a few entry points, not every object. Transactional.
   * @throws {TypeError} when obj is not a live object of this pool, or is embedded in another.
   * @throws {InvalidObjectError} when obj was freed. @throws {PoolError} POOL_INSPECTING when opened with `inspect`.
   * @throws {PoolClosedError} when the pool is closed.
   */
  pin(obj: object): void {
    this.setPin(obj, true, 'pin');
  }

  /** Unpins `obj` (nothing when it is not pinned); see {@link Pool.pin}. @throws as {@link Pool.pin}. */
  unpin(obj: object): void {
    this.setPin(obj, false, 'unpin');
  }

  /** Whether `obj` is pinned; see {@link Pool.pin}. @throws as {@link Pool.pin}. */
  isPinned(obj: object): boolean {
    const { offset } = this.locateWhole(obj, 'isPinned');
    return isPinned(this.live(), this.rootOffset, offset);
  }

  private setPin(obj: object, pinned: boolean, what: string): void {
    const { offset, layout } = this.locateWhole(obj, what);
    this.refuseInspecting(what);
    const session = this.live();
    session.tx.atomically(() => setPinned(session, this.rootOffset, offset, layout.typeNum, pinned));
  }

  private locateWhole(obj: object, what: string): { offset: number; layout: TypeLayout } {
    if (isView(obj) && isStructView(obj)) throw new TypeError(`${what}: this ${obj[LAYOUT].name} is embedded in a ${obj[STATE].layout.name}; ${what} the ${obj[STATE].layout.name}`);
    try {
      return this.locate(obj);
    } catch (error) {
      if (error instanceof TypeError) throw new TypeError(`${what}: expected a live object of this pool`);
      throw error;
    }
  }

  /**
   * Reachability garbage collection: marks from the root object, the schema catalog and the pinned
   * objects through refs, heap strings/bytes and maps/vectors, then frees every unreachable allocation
   * in transactions of `batchSize` frees. An object kept only through `objects()` is unreachable: pin
   * it, or reach it from the root. Live views of freed objects throw InvalidObjectError OBJECT_FREED.
   * A crash mid-collection loses nothing reachable; collecting again finishes. See docs/space.md.
   * @param options - `dryRun`: list what would be freed (with sizes), free nothing.
   * @throws {TypeError} on malformed options. @throws {TransactionError} TX_OPEN inside a transaction.
   * @throws {PoolError} TYPES_MISSING when the pool holds objects of classes this session lacks; POOL_INSPECTING (not for a dry run) when opened with `inspect`.
   * @throws {PoolCorruptError} COLLECTION_CORRUPT when a map or vector is damaged (nothing is freed).
   * @throws {PoolClosedError} when the pool is closed.
   */
  collect(options: CollectOptions = {}): CollectReport {
    const checked = checkCollectOptions(options);
    if (checked.dryRun !== true) this.refuseInspecting('collect');
    return collect(this.live(), this.rootOffset, checked);
  }

  /**
   * Defragments the heap with pmemobj_defrag, giving it every pointer to every object that may move
   * (refs, map/vector nodes and ref values, heap strings/bytes, the root record's user root); pinned
   * objects and the schema catalog stay. Live views of moved objects follow them (same objects, new
   * offsets); map/vector iterators made before throw COLLECTION_MODIFIED. A crash mid-way is finished
   * at the next open. Reports occupancy before and after, `stats.heap.*` included. See docs/space.md.
   * @throws {TransactionError} TX_OPEN inside a transaction. @throws {PoolError} TYPES_MISSING and POOL_INSPECTING as collect.
   * @throws {OutOfSpaceError} when the pool has no room for the journal (nothing moved).
   * @throws {PoolCorruptError} COLLECTION_CORRUPT when a map or vector is damaged (nothing moved).
   * @throws {PoolClosedError} when the pool is closed.
   */
  defrag(): DefragReport {
    this.refuseInspecting('defrag');
    return defrag(this.live(), this.rootOffset);
  }

  /** An inspection open promises to write nothing (and may meet an unfinished migration's work list, which only an open that migrates keeps). */
  private refuseInspecting(what: string): void {
    if (this.inspecting) throw new PoolError(`${what}: the pool was opened with inspect: true, which writes nothing; open it without inspect`, 'POOL_INSPECTING');
  }

  /** Counters since the pool was opened. @throws {PoolClosedError} when the pool is closed. */
  stats(): PoolStats {
    const session = this.live();
    return { ...session.stats, dramBytes: session.cache?.heldBytes ?? 0 };
  }

  /**
   * Flushes write-back data, merges this session's write heat into the pool's record (when it records
   * heat), invalidates every object view and closes the pool.
   * @throws {TransactionError} inside runTransaction. @throws {PoolClosedError} when already closed.
   */
  close(): void {
    const session = this.live();
    if (session.tx.active) throw new TransactionError('close: cannot close a pool inside its transaction', 'TX_OPEN');
    session.flush(true);
    if (session.heat !== null) {
      try {
        this.writeHeat(mergeHeat(this.savedHeat(), session.heat, this.heatSince, 1));
      } catch (error) {
        // A full pool must still close: its data is safe, only this session's heat is not kept (docs/heat.md).
        if (!(error instanceof OutOfSpaceError)) throw error;
      }
    }
    this.setOpenFlag(0);
    session.close();
  }

  /** An aligned 4-byte store is failure-atomic, so the flag needs no transaction, only a persist. */
  private setOpenFlag(value: 0 | 1): void {
    if (this.inspecting) return;
    const session = this[SESSION];
    session.dv.setUint32(this.rootOffset + RootField.openFlag, value, true);
    session.native.persist(this.rootOffset + RootField.openFlag, 4);
  }

  /** @internal */
  static sessionOf(pool: Pool): PoolSession {
    if (!(pool instanceof Pool)) throw new TypeError('expected a Pool');
    return pool.live();
  }

  private live(): PoolSession {
    const session = this[SESSION];
    if (session.closed) throw session.closedError();
    return session;
  }
}

/** Options checked and resolved before any file is touched, so bad options leave nothing behind. */
interface Prepared {
  readonly layouts: TypeLayout[];
  readonly memory: ResolvedMemoryConfig;
  /** Each layout's memory settings, in the order of `layouts`. */
  readonly classMemory: ResolvedMemoryConfig[];
  readonly migrations: MigrationTable;
  readonly onProgress?: MigrationProgress;
  /** Record write heat. */
  readonly heat: boolean;
}

function prepare(options: PoolOpenOptions, where: string): Prepared {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object`);
  const types = options.types ?? [];
  if (!Array.isArray(types)) throw new TypeError(`${where}: options.types must be an array of @Persistent classes`);
  const memory = resolveMemoryConfig(options.memory, undefined, 'options.memory');
  // LayoutValidator refuses reserved type numbers (FIRST_RESERVED_TYPE_NUM and up).
  const layouts = resolveLayouts(types as Function[]);
  const classMemory = layouts.map((layout) => resolveClassMemory(layout.name, layout.memory as HybridMemoryConfig | undefined, memory));
  const migrations = checkMigrations(options.migrations, layouts, where);
  const onProgress = options.onMigrationProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError(`${where}: options.onMigrationProgress must be a function, got ${typeof onProgress}`);
  if (options.heat !== undefined && typeof options.heat !== 'boolean') throw new TypeError(`${where}: options.heat must be a boolean`);
  return { layouts, memory, classMemory, migrations, onProgress, heat: options.heat === true };
}
