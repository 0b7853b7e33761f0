/**
 * `pmemts diff <pool> [module]`: the classes of an application module against the pool's schema
 * catalog, class by class and field by field; nothing is written. The CLI has no classes of its own,
 * so the module supplies them (see loadSchemaModule); without one, the pool's own classes (from its
 * catalog) are listed with their versions. `migrate` shares this.
 */
import * as path from 'node:path';
import { diffSchema, resolveLayout, type ClassDiff, type Migrations, type PersistentClass } from '@pmemts/core';
import { UsageError } from '../errors';
import { table } from '../format';
import type { Inspected } from '../open';

/** What an application module gives the schema commands. */
export interface SchemaModule {
  /** Its `@Persistent` classes: the `types` export when there is one, else every exported `@Persistent` class. */
  readonly types: PersistentClass[];
  /** Its `migrations` export (Pool.open's option), if any. */
  readonly migrations?: Migrations;
  /** Its `layout` export (the libpmemobj layout name), if any. */
  readonly layout?: string;
}

/**
 * Loads a compiled (JavaScript) module of the application's classes.
 * @throws {UsageError} when it cannot be loaded, or exports no `@Persistent` class.
 */
export function loadSchemaModule(file: string): SchemaModule {
  let exported: Record<string, unknown>;
  try {
    exported = require(path.resolve(file)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`cannot load the classes module ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  const isPersistent = (value: unknown): value is PersistentClass => {
    if (typeof value !== 'function') return false;
    try {
      resolveLayout(value);
      return true;
    } catch {
      return false;
    }
  };
  const types = Array.isArray(exported.types) ? (exported.types as unknown[]) : Object.values(exported).filter(isPersistent);
  if (types.length === 0 || !types.every(isPersistent)) {
    throw new UsageError(`${file} exports no @Persistent classes: export them, or a \`types\` array of them (compiled JavaScript)`);
  }
  if (exported.layout !== undefined && typeof exported.layout !== 'string') throw new UsageError(`${file}: its \`layout\` export must be a string`);
  return { types: types as PersistentClass[], migrations: exported.migrations as Migrations | undefined, layout: exported.layout as string | undefined };
}

/** One row of the diff: a class, its versions, what opening does, and its field changes. */
export interface DiffRow extends ClassDiff {
  /** Objects of the class in the pool. */
  readonly objects: number;
}

/**
 * The classes the CLI rebuilt from the pool's own catalog, as a module: what `diff` and
 * `migrate --dry-run` compare against when no module is given (every class then reads `same`, and
 * the output lists the pool's classes, versions, objects, and a migration in progress).
 */
export function catalogModule({ pool }: Inspected): SchemaModule {
  return { types: pool.layouts().map((l) => l.ctor as unknown as PersistentClass) };
}

export function diff(inspected: Inspected, module: SchemaModule | null): { migrationInProgress: boolean; classes: DiffRow[] } {
  const { pool, catalog } = inspected;
  const layouts = (module ?? catalogModule(inspected)).types.map((t) => resolveLayout(t));
  const counts = new Map<number, number>();
  for (const { typeNum } of pool.heap()) counts.set(typeNum, (counts.get(typeNum) ?? 0) + 1);
  const classes = diffSchema(catalog, layouts).map((d, i) => ({ ...d, objects: d.status === 'new' ? 0 : counts.get(layouts[i].typeNum) ?? 0 }));
  return { migrationInProgress: catalog.sections?.migration !== undefined, classes };
}

/** The diff as text: one heading per class, then its fields. */
export function diffText(result: ReturnType<typeof diff>): string {
  const blocks = result.classes.map((c) => {
    const versions = c.poolVersion === undefined ? `v${c.codeVersion} (new)` : c.poolVersion === c.codeVersion ? `v${c.codeVersion}` : `v${c.poolVersion} → v${c.codeVersion}`;
    const head = `${c.type}  ${versions}  ${c.status}  ${c.objects} objects`;
    if (c.fields.length === 0) return head;
    return `${head}\n${table(['  field', 'change', 'automatic', 'pool', 'code'], c.fields.map((f) => [`  ${f.field}`, f.change, f.automatic ? 'yes' : 'needs a function', f.inPool ?? '', f.inCode ?? '']))}`;
  });
  if (result.migrationInProgress) blocks.unshift('a migration is in progress: opening the pool with the classes it migrates to finishes it');
  return blocks.join('\n\n');
}
