/**
 * The crash-resumable migrator Pool.open runs before it returns. Objects change size, so each object of
 * a migrating class is copied into a new allocation; then every reference to an old object is rewired
 * to its copy; then the old objects are freed; then, in one transaction, the catalog takes the new
 * layouts. Every phase runs in bounded transactions (BATCH objects each) and records its progress in
 * a work list in the pool, named by the catalog's 'migration' section (`{ list: offset }`):
 *
 *   work list (a blob): u32 magic 'PMIG' | u32 phase | u64 cursor | u64 count | u64 plan bytes |
 *                       count × { u64 old offset, u64 new offset (0 until copied) } |
 *                       plan: JSON { target: the catalog types migrated to, counts: objects of each,
 *                                    added: the classes new to the pool, which targets may refer to }
 *
 * The plan lives in the blob, not in the catalog section, so the catalog keeps its size: on a small,
 * fragmented pool a catalog twice as large can find no room (libpmemobj gives each size class its own
 * chunks).
 *
 * A crash at any point leaves the last committed batch; the next open resumes the phase at its cursor
 * and ends in the state an uninterrupted run reaches. A migration function that throws rolls the copies
 * back (phase 'rollback', also resumable) and the pool stays at its old version.
 */
import { BLOB_TYPE_NUM, CATALOG_TYPE_NUM, COLLECTION_HEADER_TYPE_NUM, COLLECTION_NODE_TYPE_NUM, getRecordedLayout } from '@pmemts/decorators';
import { PoolCorruptError } from '@pmemts/native';
import { SchemaMismatchError, type SchemaDifference } from '../errors';
import { resolveLayout, type TypeLayout } from '../layout';
import { readOffset, writeOffset } from '../collections/node-format';
import { STATE, isView } from '../objects/view-state';
import { catalogTypeOf, compareCatalog, readCatalog, RootField, updateCatalogSection, writeCatalog, type Catalog, type CatalogType } from '../pool/catalog';
import { classesFromCatalog } from '../pool/inspect';
import type { PoolSession } from '../pool/PoolSession';
import { diffSchema, manualFields, type ClassDiff } from './diff';
import { ObjectConverter, readOldValues } from './convert';
import { MigrationError } from './MigrationError';
import type { MigrationTable } from './migrations-option';
import { ownedNotSharedWith, refSlotsOf } from './object-slots';

/** The catalog section naming the work list of a migration in progress. */
export const MIGRATION_SECTION = 'migration';

/** What a long migration reports: the phase, and objects done out of `total` (while rewiring: the heap objects that may hold a reference). */
export type MigrationProgress = (phase: MigrationPhase, done: number, total: number) => void;

/** The phases of a migration, in order; `rollback` replaces the rest after a migration function threw. */
export type MigrationPhase = 'copy' | 'rewire' | 'free' | 'rollback';

const PHASES: readonly MigrationPhase[] = ['copy', 'rewire', 'free', 'rollback'];
const LIST_MAGIC = 0x47494d50; // 'PMIG' read little-endian
const List = { magic: 0, phase: 4, cursor: 8, count: 16, planBytes: 24, entries: 32 } as const;
const ENTRY = 16;
const RESERVED = new Set([BLOB_TYPE_NUM, CATALOG_TYPE_NUM, COLLECTION_HEADER_TYPE_NUM, COLLECTION_NODE_TYPE_NUM]);

let batchSize = 1000;

/**
 * Test-only: objects per migration transaction (default 1000), so a small pool migrates in many
 * transactions. @throws {RangeError} unless a positive integer.
 */
export function setMigrationBatchSizeForTests(size: number): void {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`setMigrationBatchSizeForTests: size must be a positive integer, got ${size}`);
  batchSize = size;
}

/** A migration in progress: its work list (named by the catalog's 'migration' section) and the plan the list holds. */
interface MigrationSection {
  readonly list: number;
  readonly target: CatalogType[];
  /** Objects of each target class, in `target`'s order: the list holds them class by class. */
  readonly counts: number[];
  /** Classes the pool's catalog does not have yet (added by the same open), which targets may embed or refer to. */
  readonly added: CatalogType[];
}

interface OpenContext {
  readonly session: PoolSession;
  readonly rootOffset: number;
  readonly layouts: readonly TypeLayout[];
  readonly migrations: MigrationTable;
  readonly onProgress?: MigrationProgress;
}

