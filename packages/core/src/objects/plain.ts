/**
 * Conversion between live objects and plain data (class-transformer interop). Both directions walk
 * the object graph with an explicit stack, so a chain of any length converts without deep recursion.
 *
 * Plain format: each object is a record of its persistent fields; an embedded struct is a nested
 * record; a ref is the referred object's record the first time the walk meets it (depth first, in
 * field order) and `{ $ref: 'Class@offset' }` every later time; an object some `$ref` names carries
 * `$id: 'Class@offset'` as its first key. Ids are opaque labels to fromPlain. A map is an array of
 * `[key, value]` pairs in key order and a vector an array of its elements; a ref value in either is
 * written like a ref field's (inlined the first time, `{ $ref }` later). A counter is its value (a
 * bigint), which fromPlain assigns.
 */
import { plainToInstance, instanceToPlain } from 'class-transformer';
import type { PMap, PVector } from '../collections';
import type { PCounter } from '../counters';
import { FieldValueError } from '../errors';
import type { FieldLayout, TypeLayout } from '../layout';
import type { Pool } from '../pool/Pool';
import type { PersistentClass } from '../layout';
import { runTransaction } from '../tx/runTransaction';
import { LAYOUT, STATE, isStructView, isView, type View } from './view-state';

/** One object in the plain format: its persistent fields by name (see the module comment for refs, maps and vectors). */
export type Plain = Record<string, unknown>;

// --- toPlain ----------------------------------------------------------------------------------

/** A place in one object's output that holds a ref placeholder: the referred object's record or a `$ref` goes there. */
interface RefSlot {
  holder: Plain;
  prop: string;
  key: string;
  target: View;
  /** Decided by the walk: the first visit of an object inlines it, later ones refer to it. */
  inline: boolean;
}

/** One object's transformed output and the ref slots in it. */
interface Converted {
  out: Plain;
  slots: RefSlot[];
}

/**
 * A plain snapshot of `obj` (a live object or an embedded struct view): every persistent field,
 * refs followed, bigints and Dates kept, bytes as Uint8Array. Each object and struct is passed
 * through class-transformer as an instance of its own class, so their @Exclude/@Expose/@Transform
 * decorators apply (a decorator on a ref field sees `{ $ref }` or null). Shared objects and cycles
 * become `$id`/`$ref` pairs that fromPlain links again.
 * @throws {TypeError} when obj is not a live persistent object.
 * @throws {InvalidObjectError} when obj was freed. @throws {PoolClosedError} when its pool is closed.
 * @throws {PoolCorruptError} DANGLING_REF or FIELD_CORRUPT when a field read meets invalid pool data.
 */
export function toPlain(obj: object): Plain {
  if (!isView(obj)) throw new TypeError('toPlain: expected a live persistent object');
  const converted = new Map<string, Converted>();
  const referenced = new Set<string>();
  const rootKey = isStructView(obj) ? '' : keyOf(obj); // a struct is never the target of a ref
  const stack: RefSlot[] = [];
  const visit = (key: string, view: View) => {
    const c = convert(view);
    converted.set(key, c);
    for (let i = c.slots.length - 1; i >= 0; i--) stack.push(c.slots[i]);
  };
  // Depth first over ref slots in document order, so an object's record comes before any $ref to it.
  visit(rootKey, obj);
  while (stack.length > 0) {
    const slot = stack.pop()!;
    slot.inline = !converted.has(slot.key);
    if (slot.inline) visit(slot.key, slot.target);
    else referenced.add(slot.key);
  }
  // Records are final before any is linked, so an id can be the first key of its record.
  const final = new Map<string, Plain>();
  for (const [key, c] of converted) final.set(key, referenced.has(key) ? { $id: key, ...c.out } : c.out);
  for (const [key, c] of converted) {
    for (const slot of c.slots) {
      const holder = slot.holder === c.out ? final.get(key)! : slot.holder;
      holder[slot.prop] = slot.inline ? final.get(slot.key)! : { $ref: slot.key };
    }
  }
  return final.get(rootKey)!;
}

function keyOf(view: View): string {
  const state = view[STATE];
  return `${state.layout.name}@${state.offset}`;
}

/** One object through its class's decorators, its refs left as `{ $ref }` placeholders. */
function convert(view: View): Converted {
  const targets = new Map<string, View>();
  const out = transformed(view[LAYOUT], fieldsOf(view, targets));
  return { out, slots: slotsIn(out, targets) };
}

