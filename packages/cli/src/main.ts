#!/usr/bin/env node
/**
 * pmemts: inspect and check pools. Every command takes --json; human output is aligned tables.
 * Every failure is one line on stderr with an exit status of errors.ts's ExitStatus.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { ExitStatus, reportFailure, UsageError } from './errors';
import { cellText, table, toJson } from './format';
import { withPool, type Inspected } from './open';
import { DEFAULT_SHOW_ENTRIES, MAX_SHOW_DEPTH, MAX_SHOW_ENTRIES } from './options';
import { info } from './commands/info';
import { checkpoint } from './commands/checkpoint';
import { restore } from './commands/restore';
import { scanPendingRecovery } from '@pmemts/core';
import { types } from './commands/types';
import { ls } from './commands/ls';
import { show } from './commands/show';
import { check, type CheckResult } from './commands/check';
import { gc } from './commands/gc';
import { defrag, defragText } from './commands/defrag';
import { stats } from './commands/stats';
import { heat, heatText } from './commands/heat';
import { exportObjects, importObjects } from './commands/export';
import { blk, hexDump } from './commands/blk';
import { withProgress, type Progress } from './progress';
import { diff, diffText, loadSchemaModule } from './commands/diff';
import { dryRun, migrate } from './commands/migrate';

interface Common {
  json?: boolean;
  layout?: string;
}

function print(data: unknown, json: boolean | undefined, human: () => string): void {
  process.stdout.write((json ? toJson(data) : human()) + '\n');
}

/** The CLI package's version, from its package.json (beside src/ and dist/), so a release cannot forget to bump it here. */
function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

const program = new Command()
  .name('pmemts')
  .description('Inspect and check pmemts pools')
  .version(packageVersion(), '-V, --version', 'print the version of pmemts')
  .option('-q, --quiet', 'no progress indicator (it is drawn only when stderr is a terminal)')
  .exitOverride()
  // Commander's own error text is dropped: its errors are thrown and printed by reportFailure, in one line.
  .configureOutput({ writeErr: () => undefined });

/** Runs `fn` with the progress indicator `--quiet` allows, erased before the command prints. */
function withCommandProgress<T>(fn: (progress: Progress) => T): T {
  return withProgress({ quiet: program.opts<{ quiet?: boolean }>().quiet }, fn);
}

/** Opens the pool (whose probe child walks the heap: as long as the command's own walk), runs `fn`, closes it. */
function inspect<T>(command: string, file: string, layout: string | undefined, fn: (inspected: Inspected, progress: Progress) => T): T {
  return withCommandProgress((progress) => {
    progress.stage(`${command}: opening ${file}`);
    return withPool(file, layout, (p) => fn(p, progress));
  });
}

const withCommon = (c: Command) => c.option('--json', 'machine-readable output').option('--layout <name>', 'libpmemobj layout name (default: read from the pool header)');

withCommon(program.command('info <pool>').description('file, size, heap use, layout, mapping, uuid, catalog summary')).action((file: string, o: Common) => {
  // Scanned before the open, which recovers what the lanes hold.
  const pending = scanPendingRecovery(file);
  const started = performance.now();
  const data = inspect('info', file, o.layout, (p, progress) => info(p, progress, { pending, openMs: performance.now() - started }));
  print(data, o.json, () => table(['property', 'value'], Object.entries(data).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)])));
});

withCommon(program.command('types <pool>').description('classes in the catalog with counts and fields')).action((file: string, o: Common) => {
  const data = inspect('types', file, o.layout, types);
  print(data, o.json, () =>
    data
      .map((t) => `${t.name}  #${t.typeNum}  v${t.version}  ${t.size} B  ${t.objects} objects (${t.bytes} B)\n` + table(['  field', 'type', 'offset', 'size'], t.fields.map((f) => [`  ${f.name}`, String(f.type), f.offset, f.size])))
      .join('\n\n'),
  );
});

withCommon(program.command('ls <pool>').description('objects as rows of their fields').option('--type <Class>', 'only this class').option('--limit <n>', 'at most n rows (n ≥ 1)')).action(
  (file: string, o: Common & { type?: string; limit?: string }) => {
    const rows = inspect('ls', file, o.layout, (p, progress) => ls(p, o, progress));
    print(rows, o.json, () => {
      if (rows.length === 0) return '(no objects)';
      const headers = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      return table(headers, rows.map((r) => headers.map((h) => (h in r ? cellText(r[h]) : ''))));
    });
  },
);

