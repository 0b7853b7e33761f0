import { encodeObject } from '../values';
import type { Inspected } from '../open';
import { integerOption, selectLayouts } from '../options';

export function ls({ pool }: Inspected, options: { type?: string; limit?: string }) {
  const limit = options.limit === undefined ? Infinity : integerOption('--limit', options.limit, 1, Number.MAX_SAFE_INTEGER);
  const rows: Record<string, unknown>[] = [];
  for (const layout of selectLayouts(pool, options.type)) {
    for (const obj of pool.objects(layout.ctor as never)) {
      if (rows.length >= limit) return rows;
      // Maps and vectors show their size: a row per object stays a row (show pages their entries).
      rows.push({ object: `${layout.name}@${pool.locate(obj as object).offset}`, ...encodeObject(pool, obj as object, layout, { mode: 'size' }) });
    }
  }
  return rows;
}
