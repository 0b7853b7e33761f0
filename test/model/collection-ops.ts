/**
 * The runner's collection operations: each call on a map or vector field is done on the pool and on
 * the model (a collection's model value is its entries in key order, or its elements), and whatever
 * the pool returns is checked against the model. Every mutation is transactional at every level: it
 * joins the running transaction or is one of its own, so the model stores it like a heap string.
 */
import { FieldValueError, InvalidObjectError, type PMap, type Pool, type PVector } from '@pmemts/core';
import type { ClassSlot, ElementKind } from './classes';
import { LEAF_BY_PATH, type Model } from './model';
import type { Op, RangeArgs, RefTo } from './program';
import { canon, compareKeys, normalKey, type MapEntries } from './values';

type Row = Record<string, unknown>;

export interface CollectionContext {
  readonly model: Model;
  pool(): Pool;
  view(at: ClassSlot): Row;
  fail(message: string): never;
  describe(error: unknown): string;
}

/** The map's entries with `key` set to `value`. */
export function withEntry(entries: MapEntries, key: unknown, value: unknown): MapEntries {
  const k = normalKey(key);
  const rest = entries.filter(([e]) => compareKeys(e, k) !== 0);
  return [...rest, [k, value] as const].sort((a, b) => compareKeys(a[0], b[0]));
}

/** What range(options) yields from these entries. */
export function rangeOf(entries: MapEntries, o: RangeArgs): MapEntries {
  const inside = entries.filter(
    ([k]) =>
      (o.gt === undefined || compareKeys(k, o.gt) > 0) &&
      (o.gte === undefined || compareKeys(k, o.gte) >= 0) &&
      (o.lt === undefined || compareKeys(k, o.lt) < 0) &&
      (o.lte === undefined || compareKeys(k, o.lte) <= 0),
  );
  const ordered = o.reverse ? [...inside].reverse() : inside;
  return o.limit === undefined ? ordered : ordered.slice(0, o.limit);
}

