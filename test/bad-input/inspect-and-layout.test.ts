/**
 * Bad input to the tool-facing entry points of @pmemts/core: readLayoutName, readPoolCatalog,
 * openForInspection, classesFromCatalog, and the layout functions (resolveLayouts, resolveLayout,
 * generateCHeader, typeNumOf). Paths that are not pools are refused with typed errors and left as
 * they were; wrong JS arguments are TypeErrors naming the argument.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as native from '@pmemts/native';
import {
  Pool, PoolCorruptError, PoolError, classesFromCatalog, generateCHeader, openForInspection, readLayoutName, readPoolCatalog, resolveLayout,
  resolveLayouts, typeNumOf,
} from '@pmemts/core';
import { LayoutDefinitionError } from '@pmemts/decorators';
import { Counter, Point, tempDir } from '../core/fixtures';
import { expectOutcome, refused, type Outcome } from './harness';

const tmp = tempDir('bad-inspect');
afterAll(() => tmp.cleanup());
const MiB = 1024 * 1024;

class Undecorated {
  x = 1;
}

const files = {
  pool: tmp.file('pool'),
  bare: tmp.file('bare'), // a libpmemobj pool that pmemts never wrote
  zero: tmp.file('zero'),
  junk: tmp.file('junk'),
  fifo: tmp.file('fifo'),
  dir: path.join(path.dirname(tmp.file('x')), 'dir'),
  missing: tmp.file('missing'),
};

beforeAll(() => {
  Pool.create(files.pool, { types: [Point, Counter], layout: 'app', size: 8 * MiB }).close();
  native.create(files.bare, 'bare', 8 * MiB).close();
  fs.writeFileSync(files.zero, '');
  fs.writeFileSync(files.junk, Buffer.alloc(9 * MiB, 0x5a));
  expect(spawnSync('mkfifo', [files.fifo]).status).toBe(0);
  fs.mkdirSync(files.dir);
});

/** libpmemobj rewrites bytes 6144..8191 (its descriptor's run id, checksum, shutdown state) on any open. */
function fingerprint(file: string): string {
  if (!fs.existsSync(file)) return 'absent';
  const stat = fs.statSync(file);
  if (!stat.isFile()) return `mode ${stat.mode}`;
  const bytes = fs.readFileSync(file);
  if (bytes.length >= 8192) bytes.fill(0, 6144, 8192);
  return createHash('sha256').update(bytes).digest('hex');
}

interface Row {
  readonly label: string;
  readonly call: () => unknown;
  readonly outcome: Outcome;
}

const notFound = refused(PoolError, 'POOL_NOT_FOUND');
const notAFile = refused(PoolError, 'POOL_NOT_A_FILE');
const corrupt = refused(PoolCorruptError, 'POOL_CORRUPT');
const notPmemts = refused(PoolCorruptError, 'NOT_PMEMTS_POOL');

/** The same paths for each entry point that takes one. */
function pathRows(name: string, call: (file: string) => unknown, onBare: Outcome): Row[] {
  return [
    { label: `${name}('')`, call: () => call(''), outcome: refused(TypeError, /path must not be empty/) },
    { label: `${name}(42)`, call: () => call(42 as never), outcome: refused(TypeError, /path must be a string/) },
    { label: `${name}(a missing file)`, call: () => call(files.missing), outcome: notFound },
    { label: `${name}(a directory)`, call: () => call(files.dir), outcome: notAFile },
    { label: `${name}(a FIFO)`, call: () => call(files.fifo), outcome: notAFile },
    { label: `${name}(a 0-byte file)`, call: () => call(files.zero), outcome: corrupt },
    { label: `${name}(9 MiB of garbage)`, call: () => call(files.junk), outcome: corrupt },
    { label: `${name}(a pool pmemts did not write)`, call: () => call(files.bare), outcome: onBare },
  ];
}

const rows: Row[] = [
  ...pathRows('readLayoutName', readLayoutName, { returns: 'bare' }),
  ...pathRows('readPoolCatalog', (file) => readPoolCatalog(file, file === files.bare ? 'bare' : 'app'), notPmemts),
  ...pathRows('openForInspection', (file) => openForInspection(file).pool.close(), notPmemts),
  { label: 'readPoolCatalog(another layout)', call: () => readPoolCatalog(files.pool, 'other'), outcome: refused(PoolError, 'POOL_LAYOUT_MISMATCH') },
  { label: "readPoolCatalog(…, probe 'yes')", call: () => readPoolCatalog(files.pool, 'app', 'yes' as never), outcome: refused(TypeError, /options\.probe/) },
  { label: 'openForInspection(…, layout: another)', call: () => openForInspection(files.pool, { layout: 'other' }), outcome: refused(PoolError, 'POOL_LAYOUT_MISMATCH') },
  { label: 'classesFromCatalog(null)', call: () => classesFromCatalog(null as never), outcome: refused(TypeError, /catalog/) },
  { label: 'classesFromCatalog({ types: 42 })', call: () => classesFromCatalog({ types: 42 } as never), outcome: refused(TypeError, /catalog/) },
  { label: 'resolveLayouts(an undecorated class)', call: () => resolveLayouts([Undecorated]), outcome: refused(LayoutDefinitionError, 'LAYOUT_DEFINITION') },
  { label: 'resolveLayouts([42])', call: () => resolveLayouts([42 as never]), outcome: refused(TypeError, /42|class/) },
  { label: 'resolveLayout(an undecorated class)', call: () => resolveLayout(Undecorated), outcome: refused(LayoutDefinitionError, 'LAYOUT_DEFINITION') },
  { label: "generateCHeader(…, layoutName '')", call: () => generateCHeader(resolveLayouts([Point]), { layoutName: '' }), outcome: refused(TypeError, /options\.layoutName/) },
  { label: 'typeNumOf(a number)', call: () => typeNumOf(42 as never), outcome: refused(TypeError, /typeNumOf: name must be a string/) },
];

for (const row of rows) {
  test(row.label, () => {
    const before = Object.values(files).map(fingerprint);
    expectOutcome(row.call, row.outcome);
    expect(Object.values(files).map(fingerprint)).toEqual(before);
  });
}