withCommon(
  program
    .command('show <pool> <object>')
    .description('one object (Class@offset or root), refs followed; maps and vectors a page at a time')
    .option('--depth <n>', `levels of refs to follow, 0 to ${MAX_SHOW_DEPTH}`, '1')
    .option('--entries <n>', `entries of each map or vector, 0 to ${MAX_SHOW_ENTRIES}`, String(DEFAULT_SHOW_ENTRIES))
    .option('--field <name>', 'the map or vector that --after pages')
    .option('--after <key>', "start after this key (a map) or index (a vector): the page's `next`"),
).action(
  (file: string, target: string, o: Common & { depth?: string; entries?: string; field?: string; after?: string }) => {
    const data = inspect('show', file, o.layout, (p) => show(p, target, o));
    print(data, o.json, () => toJson(data));
  },
);

withCommon(program.command('check <pool>').description('pmemobj_check plus the pmemts deep check; exit 1 when problems are found')).action((file: string, o: Common) => {
  const result: CheckResult = withCommandProgress((progress) => check(file, o.layout, progress));
  print(result, o.json, () => {
    const head = `${result.consistent ? 'consistent' : `${result.problems.length} problem(s)`}: ${result.objects} allocations, ${result.reachable} reachable; pmemobj_check ${result.pmemobjCheck.consistent ? 'ok' : 'FAILED'}`;
    return result.problems.length === 0 ? head : `${head}\n${table(['kind', 'object', 'field', 'problem'], result.problems.map((q) => [q.kind, q.object, q.field ?? '', q.message]))}`;
  });
  if (!result.consistent) process.exitCode = ExitStatus.problemsFound;
});

withCommon(program.command('gc <pool>').description('free what the root and the pinned objects do not reach; --dry-run lists it with sizes').option('--dry-run', 'list what would be freed, free nothing')).action(
  (file: string, o: Common & { dryRun?: boolean }) => {
    const data = withCommandProgress((progress) => gc(file, o.layout, o.dryRun === true, progress));
    print(data, o.json, () =>
      [
        `${data.dryRun ? 'would free' : 'freed'} ${data.collected.length} of ${data.allocations} allocations (${data.bytes} B); ${data.reachable} reachable, ${data.pinned} pinned, ${data.kept} kept`,
        table(['class', 'objects', 'bytes'], Object.entries(data.byType).map(([name, t]) => [name, t.count, t.bytes])),
        ...(data.dryRun ? [table(['object', 'bytes'], data.collected.map((c) => [c.object, c.bytes])), `note: ${data.rule}`] : []),
      ].join('\n\n'),
    );
  },
);

withCommon(program.command('defrag <pool>').description('move objects out of sparse runs with pmemobj_defrag; occupancy before and after')).action((file: string, o: Common) => {
  const data = withCommandProgress((progress) => defrag(file, o.layout, progress));
  print(data, o.json, () => defragText(data));
});

withCommon(program.command('stats <pool>').description('allocation by class and size, fragmentation estimate')).action((file: string, o: Common) => {
  const data = inspect('stats', file, o.layout, stats);
  print(data, o.json, () =>
    [
      `pool ${data.poolBytes} B, allocated ${data.allocatedBytes} B, internal fragmentation ${(data.internalFragmentation * 100).toFixed(1)}%`,
      table(['class', 'objects', 'usable B', 'payload B'], data.byClass.map((c) => [c.name, c.objects, c.usableBytes, c.payloadBytes])),
      table(['size ≤', 'objects'], data.bySize.map((s) => [s.upTo, s.objects])),
    ].join('\n\n'),
  );
});

withCommon(program.command('heat <pool>').description('write heat recorded by sessions opened with { heat: true }: hottest classes, objects, lines').option('--top <n>', 'objects and lines to list (default 20)')).action(
  (file: string, o: Common & { top?: string }) => {
    const data = inspect('heat', file, o.layout, (p) => heat(p, o));
    print(data, o.json, () => heatText(data));
  },
);

withCommon(program.command('export <pool>').description('objects as JSON').option('--type <Class>', 'only this class')).action((file: string, o: Common & { type?: string }) => {
  const data = inspect('export', file, o.layout, (p, progress) => exportObjects(p, o, progress));
  process.stdout.write(toJson(data) + '\n');
});

