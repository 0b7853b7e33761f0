/**
 * Write heat (`heat: true`): exact counts for known workloads under each commit path, attribution of
 * lines to objects and fields, the record merged at close and read by `pmemts heat`, reset, and bad input.
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import { Field, OutOfSpaceError, Persistent, PersistenceLevel, Pool, runTransaction, TransactionError, WritePolicy } from '@pmemts/core';
import { tempDir } from '../core/fixtures';
import { cli, poolBytes } from '../cli/run-cli';

/** 16 bytes: a transaction that stores `a` snapshots both words (whole small objects are undo-logged once). */
@Persistent({ name: 'Hot' })
class Hot {
  @Field('u64') a!: bigint;
  @Field('u64') b!: bigint;
}

@Persistent({ name: 'HotWB', memory: { writePolicy: WritePolicy.WriteBack } })
class HotWB {
  @Field('u64') a!: bigint;
  @Field('u64') b!: bigint;
}

@Persistent({ name: 'HotFlush', memory: { persistenceLevel: PersistenceLevel.Flush } })
class HotFlush {
  @Field('u64') a!: bigint;
  @Field('u64') b!: bigint;
}

const TYPES = [Hot, HotWB, HotFlush];
const dir = tempDir('heat');
afterAll(() => dir.cleanup());

/** Cache lines [offset, offset + length) touches. */
const linesOf = (offset: number, length: number) => Math.floor((offset + length - 1) / 64) - Math.floor(offset / 64) + 1;

function hotWorkload(pool: Pool, Class: typeof Hot | typeof HotWB, n: number) {
  const obj = runTransaction(pool, () => pool.create(Class));
  const before = pool.heat();
  for (let i = 0; i < n; i++) runTransaction(pool, () => { obj.a = BigInt(i); });
  return { obj, offset: pool.locate(obj).offset, before, after: pool.heat() };
}

it('write-through: each transaction flushes the whole snapshotted object once and logs its 16 bytes', () => {
  const pool = Pool.create(dir.file('wt'), { types: TYPES, heat: true });
  const { offset, before, after } = hotWorkload(pool, Hot, 50);
  expect(before.flushedLines).toBe(linesOf(offset, 16)); // the allocation, flushed at its commit
  expect(before.changedBytes).toBe(0);
  expect(after.changedBytes).toBe(50 * 8);
  expect(after.loggedBytes).toBe(50 * 16);
  expect(after.flushedLines - before.flushedLines).toBe(50 * linesOf(offset, 16));
  expect(after.writeAmplification).toBeCloseTo((after.flushedLines * 64 + after.loggedBytes) / (50 * 8), 10);
  expect(after.objects[0]).toEqual({ offset, class: 'Hot', flushes: 51 * linesOf(offset, 16) });
  expect(after.classes).toEqual([{ name: 'Hot', flushes: 51 * linesOf(offset, 16), objects: 1 }]);
  const line = after.lines[0];
  expect(line).toMatchObject({ flushes: 51, class: 'Hot', object: offset });
  expect(line.offset % 64).toBe(0);
  expect(line.fields.length).toBeGreaterThan(0);
  expect(['a', 'b']).toEqual(expect.arrayContaining(line.fields));
  pool.close();
});

it('write-back: a one-word store commits through the redo log (8 bytes flushed, 16 logged); a two-word one through the undo log', () => {
  const pool = Pool.create(dir.file('wb'), { types: TYPES, heat: true });
  const { obj, offset, before, after } = hotWorkload(pool, HotWB, 40);
  expect(pool.stats().redoCommits).toBe(40);
  expect(after.loggedBytes - before.loggedBytes).toBe(40 * 16);
  expect(after.flushedLines - before.flushedLines).toBe(40 * linesOf(offset, 8));
  runTransaction(pool, () => { obj.a = 1n; obj.b = 2n; }); // one 16-byte span: undo
  const both = pool.heat();
  expect(both.loggedBytes - after.loggedBytes).toBe(16);
  expect(both.changedBytes).toBe(42 * 8);
  pool.close();
});

it('Flush level: each store outside a transaction flushes its field', () => {
  const pool = Pool.create(dir.file('flush'), { types: TYPES, heat: true });
  const obj = runTransaction(pool, () => pool.create(HotFlush));
  const before = pool.heat();
  for (let i = 0; i < 30; i++) obj.b = BigInt(i);
  const after = pool.heat();
  const offset = pool.locate(obj).offset;
  expect(after.flushedLines - before.flushedLines).toBe(30 * linesOf(offset + 8, 8));
  expect(after.loggedBytes).toBe(before.loggedBytes);
  expect(after.changedBytes).toBe(30 * 8);
  pool.close();
});

