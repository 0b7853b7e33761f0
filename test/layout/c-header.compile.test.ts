import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import 'reflect-metadata';
import { Field, Persistent, Ref, LayoutDefinitionError } from '@pmemts/decorators';
import { generateCHeader, resolveLayout, resolveLayouts, type TypeLayout } from '../../packages/core/src/layout';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmemts-c-header-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

@Persistent({ name: 'HdrVec' })
class Vec {
  @Field('f32') x!: number;
  @Field('f32') y!: number;
  @Field('u8') tag!: number;
}

@Persistent({ name: 'HdrBox' })
class Box {
  @Field({ type: 'struct', of: () => Vec }) min!: Vec;
  @Field({ type: 'struct', of: () => Vec }) max!: Vec;
  @Field('u16') depth!: number;
}

@Persistent({ name: 'HdrLine', align: 64 })
class Line {
  @Field('u8') a!: number;
}

/** Every field kind and scalar, odd capacities, raised alignments, structs two deep, and refs both ways. */
@Persistent({ name: 'HdrEverything', version: 2 })
class Everything {
  @Field('u8') u8!: number;
  @Field('i8') i8!: number;
  @Field('u16') u16!: number;
  @Field('i16') i16!: number;
  @Field('u32') u32!: number;
  @Field('i32') i32!: number;
  @Field('u64') u64!: bigint;
  @Field('i64') i64!: bigint;
  @Field('f32') f32!: number;
  @Field('f64') f64!: number;
  @Field('bool') flag!: boolean;
  @Field('timestamp') at!: Date;
  @Field({ type: 'string', maxBytes: 5 }) brief!: string;
  @Field('u8') afterBrief!: number;
  @Field({ type: 'string', maxBytes: 64, align: 64 }) name!: string;
  @Field({ type: 'heapString' }) essay!: string;
  @Field({ type: 'heapBytes' }) blob!: Uint8Array;
  @Field({ type: 'bytes', length: 3 }) raw!: Uint8Array;
  @Field({ type: 'array', of: 'u16', length: 3 }) shorts!: number[];
  @Field({ type: 'array', of: 'f64', length: 2 }) pair!: number[];
  @Field({ type: 'array', of: 'bool', length: 5 }) flags!: boolean[];
  @Field({ type: 'array', of: 'timestamp', length: 2 }) times!: Date[];
  @Field({ type: 'array', of: 'i8', length: 3, align: 16 }) deltas!: number[];
  @Field({ type: 'struct', of: () => Box }) box!: Box;
  @Field({ type: 'struct', of: () => Line }) line!: Line;
  @Field('u32', { align: 128 }) hot!: number;
  @Ref(() => Everything) self!: Everything | null;
  @Ref(() => Later, { align: 32 }) later!: Later | null;
  @Field('u8') last!: number;
}

// Declared after Everything and referred to by it: its TOID must be declared before Everything's struct.
@Persistent({ name: 'HdrLater', typeNum: 4321, align: 16 })
class Later {
  @Ref(() => Everything) back!: Everything | null;
}

@Persistent({ name: 'HdrBase' })
class Base {
  @Field('u8') kind!: number;
}

@Persistent({ name: 'HdrDerived' })
class Derived extends Base {
  @Field('f64') value!: number;
}

function compile(name: string, header: string, program: string, flags: string[] = []): string {
  fs.writeFileSync(path.join(dir, `${name}.h`), header);
  const source = path.join(dir, `${name}.c`);
  fs.writeFileSync(source, program);
  const object = path.join(dir, `${name}.o`);
  execFileSync('cc', ['-std=c11', '-Wall', '-Wextra', '-Werror', ...flags, '-c', source, '-o', object], { stdio: 'pipe' });
  return object;
}

/** A C program that prints sizeof, _Alignof and every offsetof, to compare with the layouts in TypeScript. */
function measuringProgram(headerName: string, layouts: readonly TypeLayout[]): string {
  const prints = layouts.flatMap((l) => [
    `\tprintf("${l.name} %zu %zu\\n", sizeof(struct ${l.name}), _Alignof(struct ${l.name}));`,
    ...l.fields.map((f) => `\tprintf("${l.name}.${f.name} %zu %zu\\n", offsetof(struct ${l.name}, ${f.name}), sizeof(((struct ${l.name} *)0)->${f.name}));`),
  ]);
  return `#include <libpmemobj.h>\n#include <stdio.h>\n#include "${headerName}.h"\nint main(void) {\n${prints.join('\n')}\n\treturn 0;\n}\n`;
}

test('the header compiles against libpmemobj.h, so every offset, size and alignment holds in C', () => {
  const layouts = resolveLayouts([Everything, Derived]);
  const header = generateCHeader(layouts, { layoutName: 'pmemts-test' });
  compile('types', header, '#include <libpmemobj.h>\n#include "types.h"\n');
  const asserted = header.split('\n').filter((l) => l.startsWith('_Static_assert(offsetof')).length;
  expect(asserted).toBe(layouts.reduce((n, l) => n + l.fields.length, 0));
});

