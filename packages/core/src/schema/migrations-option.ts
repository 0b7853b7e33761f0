/**
 * The `migrations` option of Pool.open: `{ [type name]: { [version]: (old, next) => void } }`, checked
 * before the pool file is touched.
 */
import type { TypeLayout } from '../layout';

/**
 * Converts one object to `version`: `old` is a frozen plain object of the pool version's field values
 * (refs, maps and vectors left out), `next` the new object, already holding every field pmemts could
 * convert by itself; assign its fields. Synchronous; a throw rolls the whole migration back.
 */
export type MigrationFunction = (old: Readonly<Record<string, any>>, next: any) => void;

/** Migration functions by class type name, then by the version they migrate to (2 and up). */
export type Migrations = Record<string, Record<number, MigrationFunction>>;

/** Checked migrations: by type name, the versions in ascending order with their functions. */
export type MigrationTable = ReadonlyMap<string, ReadonlyArray<{ readonly version: number; readonly run: MigrationFunction }>>;

/**
 * @throws {TypeError} when `migrations` is not an object of objects of functions, or names a class that is not one of `layouts`.
 * @throws {RangeError} when a version is not an integer from 2 to the class's version in code.
 */
export function checkMigrations(migrations: unknown, layouts: readonly TypeLayout[], where: string): MigrationTable {
  const table = new Map<string, { version: number; run: MigrationFunction }[]>();
  if (migrations === undefined) return table;
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isRecord(migrations)) throw new TypeError(`${where}: options.migrations must be an object { TypeName: { version: (old, next) => void } }`);
  for (const [name, byVersion] of Object.entries(migrations)) {
    const layout = layouts.find((l) => l.name === name);
    if (layout === undefined) throw new TypeError(`${where}: options.migrations.${name} names no class of options.types (type names: ${layouts.map((l) => l.name).join(', ') || 'none'})`);
    if (!isRecord(byVersion)) throw new TypeError(`${where}: options.migrations.${name} must be an object { version: (old, next) => void }`);
    const steps: { version: number; run: MigrationFunction }[] = [];
    for (const [key, run] of Object.entries(byVersion)) {
      const version = Number(key);
      if (!/^[0-9]+$/.test(key) || !Number.isSafeInteger(version) || version < 2 || version > layout.version) {
        throw new RangeError(`${where}: options.migrations.${name}: version ${JSON.stringify(key)} must be an integer from 2 to ${name}'s version in code (${layout.version})`);
      }
      if (typeof run !== 'function') throw new TypeError(`${where}: options.migrations.${name}[${key}] must be a function (old, next) => void, got ${run === null ? 'null' : typeof run}`);
      steps.push({ version, run: run as MigrationFunction });
    }
    table.set(name, steps.sort((a, b) => a.version - b.version));
  }
  return table;
}
