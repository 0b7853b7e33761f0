import 'reflect-metadata';
import { Field, Persistent, Ref, LayoutDefinitionError, FIRST_RESERVED_TYPE_NUM } from '@pmemts/decorators';
import {
  discoverLayouts,
  resolveLayout,
  resolveLayouts,
  typeNumOf,
  validateLayouts,
  LayoutStorage,
  type TypeLayout,
} from '../../packages/core/src/layout';

/** A fresh @Persistent class with one field, built at run time so tests can choose names freely. */
function persistentClass(name: string, options: { typeNum?: number; version?: number; field?: 'u8' | 'u16' } = {}): Function {
  const ctor = { [name]: class {} }[name];
  Field(options.field ?? 'u8')(ctor.prototype, 'value');
  Persistent({ typeNum: options.typeNum, version: options.version })(ctor);
  return ctor;
}

describe('type numbers', () => {
  test('derived from the type name by FNV-1a 32-bit, folded below the reserved range', () => {
    // 0xe40c292c is FNV-1a 32 of "a" in the reference test vectors.
    expect(typeNumOf('a')).toBe(1 + (0xe40c292c % (FIRST_RESERVED_TYPE_NUM - 1)));
    expect(typeNumOf('')).toBe(1 + (0x811c9dc5 % (FIRST_RESERVED_TYPE_NUM - 1)));
    for (const name of ['Account', 'Counter', 'x', 'a_very_long_type_name_with_digits_0123456789', 'Ünïcode']) {
      const n = typeNumOf(name);
      expect(n).toBe(typeNumOf(name));
      expect(Number.isInteger(n) && n >= 1 && n < FIRST_RESERVED_TYPE_NUM).toBe(true);
    }
    expect(typeNumOf('Account')).not.toBe(typeNumOf('account'));
  });

  test('the stable name, not the class name, decides the number; an explicit typeNum wins', () => {
    @Persistent({ name: 'DiscRenamed' })
    class Minified {
      @Field('u8') a!: number;
    }
    expect(resolveLayout(Minified).typeNum).toBe(typeNumOf('DiscRenamed'));
    expect(resolveLayout(persistentClass('DiscExplicit', { typeNum: 77 })).typeNum).toBe(77);
  });

  test('a collision of derived numbers is reported with the fix', () => {
    // Two names whose FNV-1a folds to the same number (found by search; both give 523687603).
    expect(typeNumOf('Type190929')).toBe(typeNumOf('Type264391'));
    const a = persistentClass('Type190929');
    const b = persistentClass('Type264391');
    expect(() => resolveLayouts([a, b])).toThrow(LayoutDefinitionError);
    expect(() => resolveLayouts([a, b])).toThrow(
      /^Type264391: type number 523687603 is also used by Type190929 \(numbers derived from names can collide\); give one of them @Persistent\(\{ typeNum \}\)$/,
    );
  });

  test('an explicit duplicate type number is reported', () => {
    const a = persistentClass('DiscDupA', { typeNum: 900 });
    const b = persistentClass('DiscDupB', { typeNum: 900 });
    expect(() => resolveLayouts([a, b])).toThrow(/^DiscDupB: type number 900 is also used by DiscDupA/);
  });

  test('two classes with one type name are reported', () => {
    const first = persistentClass('DiscSame');
    const second = persistentClass('DiscSame');
    expect(() => resolveLayouts([first, second])).toThrow(/^DiscSame: classes DiscSame and DiscSame both use this type name; rename one: @Persistent\(\{ name \}\)/);
  });

  test('validateLayouts refuses reserved numbers and bad alignments in hand-made layouts', () => {
    const good = resolveLayout(persistentClass('DiscHand'));
    expect(() => validateLayouts([{ ...good, typeNum: FIRST_RESERVED_TYPE_NUM + 1 }])).toThrow(/^DiscHand: type number 2147483393 is outside .*reserved by pmemts/);
    expect(() => validateLayouts([{ ...good, align: 3 }])).toThrow(/^DiscHand: alignment 3 is not a power of two/);
    expect(() => validateLayouts([{ ...good, fields: [{ ...good.fields[0], align: 8192 }] }])).toThrow(/^DiscHand\.value: alignment 8192/);
    expect(() => validateLayouts([{ ...good, size: 2 ** 40 }])).toThrow(/libpmemobj allocates at most/);
  });
});

