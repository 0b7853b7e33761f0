/** Human output: aligned tables and field values as text; JSON output: plain data with bigints as strings. */
import type { Pool, TypeLayout } from '@pmemts/core';

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v), 2);
}

/** `Class@offset` of a live object. */
export function refName(pool: Pool, obj: object): string {
  const { offset, layout } = pool.locate(obj);
  return `${layout.name}@${offset}`;
}

/** A field's value as plain data: refs as `Class@offset`, structs nested, bytes as hex. */
export function fieldValue(pool: Pool, obj: object, layout: TypeLayout, field: string): unknown {
  const f = layout.fields.find((x) => x.name === field)!;
  const value = (obj as Record<string, unknown>)[field];
  if (f.kind === 'ref') return value === null ? null : refName(pool, value as object);
  if (f.kind === 'struct') return objectValues(pool, value as object, f.struct!);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (typeof value === 'bigint') return value.toString();
  return value;
}

export function objectValues(pool: Pool, obj: object, layout: TypeLayout): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of layout.fields) out[f.name] = fieldValue(pool, obj, layout, f.name);
  return out;
}

/** One-line text of a value for tables (long strings cut). */
export function cellText(value: unknown): string {
  const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  return text.length > 40 ? text.slice(0, 39) + '…' : text;
}
