/**
 * The oracle: reads a pool back through its root (every object the program keeps has a root slot),
 * and says how it differs from the model's live state, or from every world a crash may have left.
 * The deep check must be clean: with everything reachable from the root, a leak is a real defect.
 */
import { verifyCollection, type PCounter, type PMap, type Pool, type PVector } from '@pmemts/core';
import { CLASSES, LEAVES, SLOTS_PER_CLASS, classSuffix, configOfClass, slotField, type Config, type ElementKind, type Leaf } from './classes';
import { ANY, slotKey, type Model, type Window, type World } from './model';
import { canon } from './values';

/** Per slot key: null (empty slot) or every leaf's canonical value ("error: …" when it cannot be read). */
export type Snapshot = Map<string, Map<string, string> | null>;

type Row = Record<string, unknown>;

export function readPool(pool: Pool): Snapshot {
  const root = pool.root(CLASSES.root as never) as Row;
  const snapshot: Snapshot = new Map();
  for (let cls = 0; cls < CLASSES.data.length; cls++) {
    const views: (Row | null)[] = [];
    for (let slot = 0; slot < SLOTS_PER_CLASS; slot++) {
      try {
        views.push(root[slotField(cls, slot)] as Row | null);
      } catch (error) {
        throw new Error(`root slot ${slotField(cls, slot)}: ${(error as Error).message}`);
      }
    }
    const slotOfOffset = new Map(views.flatMap((v, slot) => (v === null ? [] : [[pool.locate(v).offset, slot]])));
    views.forEach((v, slot) => {
      if (v === null) return snapshot.set(slotKey({ cls, slot }), null);
      const fields = new Map<string, string>();
      /** A ref as the model names it: the root slot holding its target. */
      const asRefTo = (value: unknown): unknown => {
        if (value === null) return null;
        const at = slotOfOffset.get(pool.locate(value as object).offset);
        return at === undefined ? { ref: `unkept object at ${pool.locate(value as object).offset}` } : { ref: at };
      };
      for (const leaf of LEAVES) {
        try {
          const [head, tail] = leaf.path.split('.');
          let value = tail === undefined ? v[head] : (v[head] as Row)[tail];
          if (leaf.kind === 'ref') value = asRefTo(value);
          if (leaf.kind === 'map' || leaf.kind === 'vector') value = readCollection(leaf, value as PMap | PVector, asRefTo);
          if (leaf.kind === 'counter') value = (value as PCounter).value;
          fields.set(leaf.path, canon(leaf.kind, value, leaf));
        } catch (error) {
          fields.set(leaf.path, `error: ${(error as Error).message}`);
        }
      }
      snapshot.set(slotKey({ cls, slot }), fields);
    });
  }
  return snapshot;
}

/**
 * A collection's contents as the model holds them (refs as RefTo), after checking its tree invariants
 * and that size/length, first() and last() agree with a full iteration; throws what is wrong.
 */
function readCollection(leaf: Leaf, collection: PMap | PVector, asRefTo: (value: unknown) => unknown): unknown {
  const problems = verifyCollection(collection);
  if (problems.length > 0) throw new Error(`invariants: ${problems.join('; ')}`);
  const element = (v: unknown): unknown => ((leaf.element as ElementKind) === 'ref' ? asRefTo(v) : v);
  if (leaf.kind === 'vector') {
    const vector = collection as PVector;
    const elements = [...vector].map(element);
    if (elements.length !== vector.length) throw new Error(`length ${vector.length}, iteration yields ${elements.length}`);
    return elements;
  }
  const map = collection as PMap;
  const entries = [...map].map(([k, v]) => [k, element(v)] as const);
  if (entries.length !== map.size) throw new Error(`size ${map.size}, iteration yields ${entries.length}`);
  const ends = [map.first(), map.last()].map((e) => (e === undefined ? 'none' : String(e[0])));
  const want = entries.length === 0 ? ['none', 'none'] : [String(entries[0][0]), String(entries[entries.length - 1][0])];
  if (ends.join() !== want.join()) throw new Error(`first/last keys ${ends.join(', ')}, iteration ${want.join(', ')}`);
  return entries;
}

