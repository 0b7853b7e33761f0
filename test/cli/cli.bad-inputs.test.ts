/**
 * The CLI over bad inputs, table-driven: every failure is one line on stderr with its documented exit
 * status (2 usage, 3 cannot open, 4 bad import data), never a stack trace, and the pool is left as
 * it was. Plus the values a naive JSON encoding loses (i64 arrays, NaN, ±Infinity, -0) round-trip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BLOB_TYPE_NUM, Field, Persistent, Pool, runTransaction } from '@pmemts/core';
import { Everything, Point, tempDir } from '../core/fixtures';
import { CLI, cli, expectOneLineFailure, poolBytes } from './run-cli';

@Persistent({ name: 'Samples' })
class Samples {
  @Field({ type: 'string', maxBytes: 8 }) name!: string;
  @Field({ type: 'array', of: 'i64', length: 3 }) big!: bigint[];
  @Field({ type: 'array', of: 'f64', length: 5 }) floats!: number[];
  @Field('f32') single!: number;
  @Field('u64') huge!: bigint;
}

const TYPES = [Everything, Point, Samples];
/** The smallest pool: every case reads it whole twice to compare its bytes. */
const POOL_SIZE = 8 * 1024 * 1024;
const tmp = tempDir('cli-bad');
afterAll(() => tmp.cleanup());
const dir = path.dirname(tmp.file('probe'));

function goodPool(): string {
  const file = tmp.file('good');
  const pool = Pool.create(file, { types: TYPES, size: POOL_SIZE });
  runTransaction(pool, () => {
    const root = pool.root(Everything);
    Object.assign(root, {
      u8: 255, i8: -128, u16: 65535, i16: -32768, u32: 4294967295, i32: -2147483648, u64: 2n ** 64n - 1n, i64: -(2n ** 63n),
      f32: 1.5, f64: Math.PI, flag: true, when: new Date('2026-11-25T13:00:00.123Z'), name: 'root', essay: 'a heap string ✓',
      blob: new Uint8Array([0, 1, 254, 255]), tag: new Uint8Array([9, 8, 7, 6]), triple: [1, 2, 3],
    });
    root.at.x = -5;
    root.at.y = 6;
    root.other = pool.create(Everything, { name: 'child', f64: NaN, f32: -Infinity, when: new Date(0) });
    root.other.other = root; // a cycle
    pool.create(Samples, { name: 's', big: [-(2n ** 63n), 0n, 2n ** 63n - 1n], floats: [NaN, Infinity, -Infinity, -0, 0.1], single: -0, huge: 2n ** 64n - 1n });
  });
  pool.close();
  return file;
}

function emptyPool(): string {
  const file = tmp.file('empty');
  Pool.create(file, { types: TYPES, size: POOL_SIZE }).close();
  return file;
}

const good = goodPool();
const exported = cli('export', good).json();

/** Offsets the show cases need: the root, a heap-string block, and the pool's size. */
const layout = (() => {
  const pool = Pool.open(good, { types: TYPES, inspect: true });
  const root = pool.root(Everything);
  const rootOffset = pool.locate(root).offset;
  const blob = [...pool.heap()].find((a) => a.typeNum === BLOB_TYPE_NUM)!.offset;
  const size = pool.size;
  pool.close();
  return { rootOffset, blob, size };
})();

/** Refs replaced by the name of the object they name, so two exports compare whatever the offsets. */
function byName(file: any) {
  const names = new Map(file.objects.map((o: any) => [o.ref, `${o.type}:${o.data.name}`]));
  const swap = (v: any): any => (typeof v === 'string' && names.has(v) ? names.get(v) : v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)])) : v);
  return file.objects.map((o: any) => ({ type: o.type, data: swap(o.data) })).sort((a: any, b: any) => a.data.name.localeCompare(b.data.name));
}

