/**
 * Migrations over the model tester's pools: each generated program (every field kind, all seven memory
 * configurations, maps and vectors of refs with tiny tree nodes, counters, embedded structs holding heap
 * strings; test/model) runs and is checked against its model as in test/model, then its pool is opened
 * with every class one version up (classes rebuilt from its catalog, same layouts), which copies every
 * object and rewires every reference. The object graph from the root must read back the same, with a
 * clean deep check. PMEMTS_MODEL_MIGRATIONS sets the program count.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { classesFromCatalog, Pool, readPoolCatalog, toPlain, type Catalog } from '@pmemts/core';
import { tempDir } from '../core/fixtures';
import { checkPrograms, runCount } from '../model/check';
import { LAYOUT_NAME } from '../model/classes';
import { programs } from '../model/generator';
import { runInProcess } from '../model/harness';
import type { Program } from '../model/program';
import { copyPool, createPool } from '../model/runner';

const RUNS = runCount('PMEMTS_MODEL_MIGRATIONS', 12);
const tmp = tempDir('model-migration');
const dir = path.dirname(tmp.file('dir'));
const template = path.join(dir, 'template.pool');
beforeAll(() => createPool(template, { pool: { config: { policy: 'wt', level: 'tx' } }, ops: [] }));
afterAll(() => tmp.cleanup());

/** The root's object graph as JSON with `Class@offset` names numbered by first appearance (offsets change), and the deep check's problems. */
function graphOf(file: string, catalog: Catalog): { graph: string; problems: string[] } {
  const pool = Pool.open(file, { layout: LAYOUT_NAME, types: classesFromCatalog(catalog), probe: false });
  try {
    const names = new Map<string, string>();
    const json = JSON.stringify(toPlain(pool.rootObject()!), (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
    const graph = json.replace(/([A-Za-z_]\w*)@\d+/g, (name) => {
      if (!names.has(name)) names.set(name, `#${names.size}`);
      return names.get(name)!;
    });
    return { graph, problems: pool.deepCheck().problems.map((p) => `${p.object} ${p.message}`) };
  } finally {
    pool.close();
  }
}

function migrateProgram(program: Program): void {
  const file = path.join(dir, 'program.pool');
  copyPool(template, file);
  try {
    runInProcess(file, program);
    const catalog = readPoolCatalog(file, LAYOUT_NAME, false);
    const before = graphOf(file, catalog);
    const bumped: Catalog = { ...catalog, types: catalog.types.map((t) => ({ ...t, version: t.version + 1 })) };
    Pool.open(file, { layout: LAYOUT_NAME, types: classesFromCatalog(bumped), probe: false }).close();
    const after = graphOf(file, readPoolCatalog(file, LAYOUT_NAME, false));
    expect(after.problems).toEqual([]);
    expect(after.graph).toBe(before.graph);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

test(`${RUNS} generated programs' pools migrate every class without changing what the root reaches`, async () => {
  await checkPrograms(programs({ maxOps: 12, reopen: true }), migrateProgram, {
    name: 'model pools, migrated',
    file: 'test/schema/model-migration.test.ts',
    msPerRun: 1500,
    numRuns: RUNS,
  });
}, 300_000);