/**
 * crash-image.c's eviction variant lets any subset of a cache line's unflushed 8-byte words reach the
 * media, which hardware writing back whole lines cannot do to two words stored in order: a ref being
 * stored at the None level (nothing promised after a power loss) can come out as {uuid 0, new offset},
 * "a ref into another pool". In such images that one field is tolerated (its value is not promised).
 */
export interface Tolerance {
  readonly wordTornNoneRefs: boolean;
  readonly poolConfig: Config;
}

function tornNoneRef(className: string, field: string | undefined, tolerance: Tolerance | undefined): boolean {
  if (!tolerance?.wordTornNoneRefs || LEAVES.find((l) => l.path === field)?.kind !== 'ref') return false;
  const cls = CLASSES.data.findIndex((_, i) => `Data_${classSuffix(i)}` === className);
  return cls >= 0 && configOfClass(cls, tolerance.poolConfig).level === 'none';
}

/** Problems the deep check reports (an empty list when clean). */
export function deepProblems(pool: Pool, tolerance?: Tolerance): string[] {
  return pool
    .deepCheck()
    .problems.filter((p) => !(p.kind === 'bad-field' && tornNoneRef(p.object.split('@')[0], p.field, tolerance)))
    .map((p) => `${p.kind} ${p.object}${p.field ? `.${p.field}` : ''}: ${p.message}`);
}

/** How the pool differs from the model's live state. */
export function diffModel(actual: Snapshot, model: Model): string[] {
  const diffs: string[] = [];
  for (const [key, fields] of actual) {
    const [cls, slot] = key.split(':').map(Number);
    const o = model.object({ cls, slot });
    if (o === null || fields === null) {
      if ((o === null) !== (fields === null)) diffs.push(`${key}: pool has ${fields === null ? 'no object' : 'an object'}, model has ${o === null ? 'none' : 'one'}`);
      continue;
    }
    for (const leaf of LEAVES) {
      const want = canon(leaf.kind, o.values.get(leaf.path), leaf);
      const got = fields.get(leaf.path);
      if (got !== want) diffs.push(`${key}.${leaf.path}: pool ${got}, model ${want}`);
    }
  }
  return diffs;
}

function diffWorld(actual: Snapshot, world: World, tolerance: Tolerance | undefined): string[] {
  const diffs: string[] = [];
  for (const [key, fields] of actual) {
    const want = world.get(key) ?? null;
    if (want === null || fields === null) {
      if ((want === null) !== (fields === null)) diffs.push(`${key}: image has ${fields === null ? 'no object' : 'an object'}, expected ${want === null ? 'none' : 'one'}`);
      continue;
    }
    for (const leaf of LEAVES) {
      const ok = want.get(leaf.path)!;
      const got = fields.get(leaf.path)!;
      if (ok !== ANY && !ok.has(got)) diffs.push(`${key}.${leaf.path}: image ${got}, acceptable ${[...ok].join(' | ')}`);
      else if (ok === ANY && got.startsWith('error:') && !tornNoneRef(`Data_${classSuffix(Number(key.split(':')[0]))}`, leaf.path, tolerance)) {
        diffs.push(`${key}.${leaf.path}: ${got}`);
      }
    }
  }
  return diffs;
}

/** Null when the snapshot is one of the window's worlds, else the differences from the closest. */
export function diffWindow(actual: Snapshot, window: Window, tolerance?: Tolerance): string[] | null {
  let best: string[] | null = null;
  for (const world of window.worlds) {
    const diffs = diffWorld(actual, world, tolerance);
    if (diffs.length === 0) return null;
    if (best === null || diffs.length < best.length) best = diffs;
  }
  return best;
}
