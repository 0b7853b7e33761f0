/** Human output: aligned tables and one-line cells; JSON output: indented, bigints as decimal strings. */

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/** One-line text of a value for tables (long strings cut). */
export function cellText(value: unknown): string {
  const text = typeof value === 'object' && value !== null ? toJson(value).replace(/\n\s*/g, ' ') : String(value);
  return text.length > 40 ? text.slice(0, 39) + '…' : text;
}