/**
 * Brings the pool to the code's versions before Pool.open returns: resumes an interrupted migration
 * (or its rollback), refuses what cannot be opened, and migrates classes whose version rose.
 * @returns the catalog afterwards (null for a pool without one).
 * @throws {SchemaMismatchError} for a lower version, the same version with another layout, a change
 * without its migration function, or a migration in progress to other classes; nothing is written.
 * @throws {MigrationError} when a migration function threw; the migration was rolled back.
 */
export function migrateOnOpen(ctx: OpenContext, inspect: boolean): Catalog | null {
  const { session, rootOffset } = ctx;
  let catalog = readCatalog(session, rootOffset);
  const pending = catalog?.sections?.[MIGRATION_SECTION];
  if (pending !== undefined) {
    const list = new WorkList(session, listOffset(session, pending));
    const section = list.section();
    if (list.phase === 'rollback') {
      if (inspect) return catalog;
      new Migration(ctx, catalog!, section).rollBack();
      catalog = readCatalog(session, rootOffset);
    } else {
      refuseOtherTarget(ctx, section);
      if (inspect) return catalog;
      const migration = new Migration(ctx, catalog!, section);
      if (list.phase === 'copy') requireFunctions(ctx, migration.diffs);
      migration.run();
      return readCatalog(session, rootOffset);
    }
  }
  if (catalog === null || inspect) return catalog;
  const diffs = diffSchema(catalog, ctx.layouts);
  refuse(ctx, catalog, diffs.filter((d) => d.status === 'lower-version'), 'lower-version');
  refuse(ctx, catalog, diffs.filter((d) => d.status === 'same-version-changed' || d.status === 'type-number-changed'), 'same-version');
  const migrating = diffs.filter((d) => d.status === 'migrate');
  if (migrating.length === 0) return catalog;
  requireFunctions(ctx, migrating);
  const migration = Migration.start(ctx, catalog, migrating);
  migration.run();
  return readCatalog(session, rootOffset);
}

/** The work list offset the catalog's 'migration' section names. */
function listOffset(session: PoolSession, value: unknown): number {
  const list = (value as { list?: unknown } | null)?.list;
  if (typeof value !== 'object' || value === null || !Number.isSafeInteger(list)) {
    throw new PoolCorruptError(`${session.native.path}: the catalog's migration record is malformed`, 'CATALOG_CORRUPT');
  }
  return list as number;
}

function refuse(ctx: OpenContext, catalog: Catalog, diffs: ClassDiff[], reason: 'lower-version' | 'same-version'): void {
  if (diffs.length === 0) return;
  const layouts = ctx.layouts.filter((l) => diffs.some((d) => d.type === l.name));
  throw new SchemaMismatchError(ctx.session.native.path, compareCatalog(catalog, layouts), reason);
}

/** A change no step converts needs a migration function for one of the versions crossed. */
function requireFunctions(ctx: OpenContext, diffs: readonly ClassDiff[]): void {
  const missing: SchemaDifference[] = [];
  for (const d of diffs) {
    const functions = (ctx.migrations.get(d.type) ?? []).filter((s) => s.version > d.poolVersion!);
    if (functions.length > 0) continue;
    for (const f of manualFields(d)) {
      missing.push({ type: d.type, field: f.field, what: `${f.change}, which needs a migration function (migrations: { ${d.type}: { ${d.codeVersion}: (old, next) => … } })`, inPool: `v${d.poolVersion}: ${f.inPool}`, inCode: `v${d.codeVersion}: ${f.inCode}` });
    }
  }
  if (missing.length > 0) throw new SchemaMismatchError(ctx.session.native.path, missing, 'needs-migration');
}

/** An interrupted migration resumes only with the classes it migrates to. */
function refuseOtherTarget(ctx: OpenContext, section: MigrationSection): void {
  const differences: SchemaDifference[] = [];
  for (const t of section.target) {
    const layout = ctx.layouts.find((l) => l.name === t.name);
    if (layout?.fingerprint === t.fingerprint) continue;
    differences.push({ type: t.name, what: 'version', inPool: `migrating to v${t.version}`, inCode: layout === undefined ? 'not in options.types' : `v${layout.version}${layout.version === t.version ? ' with another layout' : ''}` });
  }
  if (differences.length > 0) throw new SchemaMismatchError(ctx.session.native.path, differences, 'migration-in-progress');
}