withCommon(program.command('import <pool> <json>').description('create the objects of an export inside one transaction')).action((file: string, json: string, o: Common) => {
  const data = withCommandProgress((progress) => importObjects(file, json, o.layout, progress));
  print(data, o.json, () => `imported ${data.imported} objects`);
});

withCommon(
  program
    .command('blk <pool> [store]')
    .description("block stores (pool.blocks): all of them; one store's geometry, map check and free block; one block with --lba")
    .option('--lba <n>', 'print the block at this LBA (hex)'),
).action((file: string, store: string | undefined, o: Common & { lba?: string }) => {
  const data = inspect('blk', file, o.layout, (p) => blk(p, store, o));
  print(data, o.json, () => {
    if ('stores' in data) return data.stores.length === 0 ? '(no block stores)' : table(['store', 'blockSize', 'count', 'offset'], data.stores.map((s) => [s.name, s.blockSize, s.count, s.offset]));
    if ('hex' in data) return `${data.name} lba ${data.lba} (physical block ${data.physicalBlock}, ${data.blockSize} B)\n${hexDump(data.hex)}`;
    return table(['property', 'value'], Object.entries(data).map(([k, v]) => [k, String(v)]));
  });
});

withCommon(program.command('diff <pool> [module]').description("the classes of a compiled module against the pool's catalog, class by class, field by field (without a module: the pool's classes and versions)")).action((file: string, module: string | undefined, o: Common) => {
  const classes = module === undefined ? null : loadSchemaModule(module);
  const data = inspect('diff', file, o.layout ?? classes?.layout, (p) => diff(p, classes));
  print(data, o.json, () => diffText(data));
});

withCommon(
  program
    .command('migrate <pool> [module]')
    .description("migrate the pool to a compiled module's classes (its `types` and `migrations` exports); --dry-run only says what would change")
    .option('--dry-run', 'print what would change and whether it could; write nothing'),
).action((file: string, module: string | undefined, o: Common & { dryRun?: boolean }) => {
  const classes = module === undefined ? null : loadSchemaModule(module);
  if (o.dryRun) {
    const data = withCommandProgress((progress) => {
      progress.stage(`migrate: reading ${file}`);
      return dryRun(file, o.layout, classes);
    });
    print(data, o.json, () => {
      const verdict = data.refused.length > 0 ? `would be refused:\n${data.refused.map((r) => `  ${r}`).join('\n')}` : data.wouldMigrate.length === 0 ? 'nothing to migrate' : `would migrate ${data.wouldMigrate.join(', ')} (${data.objects} objects)`;
      return `${diffText(data)}\n\n${verdict}`;
    });
    if (data.refused.length > 0) process.exitCode = ExitStatus.cannotOpen;
    return;
  }
  if (classes === null) throw new UsageError("migrate: give the compiled module of the classes to migrate to (pmemts migrate <pool> <module>), or --dry-run to list the pool's classes");
  const data = withCommandProgress((progress) => migrate(file, o.layout, classes, progress));
  print(data, o.json, () => (data.migrated ? `migrated (${data.phases.join(', ')}) in ${data.seconds} s` : 'nothing to migrate'));
});

withCommon(program.command('checkpoint <pool> <file>').description('write a consistent copy of the pool to file (itself a valid pool)').option('--overwrite', 'replace an existing file')).action(
  (file: string, target: string, o: Common & { overwrite?: boolean }) => {
    const data = inspect('checkpoint', file, o.layout, (p) => checkpoint(p, target, o.overwrite === true));
    print(data, o.json, () => `checkpoint ${data.path}: ${data.bytes} B in ${data.ms.toFixed(1)} ms (${data.mbPerSecond.toFixed(0)} MB/s)`);
  },
);

program
  .command('restore <checkpoint> <pool>')
  .description('copy a checkpoint (checked first) to the pool path')
  .option('--overwrite', 'replace an existing pool file (it must not be open)')
  .option('--json', 'machine-readable output')
  .action((cp: string, target: string, o: { overwrite?: boolean; json?: boolean }) => {
    const data = restore(cp, target, o.overwrite === true);
    print(data, o.json, () => `restored ${data.pool} from ${data.checkpoint} in ${data.ms.toFixed(1)} ms`);
  });

// A reader that closes the pipe early (`pmemts ls pool | head`) is not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? (process.exitCode ?? ExitStatus.ok) : reportFailure(error)));

try {
  program.parse(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error);
}
