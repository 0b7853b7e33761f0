/**
 * Bad input to Pool.create / Pool.open / Pool.openOrCreate: paths that are not pools, sizes, modes,
 * layout names, `types`, `memory` and `probe`. A refused create leaves no file behind; a refused open
 * leaves the file byte for byte as it was.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import 'reflect-metadata';
import {
  Field, Persistent, Pool, PoolCorruptError, PoolError, SchemaMismatchError, WritePolicy, type PoolCreateOptions, type PoolOpenOptions,
} from '@pmemts/core';
import { LayoutDefinitionError } from '@pmemts/decorators';
import { Counter, Point, tempDir } from '../core/fixtures';
import { expectOutcome, refused, type Outcome } from './harness';

const tmp = tempDir('bad-options');
afterAll(() => tmp.cleanup());
const MiB = 1024 * 1024;
const types = [Point, Counter];

class Undecorated {
  x = 1;
}

@Persistent({ name: 'Shape' })
class ShapeV1 {
  @Field('i32') a!: number;
}

@Persistent({ name: 'Shape' })
class ShapeV2 {
  @Field('i64') a!: bigint;
}

/** The files the rows point at, made once: bad input must leave every one of them as it was. */
const files = {
  pool: tmp.file('pool'),
  shapePool: tmp.file('shape'),
  zero: tmp.file('zero'),
  junk: tmp.file('junk'),
  tiny: tmp.file('tiny'),
  fifo: tmp.file('fifo'),
  dir: path.join(path.dirname(tmp.file('x')), 'a-directory'),
  missingDir: path.join(path.dirname(tmp.file('x')), 'no-such-dir', 'p.pool'),
};

beforeAll(() => {
  Pool.create(files.pool, { types, layout: 'app', size: 8 * MiB }).close();
  Pool.create(files.shapePool, { types: [ShapeV1], size: 8 * MiB }).close();
  fs.writeFileSync(files.zero, '');
  fs.writeFileSync(files.junk, Buffer.alloc(9 * MiB, 0x5a));
  fs.writeFileSync(files.tiny, 'not a pool\n');
  expect(spawnSync('mkfifo', [files.fifo]).status).toBe(0);
  fs.mkdirSync(files.dir);
});

/**
 * libpmemobj rewrites its own bookkeeping in the pool descriptor on every open attempt (run id,
 * checksum, unsafe-shutdown state: bytes 6144..8191); every other byte must stay as it was.
 */
const OPEN_BOOKKEEPING = [6144, 8192] as const;

function fingerprint(file: string | undefined): string | undefined {
  if (file === undefined || !fs.existsSync(file)) return undefined;
  const stat = fs.statSync(file);
  if (!stat.isFile()) return `mode ${stat.mode}`;
  const bytes = fs.readFileSync(file);
  if (bytes.length >= OPEN_BOOKKEEPING[1]) bytes.fill(0, ...OPEN_BOOKKEEPING);
  return createHash('sha256').update(bytes).digest('hex');
}

interface Row {
  readonly name: string;
  readonly call: () => Pool;
  /** The existing path the call is given, which must be unchanged after it. */
  readonly file?: string;
  readonly outcome: Outcome;
  /** A path that must not exist after the call (a refused create leaves no file). */
  readonly noFileAt?: string;
}

const fresh = (name: string) => tmp.file(name);
const create = (file: string, options?: PoolCreateOptions) => ({ call: () => Pool.create(file, options), file });
const open = (file: string, options?: PoolOpenOptions) => ({ call: () => Pool.open(file, options), file });
const openOrCreate = (file: string, options?: PoolCreateOptions & PoolOpenOptions) => ({ call: () => Pool.openOrCreate(file, options), file });

