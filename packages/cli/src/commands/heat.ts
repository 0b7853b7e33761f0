import type { HeatReport } from '@pmemts/core';
import type { Inspected } from '../open';
import { integerOption } from '../options';
import { table } from '../format';

/** The most objects and lines `--top` lists. */
export const MAX_HEAT_TOP = 10_000;

/** The pool's recorded write heat (sessions opened with `heat: true`), read without changing the pool. */
export function heat({ pool }: Inspected, o: { top?: string }): HeatReport {
  return pool.heat({ top: integerOption('--top', o.top ?? '20', 1, MAX_HEAT_TOP) });
}

export function heatText(r: HeatReport): string {
  if (r.sessions === 0) return 'no write heat recorded: open the pool with { heat: true } to record it';
  const wa = r.writeAmplification === null ? 'n/a' : `${r.writeAmplification.toFixed(2)}×`;
  const head = [
    `recorded since ${r.since} over ${r.sessions} session(s)${r.complete ? '' : ' (only the 1,024 hottest lines kept: sums undercount)'}`,
    `changed ${r.changedBytes} B, flushed ${r.flushedLines} lines (${r.flushedBytes} B), logged ${r.loggedBytes} B, write amplification ${wa}`,
  ].join('\n');
  return [
    head,
    table(['class', 'flushes', 'objects'], r.classes.map((c) => [c.name, c.flushes, c.objects])),
    table(['object', 'flushes'], r.objects.map((o) => [`${o.class}@${o.offset}`, o.flushes])),
    table(['line', 'flushes', 'object', 'fields'], r.lines.map((l) => [l.offset, l.flushes, l.object === null ? l.class : `${l.class}@${l.object}`, l.fields.join(', ')])),
  ].join('\n\n');
}