/**
 * The fields of a view (an object or a struct) as class-transformer input: structs converted by their
 * own class, refs replaced by `{ $ref }` (their targets collected in `targets`), maps and vectors as
 * arrays, bytes as Buffers, which class-transformer copies (it empties a plain Uint8Array).
 */
function fieldsOf(view: View, targets: Map<string, View>): Plain {
  const layout = view[LAYOUT];
  const source = view as unknown as Plain;
  const flat: Plain = {};
  for (const field of layout.fields) {
    const value = source[field.name];
    if (field.kind === 'struct') {
      flat[field.name] = transformed(field.struct!, fieldsOf(value as View, targets));
    } else if (field.kind === 'map') {
      flat[field.name] = Array.from(value as PMap, ([k, v]) => [inputOf(k, targets), inputOf(v, targets)]);
    } else if (field.kind === 'vector') {
      flat[field.name] = Array.from(value as PVector, (v) => inputOf(v, targets));
    } else if (field.kind === 'counter') {
      flat[field.name] = (value as PCounter).value;
    } else {
      flat[field.name] = inputOf(value, targets);
    }
  }
  return flat;
}

/** One value as class-transformer input: a live object as a `{ $ref }` placeholder, bytes as a Buffer. */
function inputOf(value: unknown, targets: Map<string, View>): unknown {
  if (isView(value)) {
    const key = keyOf(value);
    targets.set(key, value);
    return { $ref: key };
  }
  return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.length) : value;
}

function transformed(layout: TypeLayout, flat: Plain): Plain {
  return instanceToPlain(plainToInstance(layout.ctor as new () => object, flat)) as Plain;
}

/**
 * The ref placeholders in a transformed output, in document order (depth first through nested
 * records and arrays: structs, maps and vectors unless a decorator made something else); Buffers
 * become Uint8Arrays again.
 */
function slotsIn(out: Plain, targets: Map<string, View>): RefSlot[] {
  const slots: RefSlot[] = [];
  const seen = new Set<object>([out]);
  const stack: [Plain, string][] = [];
  const pushProps = (holder: Plain | unknown[]) => {
    const props = Object.keys(holder);
    for (let i = props.length - 1; i >= 0; i--) stack.push([holder as Plain, props[i]]);
  };
  pushProps(out);
  while (stack.length > 0) {
    const [holder, prop] = stack.pop()!;
    const value = holder[prop];
    if (value instanceof Buffer) holder[prop] = new Uint8Array(value);
    if (!(isRecord(value) || Array.isArray(value)) || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      pushProps(value);
      continue;
    }
    const target = typeof value.$ref === 'string' ? targets.get(value.$ref) : undefined;
    if (target !== undefined) slots.push({ holder, prop, key: value.$ref as string, target, inline: false });
    else pushProps(value);
  }
  return slots;
}

// --- fromPlain --------------------------------------------------------------------------------

/** A record to write into `target` (an object or a struct view of it), reached from its parent by `segment`. */
interface Frame {
  target: Plain;
  layout: TypeLayout;
  plain: Plain;
  /** Whether `target` is a whole object (which may carry `$id`) rather than an embedded struct. */
  object: boolean;
  parent: Frame | null;
  segment: string;
}

/** A ref (a field, a map value or a vector element) whose value is `{ $ref }`, linked once every object of the input exists. */
interface PendingRef {
  frame: Frame;
  /** The ref's place below `frame`, for errors: `next`, `byId[3].value`, `recent[0]`. */
  where: string;
  id: string;
  link: (target: object | null) => void;
}

/**
 * Creates an object of `Class` from plain data inside one transaction: scalar fields are assigned,
 * embedded structs filled, refs given as plain records are created (their class is the ref's
 * target), refs given as live objects linked, `{ $ref: id }` linked to the object of this input whose
 * `$id` is `id` (before or after it), and one JS record reached twice becomes one object. A map field
 * takes an array of `[key, value]` pairs and a vector field an array of elements (filled with
 * `set`/`push`; a ref value is written like a ref field's). A key whose value is undefined is skipped
 * (JSON has no undefined). Field names are the persistent ones: class-transformer decorators are not
 * applied in reverse.
 * @throws {FieldValueError} naming the path (`Customer.last.next`, `Bank.byId[3].value`) when a value
 *   does not fit, a key is not a field, a ref is neither a record, a live object nor null, a `$ref`
 *   names no `$id` of this input, or a map entry is not a pair or repeats a key. The transaction is
 *   aborted: nothing is created.
 * @throws {TypeError} when `plain` is not a plain record.
 */