test('export writes NaN, ±Infinity, -0, u64 and i64 arrays losslessly, and import restores them exactly', () => {
  const samples = exported.objects.find((o: any) => o.type === 'Samples').data;
  expect(samples).toEqual({ name: 's', big: ['-9223372036854775808', '0', '9223372036854775807'], floats: ['NaN', 'Infinity', '-Infinity', '-0', 0.1], single: '-0', huge: '18446744073709551615' });
  expect(exported.objects.find((o: any) => o.data.name === 'child').data).toMatchObject({ f64: 'NaN', f32: '-Infinity', when: '1970-01-01T00:00:00.000Z' });

  const json = path.join(dir, 'round-trip.json');
  fs.writeFileSync(json, JSON.stringify(exported));
  const target = emptyPool();
  const r = cli('import', target, json, '--json');
  expect({ status: r.status, err: r.err, out: r.json() }).toEqual({ status: 0, err: '', out: { imported: 3 } });
  expect(byName(cli('export', target).json())).toEqual(byName(exported));

  const pool = Pool.open(target, { types: TYPES });
  const s = [...pool.objects(Samples)][0];
  expect(s.floats.map((x) => (Object.is(x, -0) ? '-0' : x))).toEqual([NaN, Infinity, -Infinity, '-0', 0.1]);
  expect(Object.is(s.single, -0)).toBe(true);
  expect(s.big).toEqual([-(2n ** 63n), 0n, 2n ** 63n - 1n]);
  const child = [...pool.objects(Everything)].find((e) => e.name === 'child')!;
  expect(child.other?.name).toBe('root');
  expect(child.other?.other?.name).toBe('child');
  pool.close();
});

test('ls and show print i64 arrays and non-finite floats', () => {
  const rows = cli('ls', good, '--type', 'Samples', '--json');
  expect(rows.status).toBe(0);
  expect(rows.json()[0].big).toEqual(['-9223372036854775808', '0', '9223372036854775807']);
  const human = cli('ls', good, '--type', 'Samples');
  expect({ status: human.status, err: human.err }).toEqual({ status: 0, err: '' });
  expect(human.out).toMatch(/-9223372036854775808/);
  expect(cli('show', good, 'root', '--depth', '100', '--json').json().other.f64).toBe('NaN');
});

interface Case {
  name: string;
  args: () => string[];
  status: number;
  message: RegExp;
}

const fifo = path.join(dir, 'fifo.pool');
execFileSync('mkfifo', [fifo]);
const textFile = path.join(dir, 'text.pool');
fs.writeFileSync(textFile, 'hello');
const emptyFile = path.join(dir, 'zero.pool');
fs.writeFileSync(emptyFile, '');
const garbledLayout = tmp.file('garbled');
fs.copyFileSync(good, garbledLayout);
{
  const fd = fs.openSync(garbledLayout, 'r+');
  fs.writeSync(fd, Buffer.alloc(1024, 0xff), 0, 1024, 4096); // the layout name: not UTF-8, no NUL
  fs.closeSync(fd);
}
const invalidUtf8Layout = tmp.file('garbled-utf8');
fs.copyFileSync(good, invalidUtf8Layout);
{
  const fd = fs.openSync(invalidUtf8Layout, 'r+');
  fs.writeSync(fd, Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0]), 0, 5, 4096);
  fs.closeSync(fd);
}
/** Bytes that are no UTF-8, ending in a NUL: decoded leniently they grow past the 1023 bytes a layout name may have. */
const longGarbageLayout = tmp.file('garbled-long');
fs.copyFileSync(good, longGarbageLayout);
{
  const fd = fs.openSync(longGarbageLayout, 'r+');
  fs.writeSync(fd, Buffer.concat([Buffer.alloc(1000, 0xff), Buffer.alloc(1)]), 0, 1001, 4096);
  fs.closeSync(fd);
}

const INSPECTING = ['info', 'types', 'ls', 'check', 'stats', 'export'];

