/**
 * `pmemts migrate <pool> [module] [--dry-run]`: migrates the pool to the module's classes (Pool.open
 * with its `types` and `migrations`, which migrates before it returns), with progress; `--dry-run`
 * prints what would change and whether it could, and writes nothing (without a module: the pool's
 * classes and versions, nothing to migrate). Migrating needs the module.
 */
import { Pool, readLayoutName, type MigrationPhase, type PoolOpenOptions } from '@pmemts/core';
import { UsageError } from '../errors';
import type { Progress } from '../progress';
import { withPool } from '../open';
import { diff, type SchemaModule } from './diff';

/** Why the migration would be refused, by class, or an empty list when it would run (or there is nothing to do). */
export function refusals(result: ReturnType<typeof diff>, module: SchemaModule): string[] {
  const out: string[] = [];
  for (const c of result.classes) {
    if (c.status === 'lower-version') out.push(`${c.type}: the pool holds v${c.poolVersion}, the module v${c.codeVersion}`);
    if (c.status === 'same-version-changed' || c.status === 'type-number-changed') out.push(`${c.type}: the layout changed but the version did not (v${c.codeVersion}); raise it`);
    if (c.status !== 'migrate') continue;
    const functions = Object.keys(module.migrations?.[c.type] ?? {}).filter((v) => Number(v) > c.poolVersion!);
    if (functions.length > 0) continue;
    for (const f of c.fields) if (!f.automatic) out.push(`${c.type}.${f.field}: ${f.change} needs a migration function (migrations: { ${c.type}: { ${c.codeVersion}: (old, next) => … } })`);
  }
  return out;
}

/** What `migrate --dry-run` reports; without a module, the pool's own classes (nothing to migrate). */
export function dryRun(file: string, layout: string | undefined, module: SchemaModule | null) {
  const result = withPool(file, layout ?? module?.layout, (inspected) => diff(inspected, module));
  const migrating = result.classes.filter((c) => c.status === 'migrate');
  return { ...result, wouldMigrate: migrating.map((c) => c.type), objects: migrating.reduce((n, c) => n + c.objects, 0), refused: module === null ? [] : refusals(result, module) };
}

const LABELS: Record<MigrationPhase, string> = { copy: 'migrate: copying objects', rewire: 'migrate: rewiring references', free: 'migrate: freeing old objects', rollback: 'migrate: rolling back' };

/** Opens the pool with the module's classes and migrations (the migration runs inside the open), then closes it. */
export function migrate(file: string, layout: string | undefined, module: SchemaModule, progress: Progress) {
  const began = performance.now();
  let phase: MigrationPhase | null = null;
  const phases: MigrationPhase[] = [];
  progress.stage(`migrate: opening ${file}`);
  const pool = openMigrating(file, {
    layout: layout ?? module.layout ?? readLayoutName(file),
    types: module.types,
    migrations: module.migrations,
    onMigrationProgress: (now, done, total) => {
      if (now !== phase) {
        phase = now;
        phases.push(now);
        progress.stage(LABELS[now], 'objects', total > 0 ? total : undefined);
      }
      progress.update(done);
    },
  });
  pool.close();
  return { migrated: phases.length > 0, phases, seconds: Number(((performance.now() - began) / 1000).toFixed(3)) };
}

/** Pool.open, with the module's malformed exports (its migrations' shape, names, versions) reported as usage errors. */
function openMigrating(file: string, options: PoolOpenOptions): Pool {
  try {
    return Pool.open(file, options);
  } catch (error) {
    if ((error instanceof TypeError || error instanceof RangeError) && error.message.startsWith('Pool.open: options.')) throw new UsageError(`the classes module: ${error.message}`);
    throw error;
  }
}
