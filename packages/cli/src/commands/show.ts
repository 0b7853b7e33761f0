import { InvalidObjectError } from '@pmemts/core';
import { objectValues } from '../format';
import type { Inspected } from '../open';
import { UsageError } from '../errors';

/** One object, following refs to `depth` levels (cycles shown as their `Class@offset`). */
export function show({ pool }: Inspected, target: string, options: { depth?: string }) {
  const depth = Number(options.depth ?? 1);
  if (!Number.isInteger(depth) || depth < 0) throw new UsageError(`--depth must be a non-negative integer, got ${options.depth}`);
  let obj: object | null;
  if (target === 'root') {
    obj = pool.rootObject();
    if (obj === null) throw new UsageError('the pool has no root object yet');
  } else {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)@(\d+)$/.exec(target);
    if (!match) throw new UsageError(`expected Class@offset or root, got ${target}`);
    obj = pool.objectAt(Number(match[2]));
    const actual = pool.locate(obj).layout.name;
    if (actual !== match[1]) throw new InvalidObjectError(`${target}: the object there is a ${actual}`, 'INVALID_OBJECT');
  }
  return expand(pool, obj, depth, new Set());
}

function expand(pool: Inspected['pool'], obj: object, depth: number, seen: Set<string>): Record<string, unknown> {
  const { offset, layout } = pool.locate(obj);
  const name = `${layout.name}@${offset}`;
  const values = objectValues(pool, obj, layout);
  if (depth === 0 || seen.has(name)) return { object: name, ...values };
  seen.add(name);
  for (const f of layout.fields) {
    const value = (obj as Record<string, unknown>)[f.name];
    if (f.kind === 'ref' && value !== null) values[f.name] = expand(pool, value as object, depth - 1, seen);
  }
  return { object: name, ...values };
}