export function runCollectionOp(ctx: CollectionContext, op: Extract<Op, { op: 'mutate' | 'mutateInvalid' | 'read' | 'iterate' }>): void {
  const { model, fail, describe } = ctx;
  const o = model.object(op.at);
  if (o === null) return;
  const leaf = LEAF_BY_PATH.get(op.path)!;
  const cls = op.at.cls;
  const isMap = leaf.kind === 'map';
  const map = () => ctx.view(op.at)[op.path] as PMap<unknown, unknown>;
  const vector = () => ctx.view(op.at)[op.path] as PVector<unknown>;
  const current = () => o.values.get(op.path) as unknown[];
  const element = leaf.element as ElementKind;

  /** A model element as the pool takes it: a RefTo becomes the view in that slot. */
  const toPool = (v: unknown): unknown => (element === 'ref' && v !== null ? ctx.view({ cls, slot: (v as RefTo).ref }) : v);
  /** Canonical text of an element the pool returned (a ref by the root slot holding its target). */
  const poolText = (kind: ElementKind, v: unknown): string => {
    if (kind !== 'ref' || v === null || v === undefined) return v === undefined ? 'undefined' : canon(kind, v);
    const offset = ctx.pool().locate(v as object).offset;
    for (let slot = 0; slot < model.slots[cls].length; slot++) {
      const there = model.object({ cls, slot }) === null ? null : (ctx.view({ cls, slot }) as object | null);
      if (there !== null && ctx.pool().locate(there).offset === offset) return canon('ref', { ref: slot });
    }
    return `ref to an unkept object at ${offset}`;
  };
  const modelText = (kind: ElementKind, v: unknown): string => (v === undefined ? 'undefined' : canon(kind, v));
  const entryTexts = (entries: Iterable<readonly [unknown, unknown]>, fromPool: boolean): string =>
    [...entries].map(([k, v]) => `${canon(leaf.key as ElementKind, k)}: ${fromPool ? poolText(element, v) : modelText(element, v)}`).join(', ');
  const expectSame = (what: string, got: string, want: string): void => {
    if (got !== want) fail(`${op.path}.${what}: pool ${got}, model ${want}`);
  };
  /** Whether every ref element among `values` names a committed object (else the op is skipped). */
  const resolves = (values: unknown[]): boolean => element !== 'ref' || values.every((v) => model.refTarget(cls, v as RefTo | null) !== undefined);
  const store = (value: unknown[] | MapEntries): void => model.store(o, op.path, value);
  const index = (raw: unknown, extra: number): number | null => {
    const n = current().length + extra;
    return n === 0 ? null : (raw as number) % n;
  };
  const call = <T>(what: string, body: () => T): T => {
    try {
      return body();
    } catch (error) {
      return fail(`${op.path}.${what} threw ${describe(error)}`);
    }
  };

  switch (op.op) {
    case 'mutate':
      return mutate(op.call, op.args);
    case 'mutateInvalid': {
      try {
        if (op.call === 'set') map().set(op.args[0], op.args[1]);
        else if (op.call === 'push') vector().push(op.args[1]);
        else if (op.call === 'insert') vector().insert(0, op.args[1]);
        else if (current().length > 0) vector().set(0, op.args[1]);
        else return;
      } catch (error) {
        if (error instanceof FieldValueError) return;
        fail(`invalid ${op.path}.${op.call}(${op.args.map(String).join(', ')}) threw ${describe(error)}, not FieldValueError`);
      }
      return fail(`invalid ${op.path}.${op.call}(${op.args.map(String).join(', ')}) was accepted`);
    }
    case 'read':
      return read();
    case 'iterate':
      return iterate();
  }

  function mutate(what: string, args: readonly unknown[]): void {
    switch (what) {
      case 'set':
        for (const [k, v] of args as [unknown, unknown][]) {
          if (!resolves([v])) continue;
          call(`set(${String(k)})`, () => map().set(k, toPool(v)));
          store(withEntry(current() as MapEntries, k, v));
        }
        return;
      case 'delete':
        for (const k of args) {
          const entries = current() as MapEntries;
          const rest = entries.filter(([e]) => compareKeys(e, normalKey(k)) !== 0);
          const deleted = call(`delete(${String(k)})`, () => map().delete(k));
          expectSame(`delete(${String(k)})`, String(deleted), String(rest.length < entries.length));
          store(rest);
        }
        return;
      case 'clear':
        call('clear()', () => (isMap ? map() : vector()).clear());
        store([]);
        return;
      case 'push': {
        if (!resolves([...args])) return;
        const length = call('push()', () => vector().push(...args.map(toPool)));
        store([...current(), ...args]);
        expectSame('push() result', String(length), String(current().length));
        return;
      }
      case 'pop':
        for (let i = 0; i < (args[0] as number); i++) {
          const elements = current();
          const got = call('pop()', () => vector().pop());
          expectSame('pop()', poolText(element, got), modelText(element, elements[elements.length - 1]));
          store(elements.slice(0, -1));
        }
        return;
      case 'vset': case 'insert': {
        const i = index(args[0], what === 'insert' ? 1 : 0);
        if (i === null || !resolves([args[1]])) return;
        const elements = [...current()];
        call(`${what}(${i})`, () => (what === 'insert' ? vector().insert(i, toPool(args[1])) : vector().set(i, toPool(args[1]))));
        elements.splice(i, what === 'insert' ? 0 : 1, args[1]);
        store(elements);
        return;
      }
      case 'removeAt': {
        const i = index(args[0], 0);
        if (i === null) return;
        const elements = [...current()];
        const got = call(`removeAt(${i})`, () => vector().removeAt(i));
        expectSame(`removeAt(${i})`, poolText(element, got), modelText(element, elements[i]));
        elements.splice(i, 1);
        store(elements);
        return;
      }
    }
  }

  function read(): void {
    const entries = current() as MapEntries;
    switch (op.call) {
      case 'get': {
        const want = entries.find(([k]) => compareKeys(k, normalKey(op.args[0])) === 0);
        return expectSame(`get(${String(op.args[0])})`, poolText(element, call('get', () => map().get(op.args[0]))), modelText(element, want?.[1]));
      }
      case 'has':
        return expectSame(`has(${String(op.args[0])})`, String(call('has', () => map().has(op.args[0]))), String(entries.some(([k]) => compareKeys(k, normalKey(op.args[0])) === 0)));
      case 'range': {
        const options = op.args[0] as RangeArgs;
        const got = call('range', () => [...map().range(options as never)]);
        return expectSame(`range(${JSON.stringify(options, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))})`, entryTexts(got, true), entryTexts(rangeOf(entries, options), false));
      }
      case 'first': case 'last': {
        const got = call(op.call, () => map()[op.call as 'first' | 'last']());
        const want = op.call === 'first' ? entries[0] : entries[entries.length - 1];
        return expectSame(`${op.call}()`, got === undefined ? 'undefined' : entryTexts([got], true), want === undefined ? 'undefined' : entryTexts([want], false));
      }
      case 'vget': {
        const i = index(op.args[0], 0);
        if (i === null) return;
        return expectSame(`get(${i})`, poolText(element, call('get', () => vector().get(i))), modelText(element, current()[i]));
      }
    }
  }

  function iterate(): void {
    const before = current();
    if (before.length === 0 || !resolves([op.args[op.args.length - 1]])) return;
    const collection = isMap ? map() : vector();
    const it = (collection as Iterable<unknown>)[Symbol.iterator]();
    call('iterator next()', () => it.next());
    const structural = op.call === 'push' || (op.call === 'set' && !(before as MapEntries).some(([k]) => compareKeys(k, normalKey(op.args[0])) === 0));
    mutate(op.call, op.call === 'set' ? [op.args] : op.args);
    if (current() === before) return; // skipped (an unresolved ref)
    try {
      it.next();
    } catch (error) {
      if (structural && error instanceof InvalidObjectError && error.code === 'COLLECTION_MODIFIED') return;
      return fail(`${op.path}: an iterator's next step after ${op.call} threw ${describe(error)}${structural ? '' : ' (a value change must not invalidate it)'}`);
    }
    if (structural) fail(`${op.path}: an iterator's next step after a structural ${op.call} did not throw COLLECTION_MODIFIED`);
  }
}
