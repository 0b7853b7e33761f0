import { FieldValueError, InvalidObjectError, type TypeLayout } from '@pmemts/core';
import { decodeKeyArgument, encodeObject, type CollectionView } from '../values';
import type { Inspected } from '../open';
import { UsageError } from '../errors';
import { DEFAULT_SHOW_ENTRIES, integerOption, MAX_SHOW_DEPTH, MAX_SHOW_ENTRIES } from '../options';

interface ShowOptions {
  depth?: string;
  entries?: string;
  field?: string;
  after?: string;
}

/**
 * One object, following refs to `depth` levels (cycles shown as their `Class@offset`). Each map or
 * vector shows its size and one page of entries; `--field F --after K` pages F from after key (or
 * index) K, which each page gives as its `next`.
 */
export function show({ pool }: Inspected, target: string, options: ShowOptions) {
  const depth = integerOption('--depth', options.depth ?? '1', 0, MAX_SHOW_DEPTH);
  const obj = target === 'root' ? pool.rootObject() : objectNamed(pool, target);
  if (obj === null) throw new UsageError('the pool has no root object yet');
  const view = pageOf(pool.locate(obj).layout, options);
  return expand(pool, obj, depth, new Set(), view);
}

/** The page `show` prints of each collection, from its options (checked against the shown object's class). */
function pageOf(layout: TypeLayout, options: ShowOptions): CollectionView {
  const entries = integerOption('--entries', options.entries ?? String(DEFAULT_SHOW_ENTRIES), 0, MAX_SHOW_ENTRIES);
  if (options.after === undefined) {
    if (options.field !== undefined) throw new UsageError('--field names the collection that --after pages: give --after too');
    return { mode: 'page', entries };
  }
  const field = layout.fields.find((f) => f.name === options.field);
  if (field === undefined || (field.kind !== 'map' && field.kind !== 'vector')) {
    throw new UsageError(`--after needs --field naming a map or vector field of ${layout.name}, got ${options.field === undefined ? 'none' : `'${options.field}'`}`);
  }
  if (field.kind === 'vector') return { mode: 'page', entries, field: field.name, after: integerOption('--after', options.after, 0, Number.MAX_SAFE_INTEGER) };
  try {
    return { mode: 'page', entries, field: field.name, after: decodeKeyArgument(field, options.after, layout.name) };
  } catch (error) {
    if (error instanceof FieldValueError) throw new UsageError(`--after: ${error.detail}`);
    throw error;
  }
}

function objectNamed(pool: Inspected['pool'], target: string): object {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)@([0-9]+)$/.exec(target);
  if (!match) throw new UsageError(`expected Class@offset or root, got ${target}`);
  const offset = Number(match[2]);
  if (!(offset < pool.size)) throw new UsageError(`${target}: offset ${match[2]} lies beyond the pool (${pool.size} bytes)`);
  const obj = objectAt(pool, offset, target);
  const actual = pool.locate(obj).layout.name;
  if (actual !== match[1]) throw new UsageError(`${target}: the object there is a ${actual}`);
  return obj;
}

function objectAt(pool: Inspected['pool'], offset: number, target: string): object {
  try {
    return pool.objectAt(offset);
  } catch (error) {
    if (error instanceof InvalidObjectError) throw new UsageError(`${target}: no live object starts at offset ${offset}`);
    // Pool#objectAt throws TypeError for an allocation of no catalog class: a heap string/bytes block or the catalog itself.
    if (error instanceof TypeError) throw new UsageError(`${target}: the allocation at offset ${offset} is not an object of a catalog class (a heap string/bytes block or the schema catalog)`);
    throw error;
  }
}

function expand(pool: Inspected['pool'], obj: object, depth: number, seen: Set<string>, view: CollectionView): Record<string, unknown> {
  const { offset, layout } = pool.locate(obj);
  const name = `${layout.name}@${offset}`;
  const values = encodeObject(pool, obj, layout, view);
  if (depth === 0 || seen.has(name)) return { object: name, ...values };
  seen.add(name);
  for (const f of layout.fields) {
    const value = (obj as Record<string, unknown>)[f.name];
    // Refs are followed with first pages only: --field/--after page the shown object's own collection.
    if (f.kind === 'ref' && value !== null) values[f.name] = expand(pool, value as object, depth - 1, seen, { mode: 'page', entries: view.mode === 'page' ? view.entries : DEFAULT_SHOW_ENTRIES });
  }
  return { object: name, ...values };
}
