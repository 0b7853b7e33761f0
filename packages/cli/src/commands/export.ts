import { runTransaction, openForInspection, type FieldLayout, type Pool, type TypeLayout } from '@pmemts/core';
import * as fs from 'node:fs';
import { objectValues } from '../format';
import type { Inspected } from '../open';
import { UsageError } from '../errors';

export interface ExportFile {
  format: 'pmemts-export';
  version: 1;
  /** Flat objects: refs as `Class@offset` naming another exported object, bigints as strings, bytes as hex. */
  objects: { ref: string; type: string; data: Record<string, unknown> }[];
}

export function exportObjects({ pool }: Inspected, options: { type?: string }): ExportFile {
  const layouts = pool.layouts().filter((l) => options.type === undefined || l.name === options.type);
  if (options.type !== undefined && layouts.length === 0) throw new UsageError(`no class ${options.type} in this pool's catalog`);
  const objects: ExportFile['objects'] = [];
  for (const layout of layouts) {
    for (const obj of pool.objects(layout.ctor as never)) {
      const offset = pool.locate(obj as object).offset;
      objects.push({ ref: `${layout.name}@${offset}`, type: layout.name, data: objectValues(pool, obj as object, layout) });
    }
  }
  return { format: 'pmemts-export', version: 1, objects };
}

/**
 * Creates every exported object inside one transaction, then links refs between them (refs to
 * objects not in the export become null). Either everything is imported or nothing is.
 */
export function importObjects(file: string, jsonFile: string, layout: string | undefined): { imported: number } {
  let data: ExportFile;
  try {
    data = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${jsonFile}: ${(error as Error).message}`);
  }
  if (data?.format !== 'pmemts-export' || !Array.isArray(data.objects)) throw new UsageError(`${jsonFile} is not a pmemts export`);
  const { pool } = openForInspection(file, { layout });
  try {
    const byName = new Map(pool.layouts().map((l) => [l.name, l]));
    runTransaction(pool, () => {
      const created = new Map<string, object>();
      const pending: [object, TypeLayout, Record<string, unknown>][] = [];
      for (const o of data.objects) {
        const l = byName.get(o.type);
        if (l === undefined) throw new UsageError(`the export has class ${o.type}, which this pool's catalog lacks`);
        const obj = pool.create(l.ctor as never) as object;
        assign(pool, obj, l, o.data, false, created);
        created.set(o.ref, obj);
        pending.push([obj, l, o.data]);
      }
      for (const [obj, l, values] of pending) assign(pool, obj, l, values, true, created);
    });
    return { imported: data.objects.length };
  } finally {
    pool.close();
  }
}

/** Assigns exported values (refs only in the second pass, once every object exists). */
function assign(pool: Pool, obj: object, layout: TypeLayout, values: Record<string, unknown>, refs: boolean, created: Map<string, object>): void {
  const target = obj as Record<string, unknown>;
  for (const f of layout.fields) {
    if (!(f.name in values) || (f.kind === 'ref') !== refs) continue;
    if (f.kind === 'struct') {
      assign(pool, target[f.name] as object, f.struct!, values[f.name] as Record<string, unknown>, refs, created);
      continue;
    }
    target[f.name] = revive(f, values[f.name], created);
  }
}

function revive(f: FieldLayout, v: unknown, created: Map<string, object>): unknown {
  if (f.kind === 'ref') return v === null ? null : created.get(String(v)) ?? null;
  if (f.kind === 'bytes' || f.kind === 'heapBytes') return typeof v === 'string' ? new Uint8Array(Buffer.from(v, 'hex')) : v;
  if (f.kind === 'scalar' && (f.scalar === 'u64' || f.scalar === 'i64') && typeof v === 'string') return BigInt(v);
  if (f.kind === 'scalar' && f.scalar === 'timestamp' && typeof v === 'string') return new Date(v);
  return v;
}
