/**
 * Conversion between live objects and plain data (class-transformer interop). Both directions walk
 * the object graph with an explicit stack, so a chain of any length converts without deep recursion.
 *
 * Plain format: each object is a record of its persistent fields; an embedded struct is a nested
 * record; a ref is the referred object's record the first time the walk meets it (depth first, in
 * field order) and `{ $ref: 'Class@offset' }` every later time; an object some `$ref` names carries
 * `$id: 'Class@offset'` as its first key. Ids are opaque labels to fromPlain.
 */
import { plainToInstance, instanceToPlain } from 'class-transformer';
import { FieldValueError } from '../errors';
import type { FieldLayout, TypeLayout } from '../layout';
import type { Pool, PersistentClass } from '../pool/Pool';
import { runTransaction } from '../tx/runTransaction';
import { LAYOUT, STATE, isStructView, isView, type View } from './view-state';

type Plain = Record<string, unknown>;

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
 * own class, refs replaced by `{ $ref }` (their targets collected in `targets`), bytes as Buffers,
 * which class-transformer copies (it empties a plain Uint8Array).
 */
function fieldsOf(view: View, targets: Map<string, View>): Plain {
  const layout = view[LAYOUT];
  const source = view as unknown as Plain;
  const flat: Plain = {};
  for (const field of layout.fields) {
    const value = source[field.name];
    if (field.kind === 'ref' && isView(value)) {
      const key = keyOf(value);
      targets.set(key, value);
      flat[field.name] = { $ref: key };
    } else if (field.kind === 'struct') {
      flat[field.name] = transformed(field.struct!, fieldsOf(value as View, targets));
    } else if (value instanceof Uint8Array) {
      flat[field.name] = Buffer.from(value.buffer, value.byteOffset, value.length);
    } else {
      flat[field.name] = value;
    }
  }
  return flat;
}

function transformed(layout: TypeLayout, flat: Plain): Plain {
  return instanceToPlain(plainToInstance(layout.ctor as new () => object, flat)) as Plain;
}

/**
 * The ref placeholders in a transformed output, in document order (depth first through nested
 * records, which are structs unless a decorator made something else); Buffers become Uint8Arrays again.
 */
function slotsIn(out: Plain, targets: Map<string, View>): RefSlot[] {
  const slots: RefSlot[] = [];
  const seen = new Set<object>([out]);
  const stack: [Plain, string][] = [];
  const pushProps = (holder: Plain) => {
    const props = Object.keys(holder);
    for (let i = props.length - 1; i >= 0; i--) stack.push([holder, props[i]]);
  };
  pushProps(out);
  while (stack.length > 0) {
    const [holder, prop] = stack.pop()!;
    const value = holder[prop];
    if (value instanceof Buffer) holder[prop] = new Uint8Array(value);
    if (!isRecord(value) || seen.has(value)) continue;
    seen.add(value);
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

/** A ref field whose value is `{ $ref }`, linked once every object of the input exists. */
interface PendingRef {
  frame: Frame;
  field: FieldLayout;
  id: string;
}

/**
 * Creates an object of `Class` from plain data inside one transaction: scalar fields are assigned,
 * embedded structs filled, refs given as plain records are created (their class is the ref's
 * target), refs given as live objects linked, `{ $ref: id }` linked to the object of this input whose
 * `$id` is `id` (before or after it), and one JS record reached twice becomes one object. A key
 * whose value is undefined is skipped (JSON has no undefined). Field names are the persistent ones:
 * class-transformer decorators are not applied in reverse.
 * @throws {FieldValueError} naming the path (`Customer.last.next`) when a value does not fit, a key is
 *   not a field, a ref is neither a record, a live object nor null, or a `$ref` names no `$id` of
 *   this input. The transaction is aborted: nothing is created.
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
      if (target === undefined) {
        throw fieldError(ref.frame, ref.field.name, `$ref '${ref.id}' names no object with that $id in this input`);
      }
      this.assign(ref.frame, ref.field, target);
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
      if (field.kind === 'ref') this.ref(frame, field, value);
      else if (field.kind === 'struct') this.struct(frame, field, value);
      else this.assign(frame, field, value);
    }
  }

  private ref(frame: Frame, field: FieldLayout, value: unknown): void {
    const Target = field.target!() as PersistentClass;
    if (value === null) return this.assign(frame, field, null);
    if (isView(value)) {
      if (isStructView(value)) throw fieldError(frame, field.name, 'an embedded struct cannot be referenced');
      return this.assign(frame, field, value);
    }
    if (!isRecord(value, Target)) {
      throw fieldError(frame, field.name, `expected a ${field.targetName} record, a live ${field.targetName} or null, got ${kindOf(value)}`);
    }
    if (Object.hasOwn(value, '$ref')) {
      const id = value.$ref;
      if (typeof id !== 'string') throw fieldError(frame, `${field.name}.$ref`, `expected a string, got ${kindOf(id)}`);
      if (Object.keys(value).length !== 1) throw fieldError(frame, field.name, 'a { $ref } record has no other keys');
      this.pending.push({ frame, field, id });
      return;
    }
    const made = this.made.get(value);
    this.assign(frame, field, made ?? this.create(Target, value, frame, field.name));
  }

  private struct(frame: Frame, field: FieldLayout, value: unknown): void {
    const layout = field.struct!;
    if (isView(value) && value[LAYOUT] === layout) return this.assign(frame, field, value);
    if (!isRecord(value, layout.ctor) || isView(value)) {
      throw fieldError(frame, field.name, `expected a ${layout.name} record, got ${kindOf(value)}`);
    }
    const target = frame.target[field.name] as Plain;
    this.stack.push({ target, layout, plain: value, object: false, parent: frame, segment: field.name });
  }

  /** Stores through the field's accessor; a codec's FieldValueError is re-thrown with the path. */
  private assign(frame: Frame, field: FieldLayout, value: unknown): void {
    try {
      frame.target[field.name] = value;
    } catch (error) {
      if (!(error instanceof FieldValueError)) throw error;
      const prefix = `${error.type}.${error.field}: `;
      throw fieldError(frame, field.name, error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message);
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
