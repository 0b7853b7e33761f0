/**
 * The plain in-memory model of a pool, fed the same operations as the real one. It holds
 *  - the state a live process must see (every field's current value), with the documented rules:
 *    Transaction-level stores and every heap string/bytes store (whatever the level) are undone by an
 *    abort; Flush/None-level stores are not; objects created in an aborted transaction vanish and
 *    objects freed in it come back; write-back stores are visible at once;
 *  - what a crash may leave on the media (`Crash` says which kind of crash), as a set of acceptable
 *    values per field: Transaction-level and heap stores reach it at their commit; write-through Flush
 *    stores at once; write-back Flush stores at pool.flush()/close(); None-level stores (power loss) are
 *    not promised, so any value is accepted; after a process kill everything in the mapping survives.
 * Every top-level step ends with an acknowledgement; the crash windows between them say what a crash
 * during the next step may leave: world A (none of its commits applied) or the state after any one of
 * its commits (one, or one per call when the step is several collection mutations or heap stores each
 * committing on its own), each with the values the step's non-transactional stores may have left.
 */
import { CONFIGS, LEAVES, SLOTS_PER_CLASS, configOfClass, type ClassSlot, type Config, type Leaf } from './classes';
import type { Program, RefTo } from './program';
import { canon, isAlwaysTransactional, isMultiWord, zeroOf, type MapEntries } from './values';

export type Crash = 'power' | 'kill';
export const ANY = 'any';
/** The values a field may hold after a crash (canonical texts), or ANY. */
export type Acceptable = ReadonlySet<string> | typeof ANY;

/** What a crash may leave: for every (class, slot), null (no object) or the acceptable values of each leaf. */
export type World = ReadonlyMap<string, ReadonlyMap<string, Acceptable> | null>;

/** What a crash during the step after acknowledgement `afterAck` may leave: any one of the worlds. */
export interface Window {
  readonly afterAck: number;
  readonly worlds: readonly World[];
}

export const slotKey = (at: ClassSlot): string => `${at.cls}:${at.slot}`;
export const LEAF_BY_PATH: ReadonlyMap<string, Leaf> = new Map(LEAVES.map((l) => [l.path, l]));

export class ModelObject {
  readonly values = new Map<string, unknown>();
  /** Ever the target of a ref store: never freed afterwards, so no ref in any crash state dangles. */
  referenced = false;
  /** Created in the running transaction (not yet committed). */
  uncommitted = true;

  constructor(
    readonly id: number,
    readonly at: ClassSlot,
  ) {
    for (const leaf of LEAVES) this.values.set(leaf.path, zeroOf(leaf));
  }
}

interface MediaObject {
  readonly id: number;
  readonly fields: Map<string, Acceptable>;
}

interface TxFrame {
  depth: number;
  failure: { error: unknown } | null;
  readonly undo: (() => void)[];
  readonly created: ModelObject[];
  readonly freed: ModelObject[];
  /** Transactional leaves stored in this transaction. */
  readonly touched: Set<ModelObject>;
}

export class Model {
  readonly slots: (ModelObject | null)[][];
  private nextId = 1;
  private tx: TxFrame | null = null;
  /** What is on the media now, per slot key. */
  private readonly media = new Map<string, MediaObject>();
  private stepStart: Map<string, MediaObject> = new Map();
  /** Per `slotKey#id`: what the step's non-transactional writes may have left on the media. */
  private stepAdds = new Map<string, Map<string, Acceptable>>();
  /** The media after each commit of the step: a step of several own-transaction mutations commits more than once. */
  private stepCommits: Map<string, MediaObject>[] = [];
  readonly windows: Window[] = [];
  private acks = 0;

  constructor(
    readonly program: Program,
    readonly crash: Crash = 'kill',
  ) {
    // One data class follows the pool; one more per configuration (classes.ts).
    this.slots = Array.from({ length: CONFIGS.length + 1 }, () => new Array(SLOTS_PER_CLASS).fill(null));
  }

  configOf(cls: number): Config {
    return configOfClass(cls, this.program.pool.config);
  }

  get depth(): number {
    return this.tx?.depth ?? 0;
  }

  /** What made the running transaction chain fail (an inner runTransaction threw), or null. */
  get failure(): { error: unknown } | null {
    return this.tx?.failure ?? null;
  }

