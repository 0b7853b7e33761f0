import 'reflect-metadata';
import {
  Field,
  Persistent,
  Ref,
  LayoutDefinitionError,
  getRecordedLayout,
  isPersistentClass,
  persistentNameOf,
  LAYOUT_KEY,
  type FieldType,
} from '@pmemts/decorators';
import { resolveLayout } from '../../packages/core/src/layout';

/** The LayoutDefinitionError `fn` throws; fails the test when it throws nothing or something else. */
function definitionError(fn: () => unknown): LayoutDefinitionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LayoutDefinitionError);
    return error as LayoutDefinitionError;
  }
  throw new Error('expected a LayoutDefinitionError');
}

/** Applies @Field(type) by hand to a fresh class that has no emitted metadata. */
function fieldOn(className: string, property: string, type?: FieldType, options?: { align?: number }): Function {
  const ctor = { [className]: class {} }[className];
  Field(type, options)(ctor.prototype, property);
  return ctor;
}

describe('recorded metadata', () => {
  @Persistent({ name: 'MetaAccount', version: 3, align: 16, memory: { writePolicy: 'write-through' } })
  class Account {
    @Field('u64') id!: bigint;
    @Field({ type: 'string', maxBytes: 32 }) owner!: string;
    @Ref(() => Account, { align: 16 }) next!: Account | null;
  }

  test('fields in declaration order, options as given, on a Symbol.for key of the class', () => {
    const recorded = getRecordedLayout(Account)!;
    expect(recorded.ctor).toBe(Account);
    expect(recorded.options).toEqual({ name: 'MetaAccount', version: 3, align: 16, memory: { writePolicy: 'write-through' } });
    expect(recorded.fields.map((f) => f.name)).toEqual(['id', 'owner', 'next']);
    expect(recorded.fields[0].spec).toEqual({ kind: 'scalar', scalar: 'u64' });
    expect(recorded.fields[1].spec).toEqual({ kind: 'string', maxBytes: 32 });
    expect(recorded.fields[2].spec).toMatchObject({ kind: 'ref', align: 16 });
    expect(LAYOUT_KEY).toBe(Symbol.for('pmemts.layout'));
    expect(Object.getOwnPropertyDescriptor(Account, LAYOUT_KEY)?.enumerable).toBe(false);
    expect(Object.keys(new Account())).not.toContain(LAYOUT_KEY);
  });

  test('the class memory settings reach the layout untouched', () => {
    expect(resolveLayout(Account).memory).toEqual({ writePolicy: 'write-through' });
    expect([resolveLayout(Account).version, resolveLayout(Account).align]).toEqual([3, 16]);
  });

  test('isPersistentClass and persistentNameOf', () => {
    class Undecorated {}
    expect(isPersistentClass(Account)).toBe(true);
    expect(isPersistentClass(Undecorated)).toBe(false);
    expect(isPersistentClass(undefined)).toBe(false);
    expect(persistentNameOf(Account)).toBe('MetaAccount');
    expect(persistentNameOf(Undecorated)).toBe('Undecorated');
  });

  test('a subclass records only its own fields; its parent keeps its own', () => {
    @Persistent({ name: 'MetaChild' })
    class Child extends Account {
      @Field('u8') flag!: number;
    }
    expect(getRecordedLayout(Child)!.fields.map((f) => f.name)).toEqual(['flag']);
    expect(getRecordedLayout(Account)!.fields.map((f) => f.name)).toEqual(['id', 'owner', 'next']);
    expect(getRecordedLayout(class NotDecorated extends Account {})).toBeUndefined();
  });

  test('every object form, explicitly, with per-field align', () => {
    @Persistent({ name: 'MetaForms' })
    class Forms {
      @Field({ type: 'u32' }) a!: number;
      @Field('u32', { align: 64 }) b!: number;
      @Field({ type: 'i16', align: 8 }) c!: number;
      @Field({ type: 'heapString' }) d!: string;
      @Field({ type: 'heapBytes' }) e!: Uint8Array;
      @Field({ type: 'bytes', length: 7 }) f!: Uint8Array;
      @Field({ type: 'array', of: 'timestamp', length: 2 }) g!: Date[];
      @Field({ type: 'struct', of: () => Account, align: 32 }) h!: Account;
    }
    const specs = getRecordedLayout(Forms)!.fields.map((f) => f.spec);
    expect(specs).toEqual([
      { kind: 'scalar', scalar: 'u32' },
      { kind: 'scalar', scalar: 'u32', align: 64 },
      { kind: 'scalar', scalar: 'i16', align: 8 },
      { kind: 'heapString' },
      { kind: 'heapBytes' },
      { kind: 'bytes', length: 7 },
      { kind: 'array', scalar: 'timestamp', length: 2 },
      { kind: 'struct', of: expect.any(Function), align: 32 },
    ]);
  });
});

