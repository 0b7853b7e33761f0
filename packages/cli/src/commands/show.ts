import { InvalidObjectError } from '@pmemts/core';
import { encodeObject } from '../values';
import type { Inspected } from '../open';
import { UsageError } from '../errors';
import { integerOption, MAX_SHOW_DEPTH } from '../options';

/** One object, following refs to `depth` levels (cycles shown as their `Class@offset`). */
export function show({ pool }: Inspected, target: string, options: { depth?: string }) {
  const depth = integerOption('--depth', options.depth ?? '1', 0, MAX_SHOW_DEPTH);
  if (target === 'root') {
    const root = pool.rootObject();
    if (root === null) throw new UsageError('the pool has no root object yet');
    return expand(pool, root, depth, new Set());
  }
  const match = /^([A-Za-z_][A-Za-z0-9_]*)@([0-9]+)$/.exec(target);
  if (!match) throw new UsageError(`expected Class@offset or root, got ${target}`);
  const offset = Number(match[2]);
  if (!(offset < pool.size)) throw new UsageError(`${target}: offset ${match[2]} lies beyond the pool (${pool.size} bytes)`);
  const obj = objectAt(pool, offset, target);
  const actual = pool.locate(obj).layout.name;
  if (actual !== match[1]) throw new UsageError(`${target}: the object there is a ${actual}`);
  return expand(pool, obj, depth, new Set());
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

function expand(pool: Inspected['pool'], obj: object, depth: number, seen: Set<string>): Record<string, unknown> {
  const { offset, layout } = pool.locate(obj);
  const name = `${layout.name}@${offset}`;
  const values = encodeObject(pool, obj, layout);
  if (depth === 0 || seen.has(name)) return { object: name, ...values };
  seen.add(name);
  for (const f of layout.fields) {
    const value = (obj as Record<string, unknown>)[f.name];
    if (f.kind === 'ref' && value !== null) values[f.name] = expand(pool, value as object, depth - 1, seen);
  }
  return { object: name, ...values };
}