/** The work list blob: phase, cursor and the (old, new) offset pairs. */
class WorkList {
  constructor(
    private readonly session: PoolSession,
    readonly at: number,
  ) {
    const dv = session.dv;
    if (!session.native.isObject(at) || dv.getUint32(at + List.magic, true) !== LIST_MAGIC || dv.getUint32(at + List.phase, true) >= PHASES.length) {
      throw new PoolCorruptError(`${session.native.path}: the migration work list at ${at} is invalid`, 'CATALOG_CORRUPT');
    }
  }

  get phase(): MigrationPhase {
    return PHASES[this.session.dv.getUint32(this.at + List.phase, true)];
  }

  get cursor(): number {
    return readOffset(this.session.dv, this.at + List.cursor);
  }

  get count(): number {
    return readOffset(this.session.dv, this.at + List.count);
  }

  /** The migration this list belongs to: its offset and the plan stored after the entries. */
  section(): MigrationSection {
    const start = this.at + List.entries + this.count * ENTRY;
    const length = readOffset(this.session.dv, this.at + List.planBytes);
    try {
      const plan = JSON.parse(new TextDecoder().decode(this.session.pmemBytes().subarray(start, start + length))) as Omit<MigrationSection, 'list'>;
      if (!Array.isArray(plan.target) || !Array.isArray(plan.counts) || plan.counts.length !== plan.target.length || !Array.isArray(plan.added)) throw new Error('plan is malformed');
      return { list: this.at, target: plan.target, counts: plan.counts, added: plan.added };
    } catch (error) {
      throw new PoolCorruptError(`${this.session.native.path}: the migration work list's plan is unreadable: ${(error as Error).message}`, 'CATALOG_CORRUPT');
    }
  }

  oldAt(i: number): number {
    return readOffset(this.session.dv, this.at + List.entries + i * ENTRY);
  }

  newAt(i: number): number {
    return readOffset(this.session.dv, this.at + List.entries + i * ENTRY + 8);
  }

  /** Undo-logs entries [from, to) and the header: the running batch changes them. */
  logBatch(from: number, to: number): void {
    const tx = this.session.tx;
    tx.snapshotRange(this.at, List.entries, 'migration work list');
    if (to > from) tx.snapshotRange(this.at + List.entries + from * ENTRY, (to - from) * ENTRY, 'migration work list');
  }

  setNew(i: number, offset: number): void {
    writeOffset(this.session.dv, this.at + List.entries + i * ENTRY + 8, offset);
  }

  /** Inside the running transaction, after logBatch. */
  setProgress(phase: MigrationPhase, cursor: number): void {
    this.session.dv.setUint32(this.at + List.phase, PHASES.indexOf(phase), true);
    writeOffset(this.session.dv, this.at + List.cursor, cursor);
  }
}

/** One class being migrated: its layout in the pool, in code, and the conversion between them. */
interface MigratingClass {
  readonly diff: ClassDiff;
  readonly from: TypeLayout;
  readonly to: TypeLayout;
  readonly converter: ObjectConverter;
  /** Whether either layout has a field that owns allocations (heap strings/bytes, maps, vectors). */
  readonly ownsAllocations: boolean;
  /** Added fields with a declared `default` (`@Field(type, { default })`), set on every copy. */
  readonly defaults: ReadonlyArray<{ readonly name: string; readonly value: unknown }>;
}

class Migration {
  readonly diffs: ClassDiff[];
  private readonly byTypeNum = new Map<number, MigratingClass>();
  /** Layouts of every class in the catalog (pool versions), by type number: where to find refs. */
  private readonly poolLayouts = new Map<number, TypeLayout>();
  private readonly list: WorkList;

  constructor(
    private readonly ctx: OpenContext,
    private readonly catalog: Catalog,
    private readonly section: MigrationSection,
  ) {
    const { poolClasses, targets } = Migration.layoutsOf(catalog, section);
    for (const l of poolClasses) this.poolLayouts.set(l.typeNum, l);
    this.diffs = diffSchema(catalog, targets);
    for (const diff of this.diffs) {
      const target = targets.find((l) => l.name === diff.type)!;
      // The code's own layout when it is the target: migration functions get views of its class.
      const to = ctx.layouts.find((l) => l.name === diff.type && l.fingerprint === target.fingerprint) ?? target;
      const from = poolClasses.find((l) => l.name === diff.type)!;
      this.byTypeNum.set(to.typeNum, { diff, from, to, converter: new ObjectConverter(from, to), ownsAllocations: ownsAllocations(from) || ownsAllocations(to), defaults: to === target ? [] : declaredDefaults(to, diff) });
    }
    this.list = new WorkList(ctx.session, section.list);
  }