  object(at: ClassSlot): ModelObject | null {
    return this.slots[at.cls][at.slot];
  }

  /** A ref target the program may store: an existing object whose creation is committed. */
  refTarget(cls: number, value: RefTo | null): ModelObject | null | undefined {
    if (value === null) return null;
    const target = this.slots[cls][value.ref];
    return target !== null && !target.uncommitted ? target : undefined;
  }

  /** Why a store must be refused before it changes anything, or null. */
  refusal(at: ClassSlot): 'TX_REQUIRED' | null {
    return this.configOf(at.cls).level === 'tx' && this.depth === 0 ? 'TX_REQUIRED' : null;
  }

  // --- steps and transactions -------------------------------------------------------------------

  beginStep(): void {
    this.stepStart = cloneMedia(this.media);
    this.stepAdds = new Map();
    this.stepCommits = [];
  }

  /** The step returned: record what a crash during it may have left, and count the acknowledgement. */
  endStep(): void {
    const worlds = [merge(this.stepStart, this.stepAdds)];
    for (const commit of this.stepCommits) worlds.push(merge(commit, this.stepAdds));
    this.windows.push({ afterAck: this.acks, worlds });
    this.acks++;
  }

  /** What a crash may leave after the last acknowledgement (nothing is in flight). */
  finalWindow(): Window {
    return { afterAck: this.acks, worlds: [merge(this.media, new Map())] };
  }

  txBegin(): void {
    if (this.tx === null) this.tx = { depth: 0, failure: null, undo: [], created: [], freed: [], touched: new Set() };
    this.tx.depth++;
  }

  /** An inner runTransaction threw: the whole chain aborts, even if an outer closure catches it. */
  innerFailed(error: unknown): void {
    this.tx!.failure ??= { error };
  }

  /** The closure of the current level returned (`thrown` null) or threw. Returns the top-level outcome. */
  txEnd(thrown: { error: unknown } | null): 'nested' | 'committed' | 'aborted' {
    const tx = this.tx!;
    const threw = thrown !== null;
    tx.depth--;
    if (tx.depth > 0) {
      if (threw) this.innerFailed(thrown.error);
      return 'nested';
    }
    this.tx = null;
    if (threw || tx.failure !== null) {
      for (let i = tx.undo.length - 1; i >= 0; i--) tx.undo[i]();
      return 'aborted';
    }
    this.commit(tx);
    return 'committed';
  }

  private commit(tx: TxFrame): void {
    for (const o of tx.freed) this.media.delete(slotKey(o.at));
    for (const o of tx.created) {
      o.uncommitted = false;
      if (this.slots[o.at.cls][o.at.slot] !== o) continue; // freed in the same transaction
      const wb = this.configOf(o.at.cls);
      const fields = new Map<string, Acceptable>();
      for (const leaf of LEAVES) {
        // A write-back copy of a non-transactional object reaches the pool at flush/close, not at commit.
        const inDram = wb.policy === 'wb' && wb.level !== 'tx' && !isAlwaysTransactional(leaf.kind);
        fields.set(leaf.path, new Set([canon(leaf.kind, inDram ? zeroOf(leaf) : o.values.get(leaf.path), leaf)]));
      }
      this.media.set(slotKey(o.at), { id: o.id, fields });
    }
    for (const o of tx.touched) {
      const m = this.mediaOf(o);
      if (m === null) continue;
      for (const leaf of LEAVES) {
        if (this.transactional(o, leaf)) m.fields.set(leaf.path, new Set([canon(leaf.kind, o.values.get(leaf.path), leaf)]));
      }
    }
    this.stepCommits.push(cloneMedia(this.media));
  }

  // --- operations -----------------------------------------------------------------------------

  create(at: ClassSlot): ModelObject {
    const tx = this.tx!;
    const o = new ModelObject(this.nextId++, at);
    tx.created.push(o);
    this.setSlot(at, o);
    return o;
  }

  free(o: ModelObject): void {
    this.tx!.freed.push(o);
    this.setSlot(o.at, null);
  }

  private setSlot(at: ClassSlot, o: ModelObject | null): void {
    const old = this.slots[at.cls][at.slot];
    this.slots[at.cls][at.slot] = o;
    this.tx!.undo.push(() => (this.slots[at.cls][at.slot] = old));
  }