describe('inference from design:type', () => {
  test('number → f64, boolean → bool, Date → timestamp, bigint → i64', () => {
    @Persistent({ name: 'MetaInferred' })
    class Inferred {
      @Field() n!: number;
      @Field() b!: boolean;
      @Field() d!: Date;
      @Field() big!: bigint;
      @Field() optional?: number;
    }
    expect(getRecordedLayout(Inferred)!.fields.map((f) => f.spec)).toEqual([
      { kind: 'scalar', scalar: 'f64' },
      { kind: 'scalar', scalar: 'bool' },
      { kind: 'scalar', scalar: 'timestamp' },
      { kind: 'scalar', scalar: 'i64' },
      { kind: 'scalar', scalar: 'f64' },
    ]);
  });

  test('an explicit type wins over design:type', () => {
    @Persistent({ name: 'MetaExplicit' })
    class Explicit {
      @Field('u8') n!: number;
    }
    expect(getRecordedLayout(Explicit)!.fields[0].spec).toEqual({ kind: 'scalar', scalar: 'u8' });
  });

  test('without emitted metadata every type is explicit and works', () => {
    const ctor = fieldOn('MetaPlain', 'n', 'u16');
    Field({ type: 'string', maxBytes: 8 })(ctor.prototype, 's');
    Ref(() => ctor as never)(ctor.prototype, 'self');
    Persistent()(ctor);
    const layout = resolveLayout(ctor);
    expect(layout.fields.map((f) => [f.name, f.kind, f.offset])).toEqual([
      ['n', 'scalar', 0],
      ['s', 'string', 4],
      ['self', 'ref', 16],
    ]);
  });
});

