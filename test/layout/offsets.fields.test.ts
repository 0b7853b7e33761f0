import 'reflect-metadata';
import { Field, Persistent, Ref, LayoutDefinitionError } from '@pmemts/decorators';
import { resolveLayout, type FieldLayout, type TypeLayout } from '../../packages/core/src/layout';

/** [name, kind, offset, size, align] of every field, for compact expectations. */
function placement(layout: TypeLayout): [string, string, number, number, number][] {
  return layout.fields.map((f: FieldLayout) => [f.name, f.kind, f.offset, f.size, f.align]);
}

@Persistent({ name: 'OffPoint' })
class Point {
  @Field('i32') x!: number;
  @Field('i32') y!: number;
}

describe('scalars', () => {
  @Persistent({ name: 'OffScalars' })
  class Scalars {
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
    @Field('bool') bool!: boolean;
    @Field('timestamp') timestamp!: Date;
  }

  test('each at its natural alignment, in declaration order, size padded to the widest', () => {
    const layout = resolveLayout(Scalars);
    expect(placement(layout)).toEqual([
      ['u8', 'scalar', 0, 1, 1],
      ['i8', 'scalar', 1, 1, 1],
      ['u16', 'scalar', 2, 2, 2],
      ['i16', 'scalar', 4, 2, 2],
      ['u32', 'scalar', 8, 4, 4],
      ['i32', 'scalar', 12, 4, 4],
      ['u64', 'scalar', 16, 8, 8],
      ['i64', 'scalar', 24, 8, 8],
      ['f32', 'scalar', 32, 4, 4],
      ['f64', 'scalar', 40, 8, 8],
      ['bool', 'scalar', 48, 1, 1],
      ['timestamp', 'scalar', 56, 8, 8],
    ]);
    expect(layout.fields.map((f) => f.scalar)).toEqual(['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'f32', 'f64', 'bool', 'timestamp']);
    expect(layout.size).toBe(64);
    expect(layout.align).toBe(8);
  });

  test('padding: a small field before a wide one, and trailing padding to the alignment', () => {
    @Persistent({ name: 'OffPadded' })
    class Padded {
      @Field('u8') a!: number;
      @Field('f64') b!: number;
      @Field('u16') c!: number;
    }
    const layout = resolveLayout(Padded);
    expect(placement(layout)).toEqual([
      ['a', 'scalar', 0, 1, 1],
      ['b', 'scalar', 8, 8, 8],
      ['c', 'scalar', 16, 2, 2],
    ]);
    expect(layout.size).toBe(24);
  });

  test('a class of bytes only is byte-aligned and unpadded', () => {
    @Persistent({ name: 'OffTiny' })
    class Tiny {
      @Field('u8') a!: number;
      @Field('bool') b!: boolean;
      @Field('i8') c!: number;
    }
    const layout = resolveLayout(Tiny);
    expect([layout.size, layout.align]).toEqual([3, 1]);
  });
});

describe('the other field kinds', () => {
  @Persistent({ name: 'OffTarget' })
  class Target {
    @Field('u8') tag!: number;
  }

  @Persistent({ name: 'OffKinds' })
  class Kinds {
    @Field('u8') lead!: number;
    @Field({ type: 'string', maxBytes: 5 }) name!: string;
    @Field('u8') afterName!: number;
    @Field({ type: 'heapString' }) essay!: string;
    @Field({ type: 'bytes', length: 3 }) raw!: Uint8Array;
    @Field({ type: 'array', of: 'u16', length: 3 }) shorts!: number[];
    @Field({ type: 'heapBytes' }) blob!: Uint8Array;
    @Field({ type: 'struct', of: () => Point }) at!: Point;
    @Ref(() => Target) target!: Target | null;
    @Field({ type: 'array', of: 'f64', length: 2 }) pair!: number[];
  }

  test('inline string: u32 length then the bytes, align 4, size rounded up to 4 like the C struct', () => {
    const name = resolveLayout(Kinds).fields[1];
    expect([name.offset, name.size, name.align, name.maxBytes]).toEqual([4, 12, 4, 5]);
    expect(resolveLayout(Kinds).fields[2].offset).toBe(16);
  });

  test('heap slots and refs: 16 bytes at alignment 8', () => {
    const layout = resolveLayout(Kinds);
    const byName = Object.fromEntries(layout.fields.map((f) => [f.name, f]));
    expect([byName.essay.offset, byName.essay.size, byName.essay.align]).toEqual([24, 16, 8]);
    expect([byName.blob.offset, byName.blob.size, byName.blob.align]).toEqual([56, 16, 8]);
    expect([byName.target.offset, byName.target.size, byName.target.align]).toEqual([80, 16, 8]);
    expect(byName.target.target!()).toBe(Target);
    expect(byName.target.targetName).toBe('OffTarget');
  });

  test('bytes at alignment 1, arrays at their element alignment', () => {
    const byName = Object.fromEntries(resolveLayout(Kinds).fields.map((f) => [f.name, f]));
    expect([byName.raw.offset, byName.raw.size, byName.raw.align, byName.raw.length]).toEqual([40, 3, 1, 3]);
    expect([byName.shorts.offset, byName.shorts.size, byName.shorts.align, byName.shorts.scalar]).toEqual([44, 6, 2, 'u16']);
    expect([byName.pair.offset, byName.pair.size, byName.pair.align]).toEqual([96, 16, 8]);
  });

  test('embedded struct: inlined at its own alignment, sharing the class layout', () => {
    const layout = resolveLayout(Kinds);
    const at = layout.fields.find((f) => f.name === 'at')!;
    expect([at.kind, at.offset, at.size, at.align, at.targetName]).toEqual(['struct', 72, 8, 4, 'OffPoint']);
    expect(at.struct).toBe(resolveLayout(Point));
    expect(layout.size).toBe(112);
    expect(layout.align).toBe(8);
  });

  test('an embedded struct keeps its trailing padding', () => {
    @Persistent({ name: 'OffInner' })
    class Inner {
      @Field('u32') a!: number;
      @Field('u8') b!: number;
    }
    @Persistent({ name: 'OffOuter' })
    class Outer {
      @Field({ type: 'struct', of: () => Inner }) inner!: Inner;
      @Field('u8') c!: number;
    }
    expect(resolveLayout(Inner).size).toBe(8);
    expect(placement(resolveLayout(Outer))).toEqual([
      ['inner', 'struct', 0, 8, 4],
      ['c', 'scalar', 8, 1, 1],
    ]);
    expect(resolveLayout(Outer).size).toBe(12);
  });
});

describe('alignment options', () => {
  test('a field aligned to 64 starts a cache line; the class takes its alignment', () => {
    @Persistent({ name: 'OffHotField' })
    class HotField {
      @Field('u32') head!: number;
      @Field('u64', { align: 64 }) hot!: bigint;
      @Field({ type: 'bytes', length: 4, align: 16 }) tail!: Uint8Array;
    }
    const layout = resolveLayout(HotField);
    expect(placement(layout)).toEqual([
      ['head', 'scalar', 0, 4, 4],
      ['hot', 'scalar', 64, 8, 64],
      ['tail', 'bytes', 80, 4, 16],
    ]);
    expect([layout.size, layout.align]).toEqual([128, 64]);
  });

  test('a class aligned to 64 is padded to whole cache lines', () => {
    @Persistent({ name: 'OffLine', align: 64 })
    class Line {
      @Field('u32') a!: number;
    }
    expect([resolveLayout(Line).size, resolveLayout(Line).align]).toEqual([64, 64]);
  });

  test('an align lower than the natural one changes nothing', () => {
    @Persistent({ name: 'OffLow', align: 2 })
    class Low {
      @Field('u8') a!: number;
      @Field('f64', { align: 4 }) b!: number;
    }
    expect(placement(resolveLayout(Low))).toEqual([
      ['a', 'scalar', 0, 1, 1],
      ['b', 'scalar', 8, 8, 8],
    ]);
    expect(resolveLayout(Low).align).toBe(8);
  });

  test('an embedded struct aligned to 64 aligns the field that holds it', () => {
    @Persistent({ name: 'OffAlignedInner', align: 64 })
    class AlignedInner {
      @Field('u8') a!: number;
    }
    @Persistent({ name: 'OffHolder' })
    class Holder {
      @Field('u8') b!: number;
      @Field({ type: 'struct', of: () => AlignedInner }) inner!: AlignedInner;
    }
    expect(placement(resolveLayout(Holder))).toEqual([
      ['b', 'scalar', 0, 1, 1],
      ['inner', 'struct', 64, 64, 64],
    ]);
  });
});

describe('inheritance', () => {
  @Persistent({ name: 'OffBase' })
  class Base {
    @Field('u8') id!: number;
  }

  @Persistent({ name: 'OffDerived', typeNum: 4242 })
  class Derived extends Base {
    @Field('f64') score!: number;
  }

  @Persistent({ name: 'OffMost' })
  class Most extends Derived {
    @Field('u16') extra!: number;
  }

  test("a subclass appends its fields after its parents', which keep their offsets", () => {
    expect(placement(resolveLayout(Derived))).toEqual([
      ['id', 'scalar', 0, 1, 1],
      ['score', 'scalar', 8, 8, 8],
    ]);
    expect(placement(resolveLayout(Most))).toEqual([
      ['id', 'scalar', 0, 1, 1],
      ['score', 'scalar', 8, 8, 8],
      ['extra', 'scalar', 16, 2, 2],
    ]);
    expect(resolveLayout(Base).fields.map((f) => f.name)).toEqual(['id']);
  });

  test('options are not inherited: each class has its own name and type number', () => {
    expect([resolveLayout(Base).name, resolveLayout(Derived).name, resolveLayout(Most).name]).toEqual(['OffBase', 'OffDerived', 'OffMost']);
    expect(resolveLayout(Derived).typeNum).toBe(4242);
    expect(resolveLayout(Most).typeNum).not.toBe(4242);
  });

  test('a subclass without fields of its own has its parent fields', () => {
    @Persistent({ name: 'OffSame' })
    class Same extends Base {}
    expect(placement(resolveLayout(Same))).toEqual([['id', 'scalar', 0, 1, 1]]);
  });

  test('a subclass cannot redeclare a parent field', () => {
    @Persistent({ name: 'OffRedeclares' })
    class Redeclares extends Base {
      @Field('u32') override id = 0;
    }
    expect(() => resolveLayout(Redeclares)).toThrow(/Redeclares\.id: redeclares a field of a parent class/);
  });

  test('a subclass that is not @Persistent itself is not a layout', () => {
    class Plain extends Base {}
    expect(() => resolveLayout(Plain)).toThrow(LayoutDefinitionError);
    expect(() => resolveLayout(Plain)).toThrow(/Plain: is not decorated with @Persistent\(\)/);
  });
});

test('an empty class is an error', () => {
  @Persistent()
  class Empty {}
  expect(() => resolveLayout(Empty)).toThrow(/Empty: has no fields; .*at least one field.*@Field\('u32'\)/);
});

test('layouts are computed once per class', () => {
  expect(resolveLayout(Point)).toBe(resolveLayout(Point));
});