  /**
   * The layouts of the pool's classes and of the classes migrated to, from the catalog and the plan
   * (not from the code: a rollback may run under the old classes).
   */
  private static layoutsOf(catalog: Catalog, plan: Omit<MigrationSection, 'list'>): { poolClasses: TypeLayout[]; targets: TypeLayout[] } {
    const poolClasses = classesFromCatalog(catalog).map((c) => resolveLayout(c));
    const targetTypes = [...catalog.types.map((t) => plan.target.find((n) => n.name === t.name) ?? t), ...plan.added];
    const targets = classesFromCatalog({ ...catalog, types: targetTypes })
      .map((c) => resolveLayout(c))
      .filter((l) => plan.target.some((t) => t.name === l.name));
    return { poolClasses, targets };
  }

  /** Lists the objects of the migrating classes and records the migration, in one transaction. */
  static start(ctx: OpenContext, catalog: Catalog, migrating: ClassDiff[]): Migration {
    const { session, rootOffset } = ctx;
    const native = session.native;
    const olds: number[] = [];
    const target = migrating.map((d) => catalogTypeOf(ctx.layouts.find((l) => l.name === d.type)!));
    const counts = target.map((t) => {
      const before = olds.length;
      for (let off = native.first(t.typeNum); off !== 0; off = native.next(off, t.typeNum)) olds.push(off);
      return olds.length - before;
    });
    const known = new Set(catalog.types.map((t) => t.name));
    const added = ctx.layouts.filter((l) => !known.has(l.name)).map(catalogTypeOf);
    // Built once before anything is written, so a plan the catalog cannot describe fails with the pool untouched.
    Migration.layoutsOf(catalog, { target, counts, added });
    const plan = new TextEncoder().encode(JSON.stringify({ target, counts, added }));
    const section = session.tx.atomically(() => {
      const list = session.tx.allocate(List.entries + olds.length * ENTRY + plan.length, BLOB_TYPE_NUM, 'migration work list');
      const dv = session.dv;
      dv.setUint32(list + List.magic, LIST_MAGIC, true);
      writeOffset(dv, list + List.count, olds.length);
      writeOffset(dv, list + List.planBytes, plan.length);
      olds.forEach((off, i) => writeOffset(dv, list + List.entries + i * ENTRY, off));
      session.pmemBytes().set(plan, list + List.entries + olds.length * ENTRY);
      updateCatalogSection(session, rootOffset, MIGRATION_SECTION, { list });
      return { list, target, counts, added };
    });
    return new Migration(ctx, readCatalog(session, rootOffset)!, section);
  }

  /** Runs the remaining phases, then commits the new layouts to the catalog. */
  run(): void {
    const phase = this.list.phase;
    if (phase === 'copy') this.copy();
    if (phase === 'copy' || phase === 'rewire') this.rewire();
    this.free();
    this.finish(this.catalog.types.map((t) => this.section.target.find((n) => n.name === t.name) ?? t));
  }

  /** The class of work list entry `i` (the list holds the classes' objects one class after another). */
  private migratingOf(i: number): MigratingClass {
    let end = 0;
    for (const [k, count] of this.section.counts.entries()) {
      end += count;
      if (i < end) return this.byTypeNum.get(this.section.target[k].typeNum)!;
    }
    throw new PoolCorruptError(`${this.ctx.session.native.path}: the migration work list has more entries than its classes have objects`, 'CATALOG_CORRUPT');
  }

  /** Phase 1: each old object's converted copy, migration functions run on it. */
  private copy(): void {
    const { session } = this.ctx;
    const count = this.list.count;
    const scripted = new Map([...this.byTypeNum.values()].map((c) => [c, (this.ctx.migrations.get(c.diff.type) ?? []).filter((s) => s.version > c.diff.poolVersion!)]));
    for (let from = this.list.cursor; from < count; ) {
      const to = Math.min(count, from + batchSize);
      const failed: { error: MigrationError | null } = { error: null };
      try {
        session.tx.atomically(() => {
          this.list.logBatch(from, to);
          for (let i = from; i < to; i++) {
            const old = this.list.oldAt(i);
            const c = this.migratingOf(i);
            const functions = scripted.get(c)!;
            const copy = session.tx.allocate(c.to.size, c.to.typeNum, `migration of ${c.to.name}`);
            c.converter.convert(session.dv, session.pmemBytes(), old, copy, functions.length > 0);
            if (functions.length > 0 || c.defaults.length > 0) failed.error = this.finishCopy(c, functions, old, copy);
            if (failed.error !== null) throw failed.error;
            this.list.setNew(i, copy);
          }
          this.list.setProgress('copy', to);
        });
      } catch (error) {
        // A function that threw, or a failure of the batch itself (the pool is full): the pool goes back to its old version.
        this.rollBack();
        throw failed.error ?? error;
      }
      from = to;
      this.ctx.onProgress?.('copy', to, count);
    }
    session.tx.atomically(() => {
      this.list.logBatch(0, 0);
      this.list.setProgress('rewire', 0);
    });
  }