it('merges each recording session into the record at close; pmemts heat shows it; reset clears it', () => {
  const file = dir.file('record');
  let pool = Pool.create(file, { types: TYPES, heat: true });
  const obj = runTransaction(pool, () => pool.create(Hot));
  const offset = pool.locate(obj).offset;
  for (let i = 0; i < 10; i++) runTransaction(pool, () => { obj.a = BigInt(i); });
  const first = pool.heat();
  pool.close();

  pool = Pool.open(file, { types: TYPES }); // not recording: nothing is added, the record is readable
  runTransaction(pool, () => { (pool.objectAt(offset) as Hot).a = 99n; });
  const unrecorded = pool.heat();
  expect(unrecorded).toMatchObject({ recording: false, sessions: 1, changedBytes: first.changedBytes, flushedLines: first.flushedLines });
  pool.close();

  pool = Pool.open(file, { types: TYPES, heat: true });
  runTransaction(pool, () => { (pool.objectAt(offset) as Hot).a = 7n; });
  pool.close();

  const shown = cli('heat', file, '--json', '--top', '5');
  expect(shown.err).toBe('');
  expect(shown.status).toBe(0);
  const report = shown.json();
  expect(report).toMatchObject({ recording: false, sessions: 2, changedBytes: 11 * 8, loggedBytes: 11 * 16, complete: true });
  expect(report.objects[0]).toEqual({ offset, class: 'Hot', flushes: 12 * linesOf(offset, 16) });
  const text = cli('heat', file);
  expect(text.status).toBe(0);
  expect(text.out).toMatch(/over 2 session\(s\)/);
  expect(text.out).toMatch(new RegExp(`Hot@${offset}`));

  pool = Pool.open(file, { types: TYPES });
  expect(pool.heat({ reset: true }).sessions).toBe(2);
  expect(pool.heat()).toMatchObject({ sessions: 0, since: null, flushedLines: 0, classes: [], lines: [] });
  pool.close();
  expect(cli('heat', file).out).toMatch(/no write heat recorded/);
});

it('off by default: nothing is counted and no record is written', () => {
  const file = dir.file('off');
  const pool = Pool.create(file, { types: TYPES });
  const obj = runTransaction(pool, () => pool.create(Hot));
  for (let i = 0; i < 5; i++) runTransaction(pool, () => { obj.a = BigInt(i); });
  expect(pool.heat()).toMatchObject({ recording: false, sessions: 0, changedBytes: 0, flushedLines: 0, writeAmplification: null });
  pool.close();
  expect(cli('heat', file, '--json').json().sessions).toBe(0);
});

it('refuses bad options with typed errors and leaves the pool unchanged', () => {
  const file = dir.file('bad');
  Pool.create(file, { types: TYPES }).close();
  const bytes = poolBytes(file);
  expect(() => Pool.open(file, { types: TYPES, heat: 1 as unknown as boolean })).toThrow(TypeError);
  expect(() => Pool.open(file, { types: TYPES, heat: true, inspect: true })).toThrow(/inspect open writes nothing/);
  const missing = dir.file('bad2');
  expect(() => Pool.create(missing, { types: TYPES, heat: 'yes' as unknown as boolean })).toThrow(TypeError);
  expect(fs.existsSync(missing)).toBe(false);
  expect(poolBytes(file).equals(bytes)).toBe(true);
  const pool = Pool.open(file, { types: TYPES, heat: true });
  expect(() => pool.heat({ top: 0 })).toThrow(RangeError);
  expect(() => pool.heat({ top: 1.5 })).toThrow(RangeError);
  expect(() => pool.heat({ reset: 'yes' as unknown as boolean })).toThrow(TypeError);
  expect(() => pool.heat(null as unknown as {})).toThrow(TypeError);
  expect(() => runTransaction(pool, () => pool.heat({ reset: true }))).toThrow(TransactionError);
  pool.close();
  expect(cli('heat', file, '--json').json()).toMatchObject({ sessions: 1, changedBytes: 0 });
  const recorded = poolBytes(file);
  const r = cli('heat', file, '--top', '0');
  expect(r.status).toBe(2);
  expect(r.err).toMatch(/--top must be an integer from 1/);
  expect(poolBytes(file).equals(recorded)).toBe(true);
});

it('closes a full pool without its heat record, and the pool stays openable', () => {
  const file = dir.file('full');
  const pool = Pool.create(file, { types: TYPES, size: 8 * 1024 * 1024, heat: true });
  const objs: Hot[] = [];
  expect(() => {
    for (;;) objs.push(runTransaction(pool, () => pool.create(Hot)));
  }).toThrow(OutOfSpaceError);
  expect(objs.length).toBeGreaterThan(1000);
  expect(pool.heat().flushedLines).toBeGreaterThan(1000);
  expect(() => pool.close()).not.toThrow();
  const again = Pool.open(file, { types: TYPES });
  expect(again.lastShutdownClean).toBe(true);
  expect(again.heat().sessions).toBe(0);
  again.close();
});