/** Rows that are the same for the three entry points: everything checked before the file is touched. */
function optionRows(entry: 'create' | 'open' | 'openOrCreate'): Row[] {
  const call = (options: unknown, file = fresh(`${entry}-opt`)): Pick<Row, 'call' | 'noFileAt' | 'file'> => {
    const target = entry === 'open' ? files.pool : file;
    const run = { create, open, openOrCreate }[entry];
    return { ...run(target, { layout: 'app', ...(options as object) }), noFileAt: target === file ? file : undefined };
  };
  const whole = (options: unknown, file = fresh(`${entry}-whole`)): Pick<Row, 'call' | 'noFileAt' | 'file'> => {
    const target = entry === 'open' ? files.pool : file;
    return { call: () => (Pool[entry] as (f: string, o: unknown) => Pool)(target, options), file: target, noFileAt: target === file ? file : undefined };
  };
  const typeError = (pattern: RegExp) => refused(TypeError, pattern);
  const rows: Row[] = [
    { name: 'options is a string', ...whole('app'), outcome: typeError(/options must be an object/) },
    { name: 'options is null', ...whole(null), outcome: typeError(/options must be an object/) },
    { name: 'types is not an array', ...call({ types: Point }), outcome: typeError(/options\.types must be an array/) },
    { name: 'types holds a number', ...call({ types: [42] }), outcome: typeError(/42|not a class|@Persistent/) },
    { name: 'types holds an undecorated class', ...call({ types: [Point, Undecorated] }), outcome: refused(LayoutDefinitionError, 'LAYOUT_DEFINITION') },
    { name: 'types holds an instance', ...call({ types: [new Undecorated()] }), outcome: typeError(/class|@Persistent/) },
    { name: 'types has two classes of one persistent name', ...call({ types: [ShapeV1, ShapeV2] }), outcome: refused(LayoutDefinitionError, 'LAYOUT_DEFINITION') },
    { name: 'memory is a string', ...call({ memory: 'fast' }), outcome: typeError(/options\.memory must be a HybridMemoryConfig/) },
    { name: 'memory has an unknown key', ...call({ memory: { cachebytes: 1 } }), outcome: typeError(/options\.memory\.cachebytes is not a HybridMemoryConfig option/) },
    { name: 'memory.writePolicy is unknown', ...call({ memory: { writePolicy: 'fast' } }), outcome: typeError(/options\.memory\.writePolicy/) },
    { name: 'memory.persistenceLevel is unknown', ...call({ memory: { persistenceLevel: 'eventually' } }), outcome: typeError(/options\.memory\.persistenceLevel/) },
    { name: 'memory.primaryStorage is DRAM', ...call({ memory: { primaryStorage: 'dram' } }), outcome: typeError(/options\.memory\.primaryStorage/) },
    { name: 'memory.cacheTier is unknown', ...call({ memory: { cacheTier: 'ssd' } }), outcome: typeError(/options\.memory\.cacheTier/) },
    { name: 'memory.cacheBytes is negative', ...call({ memory: { cacheBytes: -1 } }), outcome: typeError(/options\.memory\.cacheBytes/) },
    { name: 'memory.cacheBytes is fractional', ...call({ memory: { cacheBytes: 1.5 } }), outcome: typeError(/options\.memory\.cacheBytes/) },
    { name: 'memory.cacheBytes is NaN', ...call({ memory: { cacheBytes: NaN } }), outcome: typeError(/options\.memory\.cacheBytes/) },
    { name: 'memory.cacheBytes is a string', ...call({ memory: { cacheBytes: '1' } }), outcome: typeError(/options\.memory\.cacheBytes/) },
    {
      name: 'write-back without a DRAM tier',
      ...call({ memory: { writePolicy: WritePolicy.WriteBack, cacheTier: null } }),
      outcome: typeError(/WriteBack needs cacheTier/),
    },
    { name: 'layout is empty', ...call({ layout: '' }), outcome: typeError(/layout must not be empty/) },
    { name: 'layout is a number', ...call({ layout: 7 }), outcome: typeError(/layout must be a string/) },
    { name: 'layout has a NUL', ...call({ layout: 'a\0b' }), outcome: typeError(/layout must not contain NUL/) },
    { name: 'layout is 1024 bytes', ...call({ layout: 'é'.repeat(512) }), outcome: refused(RangeError, /layout is longer than 1023 bytes/) },
  ];
  // Memory settings are checked before the file is created or opened: a bad one leaves no file
  // behind (create) and does not touch the pool (open).
  return rows;
}

