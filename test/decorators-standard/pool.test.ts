/**
 * Issue 16: classes decorated with TypeScript's standard decorators store and read back through a real
 * pool, across close and reopen, and a pool they wrote opens with the same model compiled under
 * experimentalDecorators (same schema catalog, same bytes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Pool, runTransaction, toPlain, type PersistentClass } from '@pmemts/core';
import { tempDir } from '../core/fixtures';
import { compileModel, runModule, type DecoratorMode } from './compile-model';
import type * as Model from './model';

const tmp = tempDir('decorators-standard');
afterAll(() => tmp.cleanup());

const MODEL = fs.readFileSync(path.join(__dirname, 'model.ts'), 'utf8');
const load = (mode: DecoratorMode) => runModule(compileModel({ 'model.ts': MODEL }, mode).js.get('model.ts')!) as unknown as typeof Model;
const standard = load('standard');

function open(file: string, model: typeof Model): Pool {
  return Pool.open(file, { types: model.MODEL_TYPES as PersistentClass[] });
}

function fill(pool: Pool, m: typeof Model): void {
  const e = pool.root(m.Everything);
  runTransaction(pool, () => {
    Object.assign(e, {
      id: 7n, created: new Date(1700000000123), u8: 255, i8: -128, u16: 65535, i16: -32768, u32: 4294967295, i32: -2147483648,
      i64: -(2n ** 63n), f32: 1.5, f64: Math.PI, flag: true, hot: 64, warm: 8, name: 'héllo', essay: 'x'.repeat(5000),
      blob: new Uint8Array([1, 2, 3]), tag: new Uint8Array([9, 8, 7, 6, 5]), triple: [1, 2, 3],
    });
    e.at = { x: -5, y: 7 } as Model.Point;
    e.next = e;
    const leaf = pool.create(m.Leaf, { weight: 2.5, owner: e });
    e.leaf = leaf;
    e.big = pool.create(m.BigLeaf, { weight: 3.5, owner: null, last: 9 });
    e.big.corner = { x: 1, y: 2 } as Model.Point;
    e.byId.set(1n, leaf);
    e.scores.set('ada', 0.25);
    e.labels.set(new Uint8Array([0xca, 0xfe]), 'cafe');
    e.samples.push(0.5);
    e.samples.push(1.5);
    e.leaves.push(leaf);
    e.words.push('hi');
  });
}

/** Everything `fill` wrote, read back through `m`'s classes. */
function readBack(pool: Pool, m: typeof Model): unknown {
  const e = pool.root(m.Everything);
  const leaf = e.leaf!;
  const big = e.big!;
  return {
    scalars: [e.id, e.created.getTime(), e.u8, e.i8, e.u16, e.i16, e.u32, e.i32, e.i64, e.f32, e.f64, e.flag, e.hot, e.warm],
    inline: [e.name, e.essay.length, [...e.blob], [...e.tag], e.triple, [e.at.x, e.at.y]],
    refs: [e.next === e, leaf.weight, leaf.owner === e, big instanceof m.BigLeaf, big instanceof m.Leaf, big.weight, big.owner, big.last, [big.corner.x, big.corner.y]],
    collections: [
      e.byId.get(1n) === leaf, [...e.scores], [...e.labels].map(([k, v]) => [[...k], v]), [...e.samples],
      e.leaves.get(0) === leaf, [...e.words],
    ],
  };
}

const EXPECTED = {
  scalars: [7n, 1700000000123, 255, -128, 65535, -32768, 4294967295, -2147483648, -(2n ** 63n), 1.5, Math.PI, true, 64, 8],
  inline: ['héllo', 5000, [1, 2, 3], [9, 8, 7, 6, 5], [1, 2, 3], [-5, 7]],
  refs: [true, 2.5, true, true, true, 3.5, null, 9, [1, 2]],
  collections: [true, [['ada', 0.25]], [[[0xca, 0xfe], 'cafe']], [0.5, 1.5], true, ['hi']],
};

test('a standard-decorated model round-trips through a pool, across close and reopen', () => {
  const file = tmp.file('standard');
  const pool = Pool.create(file, { types: standard.MODEL_TYPES as PersistentClass[] });
  fill(pool, standard);
  expect(readBack(pool, standard)).toEqual(EXPECTED);
  pool.close();

  const reopened = open(file, standard);
  expect(readBack(reopened, standard)).toEqual(EXPECTED);
  expect(reopened.deepCheck().problems).toEqual([]);
  reopened.close();
});

test('a pool written by the standard-decorated model opens with the legacy-decorated one, and back', () => {
  const file = tmp.file('both');
  const first = Pool.create(file, { types: standard.MODEL_TYPES as PersistentClass[] });
  fill(first, standard);
  const plain = toPlain(first.root(standard.Everything));
  first.close();

  const legacy = load('legacy');
  const asLegacy = open(file, legacy); // the same catalog: no SchemaMismatchError
  expect(readBack(asLegacy, legacy)).toEqual(EXPECTED);
  expect(toPlain(asLegacy.root(legacy.Everything))).toEqual(plain);
  runTransaction(asLegacy, () => {
    asLegacy.root(legacy.Everything).u8 = 1;
  });
  asLegacy.close();

  const again = open(file, standard);
  expect(again.root(standard.Everything).u8).toBe(1);
  again.close();
});
