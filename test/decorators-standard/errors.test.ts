/**
 * Issue 16: under standard decorators there is no design:type, so a field without an explicit type is a
 * LayoutDefinitionError naming the class, the field and the fix, thrown when the class is decorated
 * (or, for a plain parent class, whenever its fields are looked at). Members a field cannot be are
 * refused as under experimentalDecorators, with the class named although a standard field decorator
 * never sees it.
 */
import { LayoutDefinitionError, getRecordedLayout } from '@pmemts/decorators';
import { resolveLayout } from '@pmemts/core';
import { compileModel, runModule } from './compile-model';

const IMPORTS = "import { Field, Persistent, Ref } from '@pmemts/decorators';\n";

/** Each case is one in-memory file; all compile in one program per setting. */
const CASES = {
  untyped: `@Persistent() export class Wallet {
    @Field('u32') id!: number;
    @Field() balance!: number;
  }`,
  untypedParent: `export class Base { @Field() amount!: number; }
  @Persistent() export class Child extends Base { @Field('u8') flag!: number; }`,
  staticField: `@Persistent() export class Config { @Field('u32') static limit: number; @Field('u32') id!: number; }`,
  privateField: `@Persistent() export class Secret { @Field('u32') #pin!: number; @Field('u32') id!: number; }`,
  method: `@Persistent() export class Tool { @Field('u32') id!: number; @Field('u32') run(): void {} }`,
  accessor: `@Persistent() export class Knob { @Field('u32') accessor level = 0; }`,
  symbolKey: `const key = Symbol('k');
  @Persistent() export class Keyed { @Field('u32') [key]!: number; }`,
  twice: `@Persistent() export class Twice { @Field('u32') @Ref(() => Twice) id!: number; }`,
  persistentOnField: `@Persistent() export class Misplaced { @Persistent() @Field('u32') id!: number; }`,
  badOption: `@Persistent() export class Sized { @Field({ type: 'string', maxBytes: 0 }) name!: string; }`,
};
const sources = Object.fromEntries(Object.entries(CASES).map(([name, body]) => [`${name}.ts`, IMPORTS + body]));
const standard = compileModel(sources, 'standard');

/** The LayoutDefinitionError running a case's standard emit throws. */
function thrownBy(name: keyof typeof CASES): LayoutDefinitionError {
  try {
    runModule(standard.js.get(`${name}.ts`)!);
  } catch (error) {
    expect(error).toBeInstanceOf(LayoutDefinitionError);
    return error as LayoutDefinitionError;
  }
  throw new Error(`${name}: expected a LayoutDefinitionError`);
}

test('a field without an explicit type fails at decoration, naming the class, the field and the fix', () => {
  const error = thrownBy('untyped');
  expect([error.className, error.property, error.code]).toEqual(['Wallet', 'balance', 'LAYOUT_DEFINITION']);
  expect(error.message).toMatch(/^Wallet\.balance: TypeScript's standard decorators emit no design:type/);
  expect(error.message).toContain("give @Field an explicit type: @Field('f64')");
});

test('the same class under experimentalDecorators infers the type from design:type', () => {
  const legacy = compileModel({ 'untyped.ts': sources['untyped.ts'] }, 'legacy');
  expect(legacy.diagnostics).toEqual([]);
  const { Wallet } = runModule(legacy.js.get('untyped.ts')!) as { Wallet: Function };
  expect(getRecordedLayout(Wallet)!.fields.map((f) => [f.name, f.spec])).toEqual([
    ['id', { kind: 'scalar', scalar: 'u32' }],
    ['balance', { kind: 'scalar', scalar: 'f64' }],
  ]);
});

test('a plain parent class with an untyped field fails whenever its layout is looked at, never half-recorded', () => {
  const { Base, Child } = runModule(standard.js.get('untypedParent.ts')!) as { Base: Function; Child: Function };
  for (let attempt = 0; attempt < 2; attempt++) {
    expect(() => resolveLayout(Child)).toThrow(LayoutDefinitionError);
    expect(() => getRecordedLayout(Base)).toThrow("Base.amount: TypeScript's standard decorators emit no design:type");
  }
  expect(getRecordedLayout(Child)!.fields.map((f) => f.name)).toEqual(['flag']);
});

test.each([
  ['staticField', 'Config', 'limit', '@Field cannot decorate a static member'],
  ['privateField', 'Secret', '#pin', '@Field cannot decorate a #private field'],
  ['method', 'Tool', 'run', '@Field cannot decorate a method'],
  ['accessor', 'Knob', 'level', '@Field cannot decorate an accessor'],
  ['symbolKey', 'Keyed', 'Symbol(k)', '@Field needs a string property name'],
  ['twice', 'Twice', 'id', 'is declared twice'],
  ['persistentOnField', 'Misplaced', 'id', '@Persistent decorates a class, not a member'],
  ['badOption', 'Sized', 'name', 'a string field needs maxBytes'],
] as const)('%s: refused with the class and the member named', (name, className, property, message) => {
  const error = thrownBy(name);
  expect([error.className, error.property]).toEqual([className, property]);
  expect(error.message).toContain(message);
});

test('TypeScript itself rejects a field decorator on a method or an accessor, and @Persistent on a field', () => {
  const rejected = (file: string) => standard.diagnostics.filter((d) => d.startsWith(`${file}:`));
  for (const file of ['method.ts', 'accessor.ts', 'persistentOnField.ts']) expect(rejected(file)).not.toEqual([]);
  for (const file of ['untyped.ts', 'untypedParent.ts', 'staticField.ts', 'privateField.ts', 'symbolKey.ts', 'badOption.ts']) expect(rejected(file)).toEqual([]);
});