const createRows: Row[] = [
  ...optionRows('create'),
  { name: 'path is empty', ...create(''), outcome: refused(TypeError, /path must not be empty/) },
  { name: 'path is a number', ...create(7 as never), outcome: refused(TypeError, /path must be a string/) },
  { name: 'path has a NUL', ...create('a\0b'), outcome: refused(TypeError, /path must not contain NUL/) },
  { name: 'directory is missing', ...create(files.missingDir), outcome: refused(PoolError, 'POOL_NOT_FOUND'), noFileAt: files.missingDir },
  { name: 'path is a directory', ...create(files.dir), outcome: refused(PoolError, 'POOL_EXISTS') },
  { name: 'path is a 0-byte file', ...create(files.zero), outcome: refused(PoolError, 'POOL_EXISTS') },
  { name: 'path is a FIFO', ...create(files.fifo), outcome: refused(PoolError, 'POOL_EXISTS') },
  { name: 'path is a pool already', ...create(files.pool), outcome: refused(PoolError, 'POOL_EXISTS') },
  { name: 'path is a non-pool file', ...create(files.junk), outcome: refused(PoolError, 'POOL_EXISTS') },
  ...sizeRows(),
  ...(['rw', -1, 0o10000, 1.5] as unknown[]).map((mode) => {
    const file = fresh('mode');
    return { name: `mode ${String(mode)}`, ...create(file, { mode: mode as number }), outcome: refused(TypeError, /mode must be a file mode/), noFileAt: file };
  }),
];

function sizeRows(): Row[] {
  const row = (name: string, size: unknown, outcome: Outcome): Row => {
    const file = fresh('size');
    return { name: `size ${name}`, ...create(file, { size: size as number }), outcome, noFileAt: file };
  };
  const notInteger = refused(TypeError, /size must be a non-negative integer/);
  return [
    row('negative', -8 * MiB, notInteger),
    row('fractional', 8 * MiB + 0.5, notInteger),
    row('NaN', NaN, notInteger),
    row('Infinity', Infinity, notInteger),
    row('a string', '64MiB', notInteger),
    row('a bigint', 64n * BigInt(MiB), notInteger),
    row('beyond 2^53', 2 ** 60, notInteger),
    row('0', 0, refused(PoolError, 'POOL_TOO_SMALL')),
    row('8 MiB - 1', 8 * MiB - 1, refused(PoolError, 'POOL_TOO_SMALL')),
    row('1 TiB (more than the disk)', 2 ** 40, refused(PoolError, 'POOL_NO_SPACE')),
  ];
}

const openRows: Row[] = [
  ...optionRows('open'),
  { name: 'path is empty', ...open(''), outcome: refused(TypeError, /path must not be empty/) },
  { name: 'path is undefined', ...open(undefined as never), outcome: refused(TypeError, /path must be a string/) },
  { name: 'directory is missing', ...open(files.missingDir), outcome: refused(PoolError, 'POOL_NOT_FOUND') },
  { name: 'path is a directory', ...open(files.dir), outcome: refused(PoolError, 'POOL_NOT_A_FILE') },
  { name: 'path is a FIFO', ...open(files.fifo), outcome: refused(PoolError, 'POOL_NOT_A_FILE') },
  { name: 'path is a FIFO, probe: false', ...open(files.fifo, { probe: false }), outcome: refused(PoolError, 'POOL_NOT_A_FILE') },
  { name: 'path is a 0-byte file', ...open(files.zero), outcome: refused(PoolCorruptError, 'POOL_CORRUPT') },
  { name: 'path is a 9 MiB non-pool file', ...open(files.junk), outcome: refused(PoolCorruptError, 'POOL_CORRUPT') },
  { name: 'path is a 9 MiB non-pool file, probe: false', ...open(files.junk, { probe: false }), outcome: refused(PoolCorruptError, 'POOL_CORRUPT') },
  { name: 'path is a short text file', ...open(files.tiny, { probe: 'walk' }), outcome: refused(PoolCorruptError, 'POOL_CORRUPT') },
  { name: 'layout differs', ...open(files.pool, { layout: 'other', types }), outcome: refused(PoolError, 'POOL_LAYOUT_MISMATCH') },
  { name: 'layout differs, probe: false', ...open(files.pool, { layout: 'other', probe: false }), outcome: refused(PoolError, 'POOL_LAYOUT_MISMATCH') },
  { name: 'a class differs from the catalog', ...open(files.shapePool, { types: [ShapeV2] }), outcome: refused(SchemaMismatchError, 'SCHEMA_MISMATCH') },
  ...(['yes', true, 1] as unknown[]).map((probe) => ({
    name: `probe ${String(probe)}`,
    ...open(files.pool, { layout: 'app', probe: probe as false }),
    outcome: refused(TypeError, /options\.probe must be 'open', 'walk' or false/),
  })),
];