  /** A store the pool accepted (refusal() was null). */
  store(o: ModelObject, path: string, value: unknown): void {
    const leaf = LEAF_BY_PATH.get(path)!;
    const old = o.values.get(path);
    o.values.set(path, value);
    for (const target of refsIn(leaf, value)) this.slots[o.at.cls][target.ref]!.referenced = true;
    if (this.transactional(o, leaf)) {
      if (this.tx !== null) {
        this.tx.undo.push(() => o.values.set(path, old));
        this.tx.touched.add(o);
      } else {
        // A heap store outside runTransaction is its own small transaction.
        this.mediaOf(o)!.fields.set(path, new Set([canon(leaf.kind, value, leaf)]));
        this.stepCommits.push(cloneMedia(this.media));
      }
    } else if (this.configOf(o.at.cls).policy === 'wt') {
      this.toMedia(o, leaf, value);
    }
  }

  /** pool.flush() or close(): write-back copies of Flush/None-level objects reach the mapping. */
  flush(): void {
    for (const row of this.slots) {
      for (const o of row) {
        if (o === null) continue;
        const c = this.configOf(o.at.cls);
        if (c.policy !== 'wb' || c.level === 'tx') continue;
        for (const leaf of LEAVES) if (!isAlwaysTransactional(leaf.kind)) this.toMedia(o, leaf, o.values.get(leaf.path));
      }
    }
  }

  private transactional(o: ModelObject, leaf: Leaf): boolean {
    return this.configOf(o.at.cls).level === 'tx' || isAlwaysTransactional(leaf.kind);
  }

  private mediaOf(o: ModelObject): MediaObject | null {
    const m = this.media.get(slotKey(o.at));
    return m !== undefined && m.id === o.id ? m : null;
  }

  /** A non-transactional write reaches the mapping. */
  private toMedia(o: ModelObject, leaf: Leaf, value: unknown): void {
    const m = this.mediaOf(o);
    if (m === null) return; // not committed yet: its bytes reach the media with its allocation
    const text = canon(leaf.kind, value);
    const before = m.fields.get(leaf.path)!;
    if (before !== ANY && before.size === 1 && before.has(text)) return;
    const level = this.configOf(o.at.cls).level;
    const now: Acceptable = this.crash === 'power' && level === 'none' ? ANY : new Set([text]);
    m.fields.set(leaf.path, now);
    // While the step runs the old bytes may still be there, and a kill mid-store tears a multi-word value.
    const key = `${slotKey(o.at)}#${o.id}`;
    const adds = this.stepAdds.get(key) ?? new Map<string, Acceptable>();
    this.stepAdds.set(key, adds);
    const torn = this.crash === 'kill' && isMultiWord(leaf.kind);
    adds.set(leaf.path, torn ? ANY : union(adds.get(leaf.path) ?? new Set(), now));
  }
}

/** The objects a value refers to: a ref leaf's target, or the refs a collection holds. */
function refsIn(leaf: Leaf, value: unknown): RefTo[] {
  if (leaf.kind === 'ref') return value === null ? [] : [value as RefTo];
  if (leaf.element !== 'ref') return [];
  const elements = leaf.kind === 'map' ? (value as MapEntries).map(([, v]) => v) : (value as unknown[]);
  return elements.filter((v): v is RefTo => v !== null);
}

function cloneMedia(media: Map<string, MediaObject>): Map<string, MediaObject> {
  return new Map([...media].map(([k, m]) => [k, { id: m.id, fields: new Map(m.fields) }]));
}

function union(a: Acceptable, b: Acceptable): Acceptable {
  return a === ANY || b === ANY ? ANY : new Set([...a, ...b]);
}

/** A world from a media state plus what the step's non-transactional writes may have left. */
function merge(media: Map<string, MediaObject>, adds: Map<string, Map<string, Acceptable>>): World {
  const world = new Map<string, Map<string, Acceptable> | null>();
  for (const [key, m] of media) {
    const fields = new Map(m.fields);
    for (const [path, extra] of adds.get(`${key}#${m.id}`) ?? []) fields.set(path, union(fields.get(path)!, extra));
    world.set(key, fields);
  }
  return world;
}