export function fromPlain<T extends object>(pool: Pool, Class: PersistentClass<T>, plain: Record<string, unknown>): T {
  if (!isRecord(plain, Class) || isView(plain)) throw new TypeError('fromPlain: plain must be a plain object (a record of field values)');
  return runTransaction(pool, () => new GraphBuilder(pool).build(Class, plain));
}

class GraphBuilder {
  private readonly made = new Map<object, object>();
  private readonly ids = new Map<string, object>();
  private readonly stack: Frame[] = [];
  private readonly pending: PendingRef[] = [];

  constructor(private readonly pool: Pool) {}

  build<T extends object>(Class: PersistentClass<T>, plain: Plain): T {
    const root = this.create(Class, plain, null, '');
    while (this.stack.length > 0) this.fill(this.stack.pop()!);
    for (const ref of this.pending) {
      const target = this.ids.get(ref.id);
      if (target === undefined) throw fieldError(ref.frame, ref.where, `$ref '${ref.id}' names no object with that $id in this input`);
      this.guarded(ref.frame, ref.where, () => ref.link(target));
    }
    return root as T;
  }

  /** Creates the object for `plain` and queues its fields. */
  private create(Class: PersistentClass, plain: Plain, parent: Frame | null, segment: string): object {
    const obj = this.pool.create(Class);
    this.made.set(plain, obj);
    const layout = (obj as unknown as View)[LAYOUT];
    const frame: Frame = {
      target: obj as Plain, layout, plain, object: true, parent, segment: parent === null ? layout.name : segment,
    };
    if (Object.hasOwn(plain, '$id')) {
      const id = plain.$id;
      if (typeof id !== 'string') throw fieldError(frame, '$id', `expected a string, got ${kindOf(id)}`);
      if (this.ids.has(id)) throw fieldError(frame, '$id', `'${id}' is the $id of another object of this input`);
      this.ids.set(id, obj);
    }
    this.stack.push(frame);
    return obj;
  }

  private fill(frame: Frame): void {
    const fields = fieldMap(frame.layout);
    for (const key of Object.keys(frame.plain)) {
      if (key === '$id' && frame.object) continue;
      const field = fields.get(key);
      if (field === undefined) {
        const why = key === '$ref'
          ? '$ref is allowed only as the single key of a reference'
          : `${frame.layout.name} has no persistent field '${key}'`;
        throw fieldError(frame, key, why);
      }
      const value = frame.plain[key];
      if (value === undefined) continue; // as JSON.stringify would drop it: the field keeps its zero
      if (field.kind === 'ref') {
        this.ref(frame, field.name, field, value, (t) => {
          frame.target[field.name] = t;
        });
      }
      else if (field.kind === 'struct') this.struct(frame, field, value);
      else if (field.kind === 'map') this.map(frame, field, value);
      else if (field.kind === 'vector') this.vector(frame, field, value);
      else this.assign(frame, field.name, value);
    }
  }

  /**
   * A ref at `where` (a field, a map value or a vector element of `field`, whose target class it
   * names): null, a live object, `{ $ref }` (linked to null now, to its target at the end) or a record
   * to create. `link` stores the result.
   */
  private ref(frame: Frame, where: string, field: FieldLayout, value: unknown, link: (target: object | null) => void): void {
    const Target = field.target!() as PersistentClass;
    const store = (target: object | null) => this.guarded(frame, where, () => link(target));
    if (value === null) return store(null);
    if (isView(value)) {
      if (isStructView(value)) throw fieldError(frame, where, 'an embedded struct cannot be referenced');
      return store(value);
    }
    if (!isRecord(value, Target)) {
      throw fieldError(frame, where, `expected a ${field.targetName} record, a live ${field.targetName} or null, got ${kindOf(value)}`);
    }
    if (Object.hasOwn(value, '$ref')) {
      const id = value.$ref;
      if (typeof id !== 'string') throw fieldError(frame, `${where}.$ref`, `expected a string, got ${kindOf(id)}`);
      if (Object.keys(value).length !== 1) throw fieldError(frame, where, 'a { $ref } record has no other keys');
      store(null); // holds the place (a map key, a vector index) until every $id is known
      this.pending.push({ frame, where, id, link });
      return;
    }
    store(this.made.get(value) ?? this.create(Target, value, frame, where));
  }