const openOrCreateRows: Row[] = [
  ...optionRows('openOrCreate'),
  { name: 'directory is missing', ...openOrCreate(files.missingDir), outcome: refused(PoolError, 'POOL_NOT_FOUND'), noFileAt: files.missingDir },
  { name: 'path is a directory', ...openOrCreate(files.dir), outcome: refused(PoolError, 'POOL_NOT_A_FILE') },
  { name: 'path is a FIFO', ...openOrCreate(files.fifo), outcome: refused(PoolError, 'POOL_NOT_A_FILE') },
  { name: 'path is a 0-byte file (not created over)', ...openOrCreate(files.zero), outcome: refused(PoolCorruptError, 'POOL_CORRUPT') },
  { name: 'path is a non-pool file (not created over)', ...openOrCreate(files.junk), outcome: refused(PoolCorruptError, 'POOL_CORRUPT') },
  { name: 'layout differs (not created over)', ...openOrCreate(files.pool, { layout: 'other' }), outcome: refused(PoolError, 'POOL_LAYOUT_MISMATCH') },
  { name: 'new file, size under 8 MiB', ...openOrCreate(fresh('ooc-small'), { size: MiB }), outcome: refused(PoolError, 'POOL_TOO_SMALL') },
];

/** A row that wrongly succeeds must not keep the pool open (locked) for the rows after it. */
function closeIfOpened(pool: Pool): Pool {
  if (pool instanceof Pool && !pool.closed) pool.close();
  return pool;
}

describe.each([
  ['Pool.create', createRows],
  ['Pool.open', openRows],
  ['Pool.openOrCreate', openOrCreateRows],
])('%s', (_entry, rows) => {
  for (const row of rows) {
    test(row.name, () => {
      const before = fingerprint(row.file);
      expectOutcome(() => closeIfOpened(row.call()), row.outcome);
      if (row.noFileAt !== undefined) expect(fs.existsSync(row.noFileAt) ? `a file left at ${row.noFileAt}` : 'no file').toBe('no file');
      expect(fingerprint(row.file)).toBe(before);
    });
  }
});

test('Pool.open of a pool already open in this process: POOL_LOCKED, the open pool untouched', () => {
  const pool = Pool.open(files.pool, { layout: 'app', types });
  try {
    const counter = pool.create(Counter, { value: 7n });
    expectOutcome(() => Pool.open(files.pool, { layout: 'app', types }), refused(PoolError, 'POOL_LOCKED'));
    expect(counter.value).toBe(7n);
  } finally {
    pool.close();
  }
});

/**
 * Mapping a 0-byte file with the probe off once killed the process with SIGBUS, so these rows run in
 * a child: the outcome is what the child reports, and a signal fails the row.
 */
const CORE = path.resolve(__dirname, '../../packages/core/dist');
describe('probe: false, in a child process', () => {
  const rows: { name: string; file: string; outcome: { error: string; code: string } }[] = [
    { name: 'Pool.open of a 0-byte file', file: files.zero, outcome: { error: 'PoolCorruptError', code: 'POOL_CORRUPT' } },
    { name: 'Pool.open of a short text file', file: files.tiny, outcome: { error: 'PoolCorruptError', code: 'POOL_CORRUPT' } },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const before = fs.readFileSync(row.file);
      const script = `
        const { Pool } = require(${JSON.stringify(CORE)});
        try { Pool.open(${JSON.stringify(row.file)}, { probe: false }).close(); console.log(JSON.stringify({ opened: true })); }
        catch (e) { console.log(JSON.stringify({ error: e.constructor.name, code: e.code })); }`;
      const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
      expect({ signal: child.signal, stderr: child.stderr }).toEqual({ signal: null, stderr: '' });
      expect(JSON.parse(child.stdout)).toEqual(row.outcome);
      expect(fs.readFileSync(row.file).equals(before)).toBe(true);
    });
  }
});
