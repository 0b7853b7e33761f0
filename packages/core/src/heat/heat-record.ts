/**
 * The persistent form of write heat: kept in the catalog's 'heat' section, merged at each close of a
 * pool opened with `heat: true`, so `pmemts heat` can show what earlier sessions recorded. Totals are
 * exact; per-line counts keep the MAX_RECORDED_LINES hottest lines.
 */
import { PoolCorruptError } from '@pmemts/native';
import type { HeatRecorder } from './HeatRecorder';

/** Catalog section holding the record. */
export const HEAT_SECTION = 'heat';
/** Hot lines a record keeps (about 12 KiB of catalog JSON at most: the catalog is rewritten at each save). */
export const MAX_RECORDED_LINES = 1024;

export interface HeatRecord {
  /** When recording started (ISO 8601). */
  since: string;
  /** Sessions merged into the record. */
  sessions: number;
  changedBytes: number;
  flushedLines: number;
  loggedBytes: number;
  /** [line number, flushes], hottest first. */
  lines: [number, number][];
  /** False once a merge dropped lines beyond MAX_RECORDED_LINES (per-class and per-object sums then undercount). */
  complete: boolean;
}

/** The record of `recorder`'s session added to `previous` (null: the first recorded session). */
export function mergeHeat(previous: HeatRecord | null, recorder: HeatRecorder, since: Date, sessions: number): HeatRecord {
  const lines = new Map<number, number>(previous?.lines ?? []);
  for (const [line, flushes] of recorder.lines) lines.set(line, (lines.get(line) ?? 0) + flushes);
  const sorted = [...lines].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return {
    since: previous?.since ?? since.toISOString(),
    sessions: (previous?.sessions ?? 0) + sessions,
    changedBytes: (previous?.changedBytes ?? 0) + recorder.changedBytes,
    flushedLines: (previous?.flushedLines ?? 0) + recorder.flushedLines,
    loggedBytes: (previous?.loggedBytes ?? 0) + recorder.loggedBytes,
    lines: sorted.slice(0, MAX_RECORDED_LINES),
    complete: (previous?.complete ?? true) && sorted.length <= MAX_RECORDED_LINES,
  };
}

/** The catalog section as a record; `file` names the pool in the error for a malformed one. */
export function parseHeatRecord(value: unknown, file: string): HeatRecord | null {
  if (value === undefined) return null;
  const v = value as Partial<HeatRecord>;
  const count = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  const ok = typeof v === 'object' && v !== null && typeof v.since === 'string' && count(v.sessions) && count(v.changedBytes) &&
    count(v.flushedLines) && count(v.loggedBytes) && typeof v.complete === 'boolean' && Array.isArray(v.lines) &&
    v.lines.every((e) => Array.isArray(e) && e.length === 2 && count(e[0]) && count(e[1]));
  if (!ok) throw new PoolCorruptError(`${file}: the catalog's heat record is malformed`, 'CATALOG_CORRUPT');
  return v as HeatRecord;
}