  private struct(frame: Frame, field: FieldLayout, value: unknown): void {
    const layout = field.struct!;
    if (isView(value) && value[LAYOUT] === layout) return this.assign(frame, field.name, value);
    if (!isRecord(value, layout.ctor) || isView(value)) {
      throw fieldError(frame, field.name, `expected a ${layout.name} record, got ${kindOf(value)}`);
    }
    const target = frame.target[field.name] as Plain;
    this.stack.push({ target, layout, plain: value, object: false, parent: frame, segment: field.name });
  }

  /** A map field from `[key, value]` pairs, each key new to the map. */
  private map(frame: Frame, field: FieldLayout, value: unknown): void {
    if (!Array.isArray(value)) throw fieldError(frame, field.name, `expected an array of [key, value] pairs, got ${kindOf(value)}`);
    const map = frame.target[field.name] as PMap;
    for (let i = 0; i < value.length; i++) {
      const entry: unknown = value[i];
      const at = `${field.name}[${i}]`;
      if (!Array.isArray(entry) || entry.length !== 2) throw fieldError(frame, at, `expected a [key, value] pair, got ${kindOf(entry)}`);
      const [key, element] = entry as [unknown, unknown];
      if (this.guarded(frame, `${at}.key`, () => map.has(key))) throw fieldError(frame, `${at}.key`, `the key ${String(key)} appears twice`);
      const link = (v: unknown) => map.set(key, v);
      if (field.target !== undefined) this.ref(frame, `${at}.value`, field, element, link);
      else this.guarded(frame, `${at}.value`, () => link(element));
    }
  }

  /** A vector field from an array of its elements. */
  private vector(frame: Frame, field: FieldLayout, value: unknown): void {
    if (!Array.isArray(value)) throw fieldError(frame, field.name, `expected an array, got ${kindOf(value)}`);
    const vector = frame.target[field.name] as PVector;
    for (let i = 0; i < value.length; i++) {
      // The first store pushes; a pending $ref's later one replaces the placeholder at i.
      const link = (v: unknown) => (i < vector.length ? vector.set(i, v) : vector.push(v));
      if (field.target !== undefined) this.ref(frame, `${field.name}[${i}]`, field, value[i], link);
      else this.guarded(frame, `${field.name}[${i}]`, () => link(value[i]));
    }
  }

  /** Stores through the field's accessor, naming the path in a codec's FieldValueError. */
  private assign(frame: Frame, name: string, value: unknown): void {
    this.guarded(frame, name, () => {
      frame.target[name] = value;
    });
  }

  /** Runs a store; a codec's FieldValueError is re-thrown with the path to `where`. */
  private guarded<R>(frame: Frame, where: string, store: () => R): R {
    try {
      return store();
    } catch (error) {
      if (!(error instanceof FieldValueError)) throw error;
      throw fieldError(frame, where, error.detail);
    }
  }
}

const fieldMaps = new WeakMap<TypeLayout, Map<string, FieldLayout>>();

/** Field lookup by name in a Map, so keys such as `__proto__` or `constructor` never match Object.prototype. */
function fieldMap(layout: TypeLayout): Map<string, FieldLayout> {
  let map = fieldMaps.get(layout);
  if (map === undefined) fieldMaps.set(layout, (map = new Map(layout.fields.map((f) => [f.name, f]))));
  return map;
}

/** Segments shown at each end of a long path; the middle is counted, not spelt out. */
const PATH_ENDS = 6;

/** A FieldValueError whose type is the root class and whose field is the dotted path below it. */
function fieldError(frame: Frame, key: string, message: string): FieldValueError {
  const segments = [key];
  for (let f: Frame | null = frame; f !== null; f = f.parent) segments.push(f.segment);
  segments.reverse();
  const root = segments.shift()!;
  const path =
    segments.length <= 2 * PATH_ENDS
      ? segments.join('.')
      : [...segments.slice(0, PATH_ENDS), `…${segments.length - 2 * PATH_ENDS} more…`, ...segments.slice(-PATH_ENDS)].join('.');
  return new FieldValueError(root, path, message);
}

/** A record of field values: a plain object, or an instance of `Class` (e.g. from class-transformer). */
function isRecord(value: unknown, Class?: abstract new (...args: never[]) => unknown): value is Plain {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || (typeof Class === 'function' && value instanceof Class);
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return typeof value.constructor === 'function' ? `a ${value.constructor.name}` : 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return `the ${typeof value} ${String(value)}`;
}
