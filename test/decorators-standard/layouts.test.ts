/**
 * Issue 16: the same model source, compiled with `experimentalDecorators` + `emitDecoratorMetadata` and
 * with TypeScript's standard decorators, type-checks under both and yields identical layouts: the same
 * resolved layouts field by field, the same fingerprints, the same C header.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getRecordedLayout, persistentNameOf } from '@pmemts/decorators';
import { generateCHeader, resolveLayouts, type TypeLayout } from '@pmemts/core';
import { compileModel, runModule, type DecoratorMode } from './compile-model';

const MODEL = fs.readFileSync(path.join(__dirname, 'model.ts'), 'utf8');

const compiled = Object.fromEntries(
  (['legacy', 'standard'] as const).map((mode) => [mode, compileModel({ 'model.ts': MODEL }, mode)]),
) as Record<DecoratorMode, ReturnType<typeof compileModel>>;
const models = Object.fromEntries(
  (['legacy', 'standard'] as const).map((mode) => [mode, runModule(compiled[mode].js.get('model.ts')!)]),
) as Record<DecoratorMode, Record<string, unknown>>;
const typesOf = (mode: DecoratorMode) => models[mode].MODEL_TYPES as Function[];

/** A layout as data: classes by their persistent name, ref and struct thunks by that of the class they return. */
function plain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => {
      if (typeof v !== 'function') return v;
      return key === 'ctor' ? `class ${persistentNameOf(v)}` : `() => ${persistentNameOf((v as () => Function)())}`;
    }),
  );
}

test('the model type-checks under both settings, and each emit uses its own decorator protocol', () => {
  expect(compiled.legacy.diagnostics).toEqual([]);
  expect(compiled.standard.diagnostics).toEqual([]);
  const legacy = compiled.legacy.js.get('model.ts')!;
  const standard = compiled.standard.js.get('model.ts')!;
  expect([legacy.includes('__decorate('), legacy.includes('"design:type"'), legacy.includes('__esDecorate(')]).toEqual([true, true, false]);
  expect([standard.includes('__esDecorate('), standard.includes('"design:type"'), standard.includes('__decorate(')]).toEqual([true, false, false]);
});

test('both compilations resolve to identical layouts: deep equal, same fingerprints, same C header', () => {
  const legacy = resolveLayouts(typesOf('legacy'));
  const standard = resolveLayouts(typesOf('standard'));
  expect(standard.map((l) => l.ctor)).toEqual(typesOf('standard')); // the standard classes, not the legacy ones
  expect(plain(standard)).toEqual(plain(legacy));
  const fingerprints = (layouts: TypeLayout[]) => layouts.map((l) => [l.name, l.fingerprint]);
  expect(fingerprints(standard)).toEqual(fingerprints(legacy));
  expect(generateCHeader(standard, { layoutName: 'std' })).toBe(generateCHeader(legacy, { layoutName: 'std' }));
});

test('fields are recorded in declaration order, parents first, with the same specs', () => {
  const everything = resolveLayouts(typesOf('standard')).find((l) => l.name === 'StdEverything')!;
  expect(everything.fields.map((f) => f.name)).toEqual([
    'id', 'created', // from Stamped, a plain class with fields
    'u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'i64', 'f32', 'f64', 'flag', 'hot', 'warm', 'name', 'essay', 'blob',
    'tag', 'triple', 'at', 'next', 'leaf', 'big', 'byId', 'scores', 'labels', 'samples', 'leaves', 'words',
  ]);
  expect([everything.typeNum, everything.version]).toEqual([4242, 3]);
  expect(everything.fields.find((f) => f.name === 'hot')!.offset % 64).toBe(0);
  for (const [i, ctor] of typesOf('standard').entries()) {
    expect(plain(getRecordedLayout(ctor))).toEqual(plain(getRecordedLayout(typesOf('legacy')[i])));
  }
  const stamped = (mode: DecoratorMode) => getRecordedLayout(models[mode].Stamped as Function);
  expect(plain(stamped('standard'))).toEqual(plain(stamped('legacy')));
  expect(stamped('standard')!.options).toBeUndefined();
});
