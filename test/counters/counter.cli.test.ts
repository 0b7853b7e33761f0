/** The CLI rebuilds counter fields from the catalog: types, ls, show and export give the sum, import restores it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Field, Persistent, Pool, runTransaction, type PCounter } from '@pmemts/core';
import { tempDir } from '../core/fixtures';
import { cli, expectOneLineFailure } from '../cli/run-cli';

@Persistent({ name: 'CliPage' })
class Page {
  @Field({ type: 'string', maxBytes: 16 }) path!: string;
  @Field({ type: 'counter', stripes: 8 }) hits!: PCounter;
  @Field({ type: 'counter', stripes: 1 }) errors!: PCounter;
}

const tmp = tempDir('counter-cli');
afterAll(() => tmp.cleanup());

/** A page whose hits went over every stripe, some adds large. */
function pagePool(): string {
  const file = tmp.file('pages');
  const pool = Pool.create(file, { types: [Page] });
  const page = pool.root(Page);
  runTransaction(pool, () => {
    page.path = '/index';
  });
  for (let i = 0; i < 20; i++) runTransaction(pool, () => page.hits.add(i === 7 ? 2n ** 63n : 1));
  runTransaction(pool, () => page.errors.add(3));
  pool.close();
  return file;
}

const HITS = String(2n ** 63n + 19n);

test('types, ls, show and export give each counter as its sum', () => {
  const file = pagePool();
  const types = cli('types', file);
  expect(types.status).toBe(0);
  expect(types.out).toMatch(/hits\s+counter\s+64\s+512/);
  expect(types.out).toMatch(/errors\s+counter\s+576\s+64/);
  expect(cli('ls', file, '--type', 'CliPage', '--json').json()).toEqual([expect.objectContaining({ path: '/index', hits: HITS, errors: '3' })]);
  const show = cli('show', file, 'root', '--json');
  expect(show.status).toBe(0);
  expect(show.json()).toMatchObject({ hits: HITS, errors: '3' });
  expect(cli('show', file, 'root').out).toContain(HITS);
  const exported = cli('export', file).json();
  expect(exported.objects).toEqual([{ ref: expect.stringMatching(/^CliPage@\d+$/), type: 'CliPage', data: { path: '/index', hits: HITS, errors: '3' } }]);
});

test('import assigns each counter its exported sum; a value a counter cannot hold imports nothing', () => {
  const file = pagePool();
  const json = path.join(path.dirname(file), 'pages.json');
  fs.writeFileSync(json, cli('export', file).out);
  const target = tmp.file('target');
  Pool.create(target, { types: [Page] }).close();
  const r = cli('import', target, json);
  expect({ status: r.status, err: r.err }).toEqual({ status: 0, err: '' });
  let pool = Pool.open(target, { types: [Page] });
  const copy = [...pool.objects(Page)][0];
  expect([copy.path, copy.hits.value, copy.errors.value]).toEqual(['/index', 2n ** 63n + 19n, 3n]);
  pool.close();

  const empty = tmp.file('refuse');
  Pool.create(empty, { types: [Page] }).close();
  const exported = JSON.parse(fs.readFileSync(json, 'utf8'));
  const cases: [unknown, RegExp][] = [
    [String(2n ** 64n), /CliPage\.hits: .*outside \[0, 18446744073709551615\]/],
    ['1.5', /CliPage\.hits: expected an integer as a decimal string/],
  ];
  cases.forEach(([value, message], i) => {
    exported.objects[0].data.hits = value;
    const bad = path.join(path.dirname(file), `bad-${i}.json`);
    fs.writeFileSync(bad, JSON.stringify(exported));
    expectOneLineFailure(cli('import', empty, bad), 4, message);
  });
  pool = Pool.open(empty, { types: [Page] });
  expect([...pool.objects(Page)]).toEqual([]);
  pool.close();
});
