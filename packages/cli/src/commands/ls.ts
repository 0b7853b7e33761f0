import { objectValues } from '../format';
import type { Inspected } from '../open';
import { UsageError } from '../errors';

export function ls({ pool }: Inspected, options: { type?: string; limit?: string }) {
  const limit = options.limit === undefined ? Infinity : Number(options.limit);
  if (!(limit >= 0) || !Number.isInteger(limit === Infinity ? 0 : limit)) throw new UsageError(`--limit must be a non-negative integer, got ${options.limit}`);
  const layouts = pool.layouts().filter((l) => options.type === undefined || l.name === options.type);
  if (options.type !== undefined && layouts.length === 0) throw new UsageError(`no class ${options.type} in this pool's catalog`);
  const rows: Record<string, unknown>[] = [];
  for (const layout of layouts) {
    for (const obj of pool.objects(layout.ctor as never)) {
      if (rows.length >= limit) return rows;
      rows.push({ object: `${layout.name}@${pool.locate(obj as object).offset}`, ...objectValues(pool, obj as object, layout) });
    }
  }
  return rows;
}
