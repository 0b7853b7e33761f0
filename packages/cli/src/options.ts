/** Command-line values parsed strictly: `--limit ''` is a mistake, not 0. */
import type { Pool, TypeLayout } from '@pmemts/core';
import { UsageError } from './errors';

/** The deepest `show --depth`: deeper output is unreadable, and each level is a nested JSON object. */
export const MAX_SHOW_DEPTH = 100;
/** Entries of each map or vector `show` prints by default, and at most (`--entries`). */
export const DEFAULT_SHOW_ENTRIES = 20;
export const MAX_SHOW_ENTRIES = 10_000;

/** A decimal integer option in [min, max]. */
export function integerOption(name: string, text: string, min: number, max: number): number {
  const value = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got '${text}'`);
  return value;
}

/** The layouts `--type` selects: all of them, or the one class it names. */
export function selectLayouts(pool: Pool, type: string | undefined): TypeLayout[] {
  const layouts = pool.layouts().filter((l) => type === undefined || l.name === type);
  if (type !== undefined && layouts.length === 0) throw new UsageError(`no class ${type} in this pool's catalog`);
  return layouts;
}