test('a C program measures the same sizes, alignments and offsets', () => {
  const layouts = resolveLayouts([Everything, Derived]);
  const object = compile('measure', generateCHeader(layouts), measuringProgram('measure', layouts));
  const exe = path.join(dir, 'measure');
  execFileSync('cc', ['-o', exe, object, '-lpmemobj']);
  const measured = execFileSync(exe, { encoding: 'utf8' }).trim().split('\n');
  const expected = layouts.flatMap((l) => [`${l.name} ${l.size} ${l.align}`, ...l.fields.map((f) => `${l.name}.${f.name} ${f.offset} ${f.size}`)]);
  expect(measured).toEqual(expected);
});

test('a wrong offset fails to compile: the asserts are real', () => {
  const header = generateCHeader([resolveLayout(Vec)]).replace('offsetof(struct HdrVec, y) == 4', 'offsetof(struct HdrVec, y) == 8');
  expect(() => compile('broken', header, '#include "broken.h"\n')).toThrow(/HdrVec\.y: offset/);
});

test('what the header declares', () => {
  const header = generateCHeader(resolveLayouts([Everything]), { layoutName: 'bank "v1"?' });
  const typeNum = resolveLayout(Everything).typeNum;
  expect(header).toContain(`#define HDREVERYTHING_TYPE_NUM ${typeNum}`);
  expect(header).toContain('TOID_DECLARE(struct HdrEverything, HDREVERYTHING_TYPE_NUM);');
  expect(header).toContain('#define HDRLATER_TYPE_NUM 4321');
  expect(header).toContain('#define PMEMTS_BANK__V1___LAYOUT "bank \\042v1\\042\\077"');
  expect(header).toMatch(/#ifndef PMEMTS_BANK__V1___H/);
  expect(header).toContain('\tuint8_t flag;');
  expect(header).toContain('\tint64_t at;');
  expect(header).toContain('\tdouble f64;');
  expect(header).toContain('\tfloat f32;');
  expect(header).toContain('\tstruct { uint32_t len; char data[5]; } brief;');
  expect(header).toContain('\t_Alignas(64) struct { uint32_t len; char data[64]; } name;');
  expect(header).toContain('\tstruct pmemts_heap_slot essay;');
  expect(header).toContain('\tuint8_t raw[3];');
  expect(header).toContain('\tint64_t times[2];');
  expect(header).toContain('\t_Alignas(16) int8_t deltas[3];');
  expect(header).toContain('\tstruct HdrBox box;');
  expect(header).toContain('\t_Alignas(128) uint32_t hot;');
  expect(header).toContain('\tTOID(struct HdrEverything) self;');
  expect(header).toContain('\t_Alignas(32) TOID(struct HdrLater) later;');
  // The class alignment rides on the first member; C has no other portable way to align a struct type.
  expect(header).toContain('struct HdrLine {\n\t_Alignas(64) uint8_t a;\n};');
  // Embedded structs are defined before their containers; every TOID before any struct.
  const at = (text: string) => header.indexOf(text);
  expect(at('struct HdrVec {')).toBeLessThan(at('struct HdrBox {'));
  expect(at('struct HdrBox {')).toBeLessThan(at('struct HdrEverything {'));
  expect(at('TOID_DECLARE(struct HdrLater')).toBeLessThan(at('struct HdrEverything {'));
});

test('refs and structs outside the given layouts are declared too', () => {
  const header = generateCHeader([resolveLayout(Later)]);
  for (const name of ['HdrLater', 'HdrEverything', 'HdrBox', 'HdrVec', 'HdrLine']) expect(header).toContain(`struct ${name} {`);
  compile('closure', header, '#include "closure.h"\n');
});

test('names C cannot use are refused with the fix', () => {
  @Persistent({ name: 'HdrKeywordField' })
  class KeywordField {
    @Field('u8') default!: number;
  }
  expect(() => generateCHeader([resolveLayout(KeywordField)])).toThrow(LayoutDefinitionError);
  expect(() => generateCHeader([resolveLayout(KeywordField)])).toThrow(/^HdrKeywordField\.default: is not a C identifier \(or is a C keyword\).*rename the property/);

  @Persistent({ name: 'HdrDollar' })
  class Dollar {
    @Field('u8') $id!: number;
  }
  expect(() => generateCHeader([resolveLayout(Dollar)])).toThrow(/^HdrDollar\.\$id: is not a C identifier/);

  @Persistent({ name: 'int' })
  class Int {
    @Field('u8') a!: number;
  }
  expect(() => generateCHeader([resolveLayout(Int)])).toThrow(/^int: the type name is a C keyword; give another: @Persistent\(\{ name: 'int_t' \}\)/);

  @Persistent({ name: 'HdrCase' })
  class Lower {
    @Field('u8') a!: number;
  }
  @Persistent({ name: 'HDRCASE' })
  class Upper {
    @Field('u8') a!: number;
  }
  expect(() => generateCHeader(resolveLayouts([Lower, Upper]))).toThrow(/^HDRCASE: its C macro HDRCASE_TYPE_NUM is also HdrCase's/);
  expect(() => generateCHeader([], { layoutName: '' })).toThrow(TypeError);
});
