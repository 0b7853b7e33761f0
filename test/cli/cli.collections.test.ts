/** The CLI reads map and vector fields from the catalog alone, and export → import round-trips them. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Field, Persistent, Pool, runTransaction, type PMap, type PVector } from '@pmemts/core';
import { tempDir } from '../core/fixtures';
import { cli, expectOneLineFailure } from './run-cli';

@Persistent({ name: 'Tag' })
class TagModel {
  @Field({ type: 'string', maxBytes: 8 }) label!: string;
}

@Persistent({ name: 'Shelf' })
class ShelfModel {
  @Field({ type: 'map', key: 'u64', value: { type: 'string', maxBytes: 16 } }) titles!: PMap<bigint, string>;
  @Field({ type: 'map', key: { type: 'bytes', maxLength: 4 }, value: 'f64' }) weights!: PMap<Uint8Array, number>;
  @Field({ type: 'vector', of: () => TagModel }) tags!: PVector<TagModel | null>;
  @Field({ type: 'vector', of: 'i64' }) counts!: PVector<bigint>;
}

const TYPES = [ShelfModel, TagModel];
const tmp = tempDir('cli-collections');
afterAll(() => tmp.cleanup());

function shelfPool(): string {
  const file = tmp.file('shelf');
  const pool = Pool.create(file, { types: TYPES });
  runTransaction(pool, () => {
    const shelf = pool.root(ShelfModel);
    shelf.titles.set(2n ** 64n - 1n, 'last').set(1n, 'first');
    shelf.weights.set(new Uint8Array([1, 2]), NaN).set(new Uint8Array([0]), -0);
    shelf.tags.push(pool.create(TagModel, { label: 'a' }), null, pool.create(TagModel, { label: 'b' }));
    shelf.counts.push(-(2n ** 63n), 7n);
  });
  pool.close();
  return file;
}

test('types, ls and export show collections; import restores them exactly', () => {
  const file = shelfPool();
  const types = cli('types', file, '--json');
  expect(types.status).toBe(0);
  // ls: one row per object, collections counted.
  const row = cli('ls', file, '--type', 'Shelf', '--json').json()[0];
  expect([row.titles, row.weights, row.tags, row.counts]).toEqual([{ size: 2 }, { size: 2 }, { length: 3 }, { length: 2 }]);
  // export: every entry, in the encoding import reads back.
  const exported = cli('export', file, '--type', 'Shelf').json();
  const shelf = exported.objects[0].data;
  expect(shelf.titles).toEqual([['1', 'first'], ['18446744073709551615', 'last']]);
  expect(shelf.weights).toEqual([['00', '-0'], ['0102', 'NaN']]);
  expect(shelf.tags).toEqual([expect.stringMatching(/^Tag@\d+$/), null, expect.stringMatching(/^Tag@\d+$/)]);
  expect(shelf.counts).toEqual(['-9223372036854775808', '7']);

  const json = path.join(path.dirname(file), 'shelf.json');
  fs.writeFileSync(json, cli('export', file).out);
  const target = tmp.file('target');
  Pool.create(target, { types: TYPES }).close();
  const r = cli('import', target, json);
  expect({ status: r.status, err: r.err }).toEqual({ status: 0, err: '' });
  const pool = Pool.open(target, { types: TYPES });
  const copy = [...pool.objects(ShelfModel)][0];
  expect([...copy.titles]).toEqual([[1n, 'first'], [2n ** 64n - 1n, 'last']]);
  expect([...copy.weights].map(([k, v]) => [[...k], Object.is(v, -0) ? '-0' : v])).toEqual([[[0], '-0'], [[1, 2], NaN]]);
  expect([...copy.tags].map((t) => t?.label ?? null)).toEqual(['a', null, 'b']);
  expect([...copy.counts]).toEqual([-(2n ** 63n), 7n]);
  pool.close();
});

test('import refuses malformed collections with the entry and field named, nothing imported', () => {
  const file = shelfPool();
  const exported = cli('export', file).json();
  const target = tmp.file('refuse');
  Pool.create(target, { types: TYPES }).close();
  const cases: [string, (shelf: any) => void, RegExp][] = [
    ['a map that is an object', (s) => (s.titles = { 1: 'x' }), /Shelf\.titles: expected an array of \[key, value\] pairs/],
    ['a pair of three', (s) => (s.titles = [['1', 'a', 'b']]), /Shelf\.titles\[0\]: expected a \[key, value\] pair/],
    ['a key twice', (s) => (s.titles = [['1', 'a'], [1, 'b']]), /Shelf\.titles\[1\]\[0\]: the key 1 appears twice/],
    ['a fractional key', (s) => (s.titles = [['1.5', 'a']]), /Shelf\.titles\[0\]\[0\]: expected an integer/],
    ['bad hex in a key', (s) => (s.weights = [['zz', 1]]), /Shelf\.weights\[0\]\[0\]: expected bytes as a hex string/],
    ['a vector element ref not in the export', (s) => (s.tags = ['Tag@1']), /tags\[0\] refers to Tag@1, which is not in the export/],
    ['a vector that is a string', (s) => (s.counts = '7'), /Shelf\.counts: expected an array/],
  ];
  for (const [name, change, message] of cases) {
    const copy = JSON.parse(JSON.stringify(exported));
    change(copy.objects.find((o: any) => o.type === 'Shelf').data);
    const json = path.join(path.dirname(target), `bad-${cases.findIndex((c) => c[0] === name)}.json`);
    fs.writeFileSync(json, JSON.stringify(copy));
    expectOneLineFailure(cli('import', target, json), 4, message);
  }
  expect(cli('ls', target, '--json').json()).toEqual([]);
});

test('show pages a map and a vector: --entries per page, --field/--after from the previous page\'s next', () => {
  const file = tmp.file('paged');
  const pool = Pool.create(file, { types: TYPES });
  const shelf = pool.root(ShelfModel);
  runTransaction(pool, () => {
    for (let i = 1n; i <= 25n; i++) shelf.titles.set(i * 10n, `t${i}`);
    for (let i = 0n; i < 7n; i++) shelf.counts.push(i);
  });
  pool.close();
  const first = cli('show', file, 'root', '--entries', '10', '--json').json();
  expect(first.titles.size).toBe(25);
  expect(first.titles.entries.map(([k]: [string]) => k)).toEqual(['10', '20', '30', '40', '50', '60', '70', '80', '90', '100']);
  expect(first.titles.next).toBe('100');
  expect(first.counts).toEqual({ length: 7, from: 0, elements: ['0', '1', '2', '3', '4', '5', '6'], next: null });
  const keys: string[] = [];
  for (let after: string | null = null, pages = 0; pages < 10; pages++) {
    const page: { entries: [string][]; next: string | null } = cli('show', file, 'root', '--entries', '10', ...(after === null ? [] : ['--field', 'titles', '--after', after]), '--json').json().titles;
    keys.push(...page.entries.map(([k]: [string]) => k));
    after = page.next;
    if (after === null) break;
  }
  expect(keys).toEqual(Array.from({ length: 25 }, (_, i) => String((i + 1) * 10)));
  const tail = cli('show', file, 'root', '--entries', '3', '--field', 'counts', '--after', '4', '--json').json().counts;
  expect(tail).toEqual({ length: 7, from: 5, elements: ['5', '6'], next: null });
  expectOneLineFailure(cli('show', file, 'root', '--after', '10'), 2, /--after needs --field/);
  expectOneLineFailure(cli('show', file, 'root', '--field', 'titles', '--after', 'ten'), 2, /--after: expected an integer/);
  expectOneLineFailure(cli('show', file, 'root', '--entries', '-1'), 2, /--entries/);
});
