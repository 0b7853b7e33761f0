/**
 * Turns a heat record (line numbers and flush counts) into what a person asks: which classes, objects,
 * lines and fields take the writes, and the write amplification. Lines are attributed to allocations
 * at report time, from the heap as it is now: a line of an object freed since reads as '(freed)', and
 * a line shared by two allocations goes to the one holding more of its bytes.
 */
import type { TypeLayout } from '../layout';
import { RESERVED_ALLOCATION_NAMES } from '../pool/reserved-allocations';
import type { HeatRecord } from './heat-record';
import { LINE_BYTES } from './HeatRecorder';

/** Write heat of a pool over its recorded period (`pool.heat()`, `pmemts heat`). */
export interface HeatReport {
  /** Whether this session records heat (opened with `heat: true`). */
  recording: boolean;
  /** When recording started (ISO 8601); null when nothing was ever recorded. */
  since: string | null;
  /** Sessions in the record, the current one included when it records. */
  sessions: number;
  /** Bytes the application's field stores changed (map and vector operations are not counted here). */
  changedBytes: number;
  /** Cache lines flushed: by commits (snapshotted and allocated ranges, write-back spans) and by Flush-level stores. */
  flushedLines: number;
  /** flushedLines × 64: the bytes the CPU wrote back to the media. */
  flushedBytes: number;
  /** Bytes copied into libpmemobj's undo and redo logs. */
  loggedBytes: number;
  /** (flushedBytes + loggedBytes) / changedBytes; null when nothing was changed. */
  writeAmplification: number | null;
  /** False when the record dropped lines beyond its 1,024 hottest: class and object sums then undercount. */
  complete: boolean;
  /** Classes by flushes, hottest first (pmemts's own allocations in parentheses). */
  classes: HeatClass[];
  /** The hottest objects (allocations). */
  objects: HeatObject[];
  /** The hottest 64-byte lines, with the object and fields they hold. */
  lines: HeatLine[];
}

/** One class's share of the write heat. */
export interface HeatClass {
  /** The class's `@Persistent` name, `(freed)`, or one of pmemts's own allocations in parentheses. */
  name: string;
  /** Flushes of the lines its objects hold. */
  flushes: number;
  /** Its objects that were flushed at least once. */
  objects: number;
}

/** One allocation's share of the write heat. */
export interface HeatObject {
  /** Where the allocation starts in the pool. */
  offset: number;
  /** Its class, as in HeatClass.name. */
  class: string;
  /** Flushes of the lines it holds. */
  flushes: number;
}

/** One 64-byte line of the pool and what lives in it now. */
export interface HeatLine {
  /** The line's first byte in the pool (a multiple of 64). */
  offset: number;
  /** Times it was flushed. */
  flushes: number;
  /** Class of the allocation holding (most of) it, or `(freed)`. */
  class: string;
  /** Offset of that allocation; null when none holds it now. */
  object: number | null;
  /** The fields of that allocation's class that overlap the line. */
  fields: string[];
}

/** One allocation of the heap: where it starts and how many bytes it has. */
export interface HeapAllocation {
  offset: number;
  typeNum: number;
  usableSize: number;
}

const FREED = '(freed)';

/**
 * The report of `record` (null: nothing recorded) over the heap `allocations`, naming classes with
 * `layouts`; at most `top` objects and lines.
 */
export function buildHeatReport(record: HeatRecord | null, recording: boolean, allocations: HeapAllocation[], layouts: readonly TypeLayout[], top: number): HeatReport {
  const byTypeNum = new Map(layouts.map((l) => [l.typeNum, l]));
  const sorted = allocations.slice().sort((a, b) => a.offset - b.offset);
  const nameOf = (typeNum: number) => byTypeNum.get(typeNum)?.name ?? RESERVED_ALLOCATION_NAMES.get(typeNum) ?? `type#${typeNum}`;
  const objects = new Map<number, { offset: number; class: string; flushes: number }>();
  const lines: HeatReport['lines'] = [];
  for (const [line, flushes] of record?.lines ?? []) {
    const start = line * LINE_BYTES;
    const owner = ownerOf(sorted, start, start + LINE_BYTES);
    if (owner === null) {
      lines.push({ offset: start, flushes, class: FREED, object: null, fields: [] });
      continue;
    }
    const name = nameOf(owner.typeNum);
    const object = objects.get(owner.offset) ?? { offset: owner.offset, class: name, flushes: 0 };
    object.flushes += flushes;
    objects.set(owner.offset, object);
    lines.push({ offset: start, flushes, class: name, object: owner.offset, fields: fieldsIn(byTypeNum.get(owner.typeNum), start - owner.offset) });
  }
  const classes = new Map<string, { name: string; flushes: number; objects: number }>();
  for (const o of objects.values()) {
    const c = classes.get(o.class) ?? { name: o.class, flushes: 0, objects: 0 };
    c.flushes += o.flushes;
    c.objects++;
    classes.set(o.class, c);
  }
  const freed = lines.filter((l) => l.object === null).reduce((sum, l) => sum + l.flushes, 0);
  if (freed > 0) classes.set(FREED, { name: FREED, flushes: freed, objects: 0 });
  const flushedLines = record?.flushedLines ?? 0;
  const loggedBytes = record?.loggedBytes ?? 0;
  const changedBytes = record?.changedBytes ?? 0;
  return {
    recording,
    since: record?.since ?? null,
    sessions: record?.sessions ?? 0,
    changedBytes,
    flushedLines,
    flushedBytes: flushedLines * LINE_BYTES,
    loggedBytes,
    writeAmplification: changedBytes === 0 ? null : (flushedLines * LINE_BYTES + loggedBytes) / changedBytes,
    complete: record?.complete ?? true,
    classes: [...classes.values()].sort((a, b) => b.flushes - a.flushes),
    objects: [...objects.values()].sort((a, b) => b.flushes - a.flushes || a.offset - b.offset).slice(0, top),
    lines: lines.slice(0, top),
  };
}

/** The allocation holding most of [start, end), or null when none overlaps it. `sorted` is by offset. */
function ownerOf(sorted: HeapAllocation[], start: number, end: number): HeapAllocation | null {
  // Allocations do not overlap: walk back from the last one starting before `end` until one ends before `start`.
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].offset < end) lo = mid + 1;
    else hi = mid;
  }
  let best: HeapAllocation | null = null;
  let bestBytes = 0;
  for (let i = lo - 1; i >= 0; i--) {
    const a = sorted[i];
    if (a.offset + a.usableSize <= start) break;
    const bytes = Math.min(end, a.offset + a.usableSize) - Math.max(start, a.offset);
    if (bytes >= bestBytes) {
      best = a;
      bestBytes = bytes;
    }
  }
  return best;
}

/** Names of the fields of `layout` overlapping the line at `rel` bytes into its object. */
function fieldsIn(layout: TypeLayout | undefined, rel: number): string[] {
  if (layout === undefined) return [];
  return layout.fields.filter((f) => f.offset < rel + LINE_BYTES && f.offset + f.size > rel).map((f) => f.name);
}