const cases: Case[] = [
  ...INSPECTING.map((c) => ({ name: `${c} of a FIFO`, args: () => [c, fifo], status: 3, message: /not a regular file/ })),
  { name: 'show of a FIFO', args: () => ['show', fifo, 'root'], status: 3, message: /not a regular file/ },
  { name: 'import into a FIFO', args: () => ['import', fifo, writeJson('fifo-import', exported)], status: 3, message: /not a regular file/ },
  ...INSPECTING.map((c) => ({ name: `${c} of a directory`, args: () => [c, dir], status: 3, message: /directory/ })),
  { name: 'info of a missing file', args: () => ['info', path.join(dir, 'missing.pool')], status: 3, message: /no such file|ENOENT/ },
  { name: 'info of a 0-byte file', args: () => ['info', emptyFile], status: 3, message: /not a pmemobj pool/ },
  { name: 'check of a text file', args: () => ['check', textFile], status: 3, message: /not a pmemobj pool/ },
  { name: 'check of garbage layout-name bytes', args: () => ['check', garbledLayout], status: 3, message: /layout name/ },
  { name: 'info of a layout name that is not UTF-8', args: () => ['info', invalidUtf8Layout], status: 3, message: /not UTF-8/ },
  { name: 'check of a layout name that is not UTF-8', args: () => ['check', invalidUtf8Layout], status: 3, message: /not UTF-8/ },
  ...INSPECTING.map((c) => ({ name: `${c} of 1000 garbage layout-name bytes`, args: () => [c, longGarbageLayout], status: 3, message: /not UTF-8/ })),
  { name: 'info with the wrong --layout', args: () => ['info', good, '--layout', 'wrong'], status: 3, message: /layout/ },

  ...['', '0', '-1', '1.5', 'abc', '1e3', ' 2', '99999999999999999999'].map((limit) => ({
    name: `ls --limit '${limit}'`,
    args: () => ['ls', good, '--limit', limit],
    status: 2,
    message: /--limit must be an integer from 1 to/,
  })),
  ...['', '-1', '101', '1000000', '2.5', 'x'].map((depth) => ({
    name: `show --depth '${depth}'`,
    args: () => ['show', good, 'root', '--depth', depth],
    status: 2,
    message: /--depth must be an integer from 0 to 100/,
  })),
  { name: 'show of a huge offset', args: () => ['show', good, 'Everything@99999999999999999999'], status: 2, message: /beyond the pool/ },
  { name: 'show of the offset at the end of the pool', args: () => ['show', good, `Everything@${layout.size}`], status: 2, message: /beyond the pool/ },
  { name: 'show of a heap-string block', args: () => ['show', good, `Everything@${layout.blob}`], status: 2, message: /heap string\/bytes block/ },
  { name: 'show of an offset inside the header', args: () => ['show', good, 'Everything@12'], status: 2, message: /no live object/ },
  { name: 'show of an object of another class', args: () => ['show', good, `Samples@${layout.rootOffset}`], status: 2, message: /is a Everything/ },
  { name: 'show of a malformed object name', args: () => ['show', good, 'Everything@-1'], status: 2, message: /Class@offset/ },
  { name: 'ls of an unknown class', args: () => ['ls', good, '--type', 'Nope'], status: 2, message: /no class Nope/ },
  { name: 'export of an unknown class', args: () => ['export', good, '--type', 'Nope'], status: 2, message: /no class Nope/ },
  { name: 'no command', args: () => [], status: 2, message: /a command is required/ },
  { name: 'an unknown command with a suggestion', args: () => ['inf', good], status: 2, message: /unknown command 'inf' \(Did you mean info\?\)/ },
  { name: 'an unknown option', args: () => ['info', good, '--bogus'], status: 2, message: /unknown option '--bogus'/ },
  { name: 'a missing argument', args: () => ['info'], status: 2, message: /missing required argument 'pool'/ },
];

/** `exported` with one change, written to a file for import. */
function mutated(name: string, change: (e: any) => void): string {
  const copy = JSON.parse(JSON.stringify(exported));
  change(copy);
  return writeJson(name, copy);
}