  /**
   * Declared defaults of added fields, then the migration functions of `c`, on one copy; the error to
   * throw (after a rollback) when a function fails. A default the field refuses throws here.
   */
  private finishCopy(c: MigratingClass, functions: ReadonlyArray<{ version: number; run: (old: any, next: any) => void }>, old: number, copy: number): MigrationError | null {
    const session = this.ctx.session;
    const next = session.viewAt(c.to, copy) as Record<string, unknown>;
    for (const { name, value } of c.defaults) next[name] = value;
    if (functions.length === 0) return null;
    const oldValues = readOldValues(session.dv, session.pmemBytes(), c.from, old);
    for (const { version, run } of functions) {
      try {
        const result: unknown = run(oldValues, next);
        if (typeof (result as { then?: unknown })?.then === 'function') throw new TypeError('a migration function must be synchronous; it returned a promise');
      } catch (error) {
        return new MigrationError(c.to.name, version, old, error);
      }
    }
    const written = c.converter.attachOwned(session.dv, session.pmemBytes(), old, copy);
    // A write-back copy of `next` must hold the slots attached behind its back.
    const entry = isView(next) ? next[STATE].cache : null;
    if (entry !== null) for (const at of written) entry.bytes.set(session.pmemBytes().subarray(copy + at, copy + at + 16), entry.at + at);
    return null;
  }

  /** Phase 2: every reference to an old object, anywhere in the pool, now names its copy. */
  private rewire(): void {
    const { session, rootOffset } = this.ctx;
    const native = session.native;
    const dv = session.dv;
    const copies = new Map<number, number>();
    for (let i = 0; i < this.list.count; i++) copies.set(this.list.oldAt(i), this.list.newAt(i));
    /** A u64 pool offset at `at`: a PMEMoid's second word, or the root record's user root. */
    const rewireOffset = (at: number) => {
      const target = copies.get(readOffset(dv, at));
      if (target === undefined) return;
      session.tx.snapshotRange(at, 8, 'migration rewire');
      writeOffset(dv, at, target);
    };
    // The heap is listed before any store: a walk step after a snapshot or commit makes the binding
    // read the heap's metadata again, which made interleaved walking quadratic. Rewiring allocates and
    // frees nothing, so the list stays true.
    const todo: number[] = [];
    const layouts: TypeLayout[] = [];
    for (let off = this.list.cursor === 0 ? native.first() : native.next(this.list.cursor); off !== 0; off = native.next(off)) {
      const layout = this.layoutOfHeapObject(off, copies);
      if (layout === undefined) continue;
      todo.push(off);
      layouts.push(layout);
    }
    session.tx.atomically(() => rewireOffset(rootOffset + RootField.userRoot));
    for (let from = 0; from < todo.length; from += batchSize) {
      const to = Math.min(todo.length, from + batchSize);
      session.tx.atomically(() => {
        this.list.logBatch(0, 0);
        for (let j = from; j < to; j++) for (const slot of refSlotsOf(dv, layouts[j], todo[j])) rewireOffset(slot + 8);
        this.list.setProgress('rewire', todo[to - 1]);
      });
      this.ctx.onProgress?.('rewire', to, todo.length);
    }
    session.tx.atomically(() => {
      this.list.logBatch(0, 0);
      this.list.setProgress('free', 0);
    });
  }


  /**
   * The layout to read a heap object's references with: its copy's, or its class's in the pool; none
   * for old objects, pmemts's own allocations and classes that cannot hold a reference.
   */
  private layoutOfHeapObject(off: number, copies: ReadonlyMap<number, number>): TypeLayout | undefined {
    const typeNum = this.ctx.session.native.typeNum(off);
    if (RESERVED.has(typeNum)) return undefined;
    const layout = this.byTypeNum.get(typeNum)?.to ?? this.poolLayouts.get(typeNum);
    if (layout === undefined || !holdsRefs(layout) || copies.has(off)) return undefined;
    return layout;
  }