describe('missing or ambiguous metadata names the class, the property and the fix', () => {
  test('no design:type (emitDecoratorMetadata off)', () => {
    const e = definitionError(() => fieldOn('NoMeta', 'count'));
    expect([e.className, e.property, e.code, e.name]).toEqual(['NoMeta', 'count', 'LAYOUT_DEFINITION', 'LayoutDefinitionError']);
    expect(e.message).toMatch(/^NoMeta\.count: no design:type metadata.*emitDecoratorMetadata.*@Field\('f64'\)/);
  });

  test('String needs a capacity', () => {
    const e = definitionError(() => {
      class Account {
        @Field() owner!: string;
      }
      return Account;
    });
    expect(e.message).toMatch(/^Account\.owner: cannot infer a field type from design:type String; give a capacity: @Field\(\{ type: 'string', maxBytes: 64 \}\)/);
    expect(e.message).toMatch(/heapString/);
  });

  test('Array', () => {
    const e = definitionError(() => {
      class Series {
        @Field() values!: number[];
      }
      return Series;
    });
    expect(e.message).toMatch(/^Series\.values: cannot infer .*design:type Array; .*@Field\(\{ type: 'array', of: 'u32', length: 8 \}\)/);
  });

  test('Object: a union, an interface, any', () => {
    interface Shape {
      sides: number;
    }
    const union = definitionError(() => {
      class U {
        @Field() value!: number | string;
      }
      return U;
    });
    expect(union.message).toMatch(/^U\.value: cannot infer .*design:type Object \(a union, interface, any or unknown type\); give the type explicitly: @Field\('u32'\)/);
    const iface = definitionError(() => {
      class I {
        @Field() shape!: Shape;
      }
      return I;
    });
    expect(iface.message).toMatch(/^I\.shape: cannot infer .*Object/);
    const any = definitionError(() => {
      class A {
        @Field() loose!: any; // eslint-disable-line @typescript-eslint/no-explicit-any
      }
      return A;
    });
    expect(any.message).toMatch(/^A\.loose: cannot infer .*Object/);
  });

  test('Uint8Array', () => {
    const e = definitionError(() => {
      class B {
        @Field() raw!: Uint8Array;
      }
      return B;
    });
    expect(e.message).toMatch(/^B\.raw: .*Uint8Array; .*'bytes', length: 16.*heapBytes/);
  });

  test('a @Persistent class: embed it or refer to it', () => {
    @Persistent({ name: 'MetaWhere' })
    class Where {
      @Field('f32') lat!: number;
    }
    const e = definitionError(() => {
      class Trip {
        @Field() from!: Where;
      }
      return Trip;
    });
    expect(e.message).toMatch(/^Trip\.from: cannot infer .*design:type Where; embed it with @Field\(\{ type: 'struct', of: \(\) => Where \}\) or point at it with @Ref\(\(\) => Where\)/);
  });

  test('another class, or a function-typed property', () => {
    const map = definitionError(() => {
      class M {
        @Field() index!: Map<string, number>;
      }
      return M;
    });
    expect(map.message).toMatch(/^M\.index: cannot store a Map; give the type explicitly/);
    const fn = definitionError(() => {
      class F {
        @Field() callback!: () => void;
      }
      return F;
    });
    expect(fn.message).toMatch(/^F\.callback: cannot store a Function/);
  });

  test('a static member, a method, an accessor', () => {
    const s = definitionError(() => {
      class S {
        @Field('u32') static count: number;
      }
      return S;
    });
    expect(s.message).toMatch(/^S\.count: @Field cannot decorate a static member.*remove static/);
    const m = definitionError(() => {
      class M {
        @Field('u32') total(): number {
          return 0;
        }
      }
      return M;
    });
    expect(m.message).toMatch(/^M\.total: @Field cannot decorate a method; put it on a plain property/);
    const a = definitionError(() => {
      class A {
        @Ref(() => A) get self(): A {
          return this;
        }
      }
      return A;
    });
    expect(a.message).toMatch(/^A\.self: @Ref cannot decorate an accessor/);
  });

  test('unknown type names and forms', () => {
    expect(definitionError(() => fieldOn('T1', 'x', 'u128' as never)).message).toMatch(
      /^T1\.x: unknown field type "u128"; use one of u8, i8, u16, i16, u32, i32, u64, i64, f32, f64, bool, timestamp/,
    );
    expect(definitionError(() => fieldOn('T2', 'x', { type: 'text' } as never)).message).toMatch(/^T2\.x: unknown field type "text"; .*'string'.*'struct'/);
    expect(definitionError(() => fieldOn('T3', 'x', { type: 'toString' } as never)).message).toMatch(/unknown field type "toString"/);
    expect(definitionError(() => fieldOn('T6', 'x', { type: 'scalar' } as never)).message).toMatch(/unknown field type "scalar"/);
    expect(definitionError(() => fieldOn('T4', 'x', 42 as never)).message).toMatch(/^T4\.x: the field type must be a scalar name or an object form/);
    expect(definitionError(() => fieldOn('T5', 'x', null as never)).message).toMatch(/^T5\.x: the field type must be/);
  });

  test('bad maxBytes, length and of', () => {
    const cases: [FieldType, RegExp][] = [
      [{ type: 'string', maxBytes: 0 }, /a string field needs maxBytes.*maxBytes: 64.*got 0/],
      [{ type: 'string', maxBytes: 1.5 }, /maxBytes.*got 1.5/],
      [{ type: 'string' } as never, /maxBytes.*got undefined/],
      [{ type: 'bytes', length: -1 }, /a bytes field needs length.*got -1/],
      [{ type: 'array', of: 'u32', length: 0 }, /an array field needs length.*got 0/],
      [{ type: 'array', of: 'string', length: 4 } as never, /an array field needs 'of', one of u8/],
      [{ type: 'struct', of: 'Point' } as never, /a struct field needs a function returning the @Persistent class/],
    ];
    for (const [type, message] of cases) expect(definitionError(() => fieldOn('Bad', 'x', type)).message).toMatch(message);
  });

  test('misspelt or misplaced options', () => {
    expect(definitionError(() => fieldOn('K1', 'x', { type: 'string', maxbytes: 8 } as never)).message).toMatch(
      /^K1\.x: a string field takes type, maxBytes, align; remove maxbytes/,
    );
    expect(definitionError(() => fieldOn('K2', 'x', { type: 'u32', length: 4 } as never)).message).toMatch(/a scalar field takes type, align; remove length/);
    expect(definitionError(() => Ref(() => Object as never, { align: 8, nullable: true } as never)({}, 'r')).message).toMatch(/@Ref takes only \{ align \}; remove nullable/);
  });

  test('bad alignments', () => {
    expect(definitionError(() => fieldOn('A1', 'x', 'u8', { align: 3 })).message).toMatch(/^A1\.x: align must be a power of two from 1 to 4096.*got 3/);
    expect(definitionError(() => fieldOn('A2', 'x', { type: 'u8', align: 8192 })).message).toMatch(/got 8192/);
    expect(definitionError(() => fieldOn('A3', 'x', { type: 'u8', align: 8 }, { align: 16 })).message).toMatch(/align is given twice \(8 and 16\)/);
    expect(definitionError(() => Ref(() => Object as never, { align: 0 })({}, 'r')).message).toMatch(/align must be a power of two/);
  });

  test('a class instead of a thunk', () => {
    @Persistent({ name: 'MetaPeer' })
    class Peer {
      @Field('u8') a!: number;
    }
    expect(definitionError(() => Ref(Peer as never)({}, 'peer')).message).toMatch(/@Ref needs a function returning the class, not the class itself: @Ref\(\(\) => Peer\)/);
    expect(definitionError(() => fieldOn('C1', 'p', { type: 'struct', of: Peer } as never)).message).toMatch(
      /a struct field needs a function returning the class, not the class itself: @Field\(\{ type: 'struct', of: \(\) => Peer \}\)/,
    );
    expect(definitionError(() => Ref('Peer' as never)({}, 'peer')).message).toMatch(/@Ref needs a function returning the @Persistent class/);
  });

  test('a property declared twice, and a symbol key', () => {
    const ctor = fieldOn('Twice', 'x', 'u8');
    expect(definitionError(() => Field('u16')(ctor.prototype, 'x')).message).toMatch(/^Twice\.x: is declared twice/);
    expect(definitionError(() => Field('u8')(ctor.prototype, Symbol('s'))).message).toMatch(/needs a string property name/);
  });

  test('a struct or ref target that is not @Persistent at layout time', () => {
    class Loose {
      @Field('u8') a!: number;
    }
    @Persistent({ name: 'MetaEmbedsLoose' })
    class EmbedsLoose {
      @Field({ type: 'struct', of: () => Loose }) loose!: Loose;
    }
    @Persistent({ name: 'MetaRefersLoose' })
    class RefersLoose {
      @Ref(() => Loose) loose!: Loose;
    }
    expect(definitionError(() => resolveLayout(EmbedsLoose)).message).toMatch(/^EmbedsLoose\.loose: embeds Loose, which is not @Persistent; decorate Loose with @Persistent\(\)/);
    expect(definitionError(() => resolveLayout(RefersLoose)).message).toMatch(/^RefersLoose\.loose: refers to Loose, which is not @Persistent/);
  });

  test('a target thunk that returns nothing or throws', () => {
    @Persistent({ name: 'MetaEarly' })
    class Early {
      @Ref(() => undefined as never) later!: unknown;
    }
    expect(definitionError(() => resolveLayout(Early)).message).toMatch(/^Early\.later: its target function returned undefined, not a class/);
    @Persistent({ name: 'MetaThrows' })
    class Throws {
      @Field({
        type: 'struct',
        of: () => {
          throw new ReferenceError("Cannot access 'Later' before initialization");
        },
      })
      later!: unknown;
    }
    const e = definitionError(() => resolveLayout(Throws));
    expect(e.message).toMatch(/^Throws\.later: its target function threw \(ReferenceError: Cannot access 'Later'/);
    expect(e.cause).toBeInstanceOf(ReferenceError);
  });
});

describe('@Persistent options', () => {
  const decorate = (options: object, name = 'Opt') => definitionError(() => Persistent(options as never)({ [name]: class {} }[name]));

  test('malformed options name the class and the option', () => {
    expect(decorate({ typeNum: 0 }).message).toMatch(/^Opt: typeNum must be an integer from 1 to 2147483391 .*got 0/);
    expect(decorate({ typeNum: 0x7fffff00 }).message).toMatch(/reserved by pmemts/);
    expect(decorate({ typeNum: 1.5 }).message).toMatch(/typeNum/);
    expect(decorate({ version: 0 }).message).toMatch(/^Opt: version must be an integer from 1/);
    expect(decorate({ align: 48 }).message).toMatch(/^Opt: align must be a power of two/);
    expect(decorate({ name: 'my-type' }).message).toMatch(/^Opt: name must be a C identifier.*"my-type"/);
    expect(decorate({ memory: 'fast' }).message).toMatch(/^Opt: memory must be an object/);
    expect(decorate({ typenum: 3 }).message).toMatch(/^Opt: @Persistent takes name, typeNum, version, align, memory; remove typenum/);
    expect(definitionError(() => Persistent(null as never)(class N {})).message).toMatch(/options must be an object/);
  });

  test('a class name that is not a C identifier needs an explicit name', () => {
    expect(decorate({}, 'Ünïcode').message).toMatch(/^Ünïcode: the class name "Ünïcode" is not a C identifier; give one: @Persistent\(\{ name: 'Account' \}\)/);
    expect(decorate({}, '').message).toMatch(/not a C identifier/);
    const ok = { ['Ünïcode2']: class {} }['Ünïcode2'];
    Persistent({ name: 'Unicode2' })(ok);
    expect(persistentNameOf(ok)).toBe('Unicode2');
  });

  test('decorating twice is an error', () => {
    @Persistent({ name: 'MetaOnce' })
    class Once {
      @Field('u8') a!: number;
    }
    expect(definitionError(() => Persistent()(Once)).message).toMatch(/^Once: is decorated with @Persistent twice/);
  });

  test('the error carries className and property', () => {
    const e = new LayoutDefinitionError('X', undefined, 'broken');
    expect([e.message, e.className, e.property]).toEqual(['X: broken', 'X', undefined]);
    expect(e).toBeInstanceOf(Error);
  });
});