function writeJson(name: string, value: unknown): string {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

const root = (e: any) => e.objects.find((o: any) => o.data.name === 'root');
const samples = (e: any) => e.objects.find((o: any) => o.type === 'Samples');

/** Import inputs refused before the pool is opened for writing: exit 4, every byte of the pool as it was. */
const importCases: [string, () => string, RegExp][] = [
  ['a missing JSON file', () => path.join(dir, 'absent.json'), /cannot read/],
  ['a FIFO for the JSON file', () => fifo, /cannot read .*not a regular file/],
  ['a directory for the JSON file', () => dir, /cannot read .*not a regular file/],
  ['malformed JSON', () => writeJson('malformed', '{"format": "pmemts-export",'), /is not JSON/],
  ['an empty file', () => writeJson('empty', ''), /is not JSON/],
  ['JSON that is not an export', () => writeJson('nope', { nope: 1 }), /not a pmemts export/],
  ['an export of another version', () => mutated('version', (e) => (e.version = 2)), /not a pmemts export/],
  ['an entry that is null', () => mutated('null-entry', (e) => e.objects.push(null)), /objects\[3\] is not an object/],
  ['an entry with data: null', () => mutated('null-data', (e) => (root(e).data = null)), /\.data must be an object/],
  ['an entry of an unknown class', () => mutated('class', (e) => (root(e).type = 'Nope')), /class Nope, which this pool's catalog lacks/],
  ['two entries with one ref', () => mutated('dup', (e) => (e.objects[1].ref = e.objects[0].ref)), /names two objects/],
  ['an unknown field', () => mutated('field', (e) => (root(e).data.extra = 1)), /Everything has no field extra/],
  ["'' for an i64", () => mutated('i64-empty', (e) => (root(e).data.i64 = '')), /Everything\.i64: expected an integer as a decimal string, got ""/],
  ['a fractional bigint', () => mutated('i64-frac', (e) => (root(e).data.i64 = '1.5')), /Everything\.i64: expected an integer/],
  ['a fractional number for a u64', () => mutated('u64-frac', (e) => (root(e).data.u64 = 1.5)), /Everything\.u64: expected an integer/],
  ['a non-numeric bigint', () => mutated('i64-text', (e) => (root(e).data.i64 = 'abc')), /Everything\.i64: expected an integer/],
  ['a hex bigint', () => mutated('i64-hex', (e) => (root(e).data.i64 = '0x10')), /Everything\.i64: expected an integer/],
  ['a non-numeric element of an i64 array', () => mutated('big-elem', (e) => (samples(e).data.big[1] = 'x')), /Samples\.big: expected i64 elements \(element 1/],
  ["'1' for a timestamp", () => mutated('when-1', (e) => (root(e).data.when = '1')), /Everything\.when: expected an ISO 8601 timestamp/],
  ['a date without a time', () => mutated('when-date', (e) => (root(e).data.when = '2026-11-25')), /Everything\.when: expected an ISO 8601/],
  ['bad hex for bytes', () => mutated('hex', (e) => (root(e).data.tag = 'zzzzzzzz')), /Everything\.tag: expected bytes as a hex string/],
  ['an odd number of hex digits', () => mutated('hex-odd', (e) => (root(e).data.blob = 'abc')), /Everything\.blob: expected bytes as a hex string/],
  ['a number where a struct belongs', () => mutated('struct', (e) => (root(e).data.at = 5)), /Everything\.at: expected an object of Point's fields, got 5/],
  ['an unknown field of a struct', () => mutated('struct-field', (e) => (root(e).data.at.z = 1)), /Everything\.at\.z: Point has no field z/],
  ['null for an f64', () => mutated('f64-null', (e) => (root(e).data.f64 = null)), /Everything\.f64: expected a number, or "NaN"/],
  ["'nan' for an f64", () => mutated('f64-word', (e) => (root(e).data.f64 = 'nan')), /Everything\.f64: expected a number/],
  ['a string for a u8', () => mutated('u8-text', (e) => (root(e).data.u8 = '1')), /Everything\.u8: expected an integer \(u8\)/],
  ['an array of the wrong length', () => mutated('triple', (e) => (root(e).data.triple = [1, 2])), /Everything\.triple: expected an array of 3 u16/],
  ['a ref not in the export', () => mutated('ref-missing', (e) => (root(e).data.other = 'Everything@1')), /other refers to Everything@1, which is not in the export/],
  ['a ref to an object of another class', () => mutated('ref-class', (e) => (root(e).data.other = samples(e).ref)), /other refers to Samples@\d+, a Samples, where a Everything belongs/],
  ['a ref that is not a string', () => mutated('ref-number', (e) => (root(e).data.other = 5)), /Everything\.other: expected "Class@offset"/],
];

/** Import inputs that only a field's codec refuses, inside the import's transaction: exit 4, no object imported. */
const codecCases: [string, () => string, RegExp][] = [
  ['a u8 out of range', () => mutated('u8-range', (e) => (root(e).data.u8 = 300)), /Everything\.u8: .*300/],
  ['an i64 out of range', () => mutated('i64-range', (e) => (root(e).data.i64 = '9223372036854775808')), /Everything\.i64: .*9223372036854775808/],
  ['a string over its capacity', () => mutated('name-long', (e) => (root(e).data.name = 'x'.repeat(100))), /Everything\.name: .*100/],
];

describe('every failure is one line with its exit status, and the pool is unchanged', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const before = poolBytes(good);
    expectOneLineFailure(cli(...c.args()), c.status, c.message);
    expect(poolBytes(good).equals(before)).toBe(true);
  });

  const target = emptyPool();
  test.each(importCases)('import of %s: exit 4, the pool untouched', (_, json, message) => {
    const before = poolBytes(target);
    expectOneLineFailure(cli('import', target, json()), 4, message);
    expect(poolBytes(target).equals(before)).toBe(true);
  });

  test.each(codecCases)('import of %s: exit 4, nothing imported', (_, json, message) => {
    expectOneLineFailure(cli('import', target, json()), 4, message);
    expect(cli('ls', target, '--json').json()).toEqual([]);
  });
});

test('a reader that closes the pipe early is not a failure', () => {
  const file = tmp.file('many');
  const pool = Pool.create(file, { types: TYPES, size: POOL_SIZE });
  runTransaction(pool, () => {
    for (let i = 0; i < 2000; i++) pool.create(Samples, { name: `s${i}` });
  });
  pool.close();
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" ls "${file}" --json | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
  expect({ status: r.stdout.trim(), err: r.stderr }).toEqual({ status: '0', err: '' });
});