  /** Phase 3: the old objects, and what they owned that their copies did not take over, are freed. */
  private free(): void {
    const { session } = this.ctx;
    const count = this.list.count;
    for (let from = this.list.cursor; from < count; ) {
      const to = Math.min(count, from + batchSize);
      session.tx.atomically(() => {
        this.list.logBatch(from, to);
        for (let i = from; i < to; i++) {
          const old = this.list.oldAt(i);
          const c = this.migratingOf(i);
          if (c.ownsAllocations) for (const owned of ownedNotSharedWith(session.dv, c.from, old, c.to, this.list.newAt(i))) session.tx.free(null, owned, 'migration');
          session.tx.free(null, old, 'migration');
        }
        this.list.setProgress('free', to);
      });
      from = to;
      this.ctx.onProgress?.('free', to, count);
    }
  }

  /** The copies made so far, and what they own that their old objects do not, are freed; the pool stays at its old version. */
  rollBack(): void {
    const { session } = this.ctx;
    const count = this.list.count;
    session.tx.atomically(() => {
      this.list.logBatch(0, 0);
      this.list.setProgress('rollback', 0);
    });
    for (let from = 0; from < count; from += batchSize) {
      const to = Math.min(count, from + batchSize);
      session.tx.atomically(() => {
        this.list.logBatch(from, to);
        for (let i = from; i < to; i++) {
          const copy = this.list.newAt(i);
          if (copy === 0) continue;
          const old = this.list.oldAt(i);
          const c = this.migratingOf(i);
          if (c.ownsAllocations) for (const owned of ownedNotSharedWith(session.dv, c.to, copy, c.from, old)) session.tx.free(null, owned, 'migration rollback');
          session.tx.free(null, copy, 'migration rollback');
          this.list.setNew(i, 0);
        }
      });
      this.ctx.onProgress?.('rollback', to, count);
    }
    this.finish(this.catalog.types);
  }

  /** The last transaction: the catalog holds `types`, the work list and the section go. */
  private finish(types: CatalogType[]): void {
    const { session, rootOffset } = this.ctx;
    const sections = { ...(this.catalog.sections ?? {}) };
    delete sections[MIGRATION_SECTION];
    session.tx.atomically(() => {
      session.tx.free(null, this.list.at, 'migration work list');
      writeCatalog(session, rootOffset, { ...this.catalog, types, sections }, []);
    });
  }
}

const refBearing = new WeakMap<TypeLayout, boolean>();

/** Whether objects of `layout` can hold a reference (a ref field, a map or vector of refs, in embedded structs too). */
function holdsRefs(layout: TypeLayout): boolean {
  let holds = refBearing.get(layout);
  if (holds === undefined) {
    holds = layout.fields.some((f) => f.kind === 'ref' || (f.kind === 'struct' && holdsRefs(f.struct!)) || ((f.kind === 'map' || f.kind === 'vector') && f.value?.kind === 'ref'));
    refBearing.set(layout, holds);
  }
  return holds;
}

/** Whether objects of `layout` can own allocations: heap strings/bytes, maps, vectors (in embedded structs too). */
function ownsAllocations(layout: TypeLayout): boolean {
  return layout.fields.some((f) => ['heapString', 'heapBytes', 'map', 'vector'].includes(f.kind) || (f.kind === 'struct' && ownsAllocations(f.struct!)));
}

/** The declared defaults of the fields `diff` says were added, from the decorators' records of the class and its parents. */
function declaredDefaults(layout: TypeLayout, diff: ClassDiff): { name: string; value: unknown }[] {
  const out: { name: string; value: unknown }[] = [];
  for (const { field, change } of diff.fields) {
    if (change !== 'added') continue;
    for (let ctor: Function | null = layout.ctor; typeof ctor === 'function' && ctor !== Function.prototype; ctor = Object.getPrototypeOf(ctor) as Function | null) {
      const recorded = getRecordedLayout(ctor)?.fields.find((f) => f.name === field);
      if (recorded === undefined) continue;
      if (Object.hasOwn(recorded.spec, 'default')) out.push({ name: field, value: recorded.spec.default });
      break;
    }
  }
  return out;
}