describe('discovery', () => {
  @Persistent({ name: 'DiscLeaf' })
  class Leaf {
    @Field('u32') v!: number;
  }

  @Persistent({ name: 'DiscMid' })
  class Mid {
    @Field({ type: 'struct', of: () => Leaf }) leaf!: Leaf;
  }

  @Persistent({ name: 'DiscRoot' })
  class Root {
    @Field({ type: 'struct', of: () => Mid }) mid!: Mid;
    @Ref(() => Other) other!: Other | null;
    @Ref(() => Root) self!: Root | null;
  }

  // Declared after Root: the ref thunk resolves it lazily.
  @Persistent({ name: 'DiscOther' })
  class Other {
    @Field('u8') o!: number;
  }

  test('embedded structs and ref targets are pulled in, after the given classes', () => {
    expect(resolveLayouts([Root]).map((l) => l.name)).toEqual(['DiscRoot', 'DiscMid', 'DiscOther', 'DiscLeaf']);
    expect(resolveLayouts([Leaf, Root, Leaf]).map((l) => l.name)).toEqual(['DiscLeaf', 'DiscRoot', 'DiscMid', 'DiscOther']);
  });

  test('LayoutStorage finds layouts by class, name and type number', () => {
    const storage = discoverLayouts([Root]);
    expect(storage).toBeInstanceOf(LayoutStorage);
    expect(storage.size).toBe(4);
    expect(storage.get(Mid)).toBe(resolveLayout(Mid));
    expect(storage.getByName('DiscOther')?.ctor).toBe(Other);
    expect(storage.getByTypeNum(typeNumOf('DiscLeaf'))?.ctor).toBe(Leaf);
    expect(storage.has(Leaf)).toBe(true);
    expect(storage.get(class Elsewhere {})).toBeUndefined();
    expect(storage.getByName('Nope')).toBeUndefined();
    expect([...storage].map((l: TypeLayout) => l.name)).toEqual(storage.all().map((l) => l.name));
  });

  test('a LayoutStorage refuses layouts that cannot share a pool', () => {
    expect(() => new LayoutStorage([resolveLayout(Root)])).toThrow(/^DiscRoot\.other: refers to DiscOther, which is not among the pool's types; add it to types/);
    const a = resolveLayout(persistentClass('DiscStoreA', { typeNum: 901 }));
    const b = resolveLayout(persistentClass('DiscStoreB', { typeNum: 901 }));
    expect(() => new LayoutStorage([a, b])).toThrow(/type number 901 is also used by DiscStoreA/);
    expect(new LayoutStorage([a, a]).size).toBe(1);
  });

  test('a class embedding itself, directly or through another struct, is a cycle', () => {
    @Persistent({ name: 'DiscSelf' })
    class Self {
      @Field('u8') a!: number;
      @Field({ type: 'struct', of: () => Self }) again!: Self;
    }
    expect(() => resolveLayout(Self)).toThrow(
      /^Self\.again: embeds Self, which contains it \(Self → Self\), so it would be infinitely large; point at it with @Ref\(\(\) => Self\) instead$/,
    );

    @Persistent({ name: 'DiscPing' })
    class Ping {
      @Field({ type: 'struct', of: () => Pong }) pong!: unknown;
    }
    @Persistent({ name: 'DiscPong' })
    class Pong {
      @Field({ type: 'struct', of: () => Ping }) ping!: Ping;
    }
    expect(() => resolveLayout(Ping)).toThrow(/^Pong\.ping: embeds Ping, which contains it \(Ping → Pong → Ping\)/);
    // The failure is not cached: both stay unresolvable, and a ref breaks the cycle.
    expect(() => resolveLayout(Pong)).toThrow(/Ping\.pong: embeds Pong/);
  });

  test('refs may form cycles', () => {
    @Persistent({ name: 'DiscA' })
    class A {
      @Ref(() => B) b!: unknown;
    }
    @Persistent({ name: 'DiscB' })
    class B {
      @Ref(() => A) a!: A;
    }
    expect(resolveLayouts([A]).map((l) => l.name)).toEqual(['DiscA', 'DiscB']);
  });

  test('a non-class in types is a TypeError', () => {
    expect(() => resolveLayouts([42 as never])).toThrow(TypeError);
    expect(() => resolveLayouts([42 as never])).toThrow(/expected a @Persistent class, got 42/);
  });
});

describe('fingerprints', () => {
  test('a stable hex SHA-256, equal for equal layouts of different classes', () => {
    const a = resolveLayout(persistentClass('DiscPrint'));
    const b = resolveLayout(persistentClass('DiscPrint'));
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(b.fingerprint).toBe(a.fingerprint);
  });

  test('pinned: the schema catalog stores it, so its canonical form must not drift', () => {
    @Persistent({ name: 'DiscPinned', typeNum: 12345 })
    class Pinned {
      @Field('u32') id!: number;
      @Field({ type: 'string', maxBytes: 8 }) tag!: string;
      @Ref(() => Pinned) next!: Pinned | null;
    }
    expect(resolveLayout(Pinned).fingerprint).toBe(PINNED_FINGERPRINT);
  });

  test('changes when the layout changes: type, order, capacity, version, name, ref target', () => {
    const base = () => {
      const ctor = { DiscVariant: class {} }.DiscVariant;
      return ctor;
    };
    const build = (decorate: (proto: object) => void, options: { name?: string; version?: number } = {}) => {
      const ctor = base();
      decorate(ctor.prototype);
      Persistent({ name: options.name ?? 'DiscVariant', version: options.version })(ctor);
      return resolveLayout(ctor).fingerprint;
    };
    @Persistent({ name: 'DiscTargetOne' })
    class TargetOne {
      @Field('u8') a!: number;
    }
    @Persistent({ name: 'DiscTargetTwo' })
    class TargetTwo {
      @Field('u8') a!: number;
    }
    const variants = [
      build((p) => {
        Field('u32')(p, 'a');
        Field('u8')(p, 'b');
      }),
      build((p) => {
        Field('i32')(p, 'a');
        Field('u8')(p, 'b');
      }),
      build((p) => {
        Field('u8')(p, 'b');
        Field('u32')(p, 'a');
      }),
      build((p) => {
        Field('u32')(p, 'a');
        Field('u8', { align: 8 })(p, 'b');
      }),
      build(
        (p) => {
          Field('u32')(p, 'a');
          Field('u8')(p, 'b');
        },
        { version: 2 },
      ),
      build(
        (p) => {
          Field('u32')(p, 'a');
          Field('u8')(p, 'b');
        },
        { name: 'DiscVariant2' },
      ),
      build((p) => Field({ type: 'string', maxBytes: 8 })(p, 's')),
      build((p) => Field({ type: 'string', maxBytes: 9 })(p, 's')),
      build((p) => Field({ type: 'array', of: 'u8', length: 4 })(p, 's')),
      build((p) => Field({ type: 'bytes', length: 4 })(p, 's')),
      build((p) => Ref(() => TargetOne)(p, 'r')),
      build((p) => Ref(() => TargetTwo)(p, 'r')),
      build((p) => Field({ type: 'heapString' })(p, 'r')),
      build((p) => Field({ type: 'heapBytes' })(p, 'r')),
    ];
    expect(new Set(variants).size).toBe(variants.length);
  });

  test("an embedded struct's change changes the container's fingerprint", () => {
    const container = (innerField: 'u8' | 'u16') => {
      const inner = persistentClass('DiscInner', { field: innerField });
      const outer = { DiscOuter: class {} }.DiscOuter;
      Field({ type: 'struct', of: () => inner as never })(outer.prototype, 'inner');
      Persistent()(outer);
      return resolveLayout(outer).fingerprint;
    };
    expect(container('u8')).not.toBe(container('u16'));
    expect(container('u8')).toBe(container('u8'));
  });
});

// SHA-256 of JSON.stringify({ name, version, typeNum, size, align, fields: [{ name, kind, scalar, offset,
// size, length, maxBytes, struct, target }] }) of DiscPinned, computed by hand from that form.
const PINNED_FINGERPRINT = '51b69b2f4b1229fe5bace804c81f5c39b46cee9592bc710891273d737b8dee29';
