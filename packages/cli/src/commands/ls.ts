import { encodeObject } from '../values';
import type { Inspected } from '../open';
import { integerOption, selectLayouts } from '../options';
import { counted, type Progress } from '../progress';

export function ls({ pool }: Inspected, options: { type?: string; limit?: string }, progress: Progress) {
  const limit = options.limit === undefined ? Infinity : integerOption('--limit', options.limit, 1, Number.MAX_SAFE_INTEGER);
  const rows: Record<string, unknown>[] = [];
  for (const layout of selectLayouts(pool, options.type)) {
    progress.stage(`ls: ${layout.name}`, 'objects');
    for (const obj of counted(pool.objects(layout.ctor as never), progress)) {
      if (rows.length >= limit) return rows;
      // Maps and vectors show their size: a row per object stays a row (show pages their entries).
      rows.push({ object: `${layout.name}@${pool.locate(obj as object).offset}`, ...encodeObject(pool, obj as object, layout, { mode: 'size' }) });
    }
  }
  return rows;
}
