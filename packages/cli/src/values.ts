/**
 * Field values as JSON, for output (ls, show, export) and back (import). One encoding, so an export
 * imports exactly what it holds:
 *   u64/i64: decimal string; f32/f64: number, or "NaN", "Infinity", "-Infinity", "-0" (JSON has no
 *   such numbers); timestamp: ISO 8601 string as Date#toISOString writes it; bytes and heap bytes:
 *   lowercase hex; ref: "Class@offset" or null; struct: an object of its fields; array and vector: a
 *   JSON array of its elements; map: a JSON array of [key, value] pairs in key order (keys need not be
 *   strings); counter: its value (the sum of its stripes) as a decimal string, imported by assigning it;
 *   elements, keys and values each encoded as above.
 */
import { FieldValueError, type FieldLayout, type PCounter, type PMap, type Pool, type PVector, type TypeLayout } from '@pmemts/core';

type Scalar = NonNullable<FieldLayout['scalar']>;
/** What one element of an array, vector or map is: the element types collections declare, plus bytes keys. */
type Element = NonNullable<FieldLayout['key']> | NonNullable<FieldLayout['value']>;

const FLOAT_WORDS = new Map<string, number>([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['-0', -0],
]);

/** `Class@offset` of a live object. */
export function refName(pool: Pool, obj: object): string {
  const { offset, layout } = pool.locate(obj);
  return `${layout.name}@${offset}`;
}

/** A stored time outside a Date's range never gets here: the field read throws FIELD_CORRUPT. */
function encodeScalar(scalar: Scalar, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' && (scalar === 'f32' || scalar === 'f64') && (!Number.isFinite(value) || Object.is(value, -0))) {
    return Object.is(value, -0) ? '-0' : String(value);
  }
  return value;
}

/**
 * How much of a map or vector to encode: all of it (export, which must round-trip), its size only
 * (ls: a row per object must stay a row), or one page (show: `entries` of them, the field named by
 * `field` starting after `after`, a key or an index; each page says where the next one starts).
 */
export type CollectionView =
  | { readonly mode: 'all' }
  | { readonly mode: 'size' }
  | { readonly mode: 'page'; readonly entries: number; readonly field?: string; readonly after?: unknown };

const ALL: CollectionView = { mode: 'all' };

/** A field of `obj` as JSON data (reads the pool; a dangling ref or corrupt field throws its typed error). */
function encodeField(pool: Pool, obj: object, f: FieldLayout, view: CollectionView): unknown {
  const value = (obj as Record<string, unknown>)[f.name];
  switch (f.kind) {
    case 'ref':
      return value === null ? null : refName(pool, value as object);
    case 'struct':
      return encodeObject(pool, value as object, f.struct!, view);
    case 'bytes':
    case 'heapBytes':
      return Buffer.from(value as Uint8Array).toString('hex');
    case 'array':
      return (value as unknown[]).map((v) => encodeScalar(f.scalar!, v));
    case 'scalar':
      return encodeScalar(f.scalar!, value);
    case 'vector':
      return encodeVector(pool, f, value as PVector, view);
    case 'map':
      return encodeMap(pool, f, value as PMap, view);
    case 'counter':
      return (value as PCounter).value.toString();
    default:
      return value;
  }
}

function encodeElement(pool: Pool, element: Element, value: unknown): unknown {
  switch (element.kind) {
    case 'scalar':
      return encodeScalar(element.scalar, value);
    case 'bytes':
      return Buffer.from(value as Uint8Array).toString('hex');
    case 'ref':
      return value === null ? null : refName(pool, value as object);
    default:
      return value;
  }
}

export function encodeObject(pool: Pool, obj: object, layout: TypeLayout, view: CollectionView = ALL): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of layout.fields) out[f.name] = encodeField(pool, obj, f, view);
  return out;
}

function encodeMap(pool: Pool, f: FieldLayout, map: PMap, view: CollectionView): unknown {
  const pair = ([k, v]: [unknown, unknown]) => [encodeElement(pool, f.key!, k), encodeElement(pool, f.value!, v)];
  if (view.mode === 'all') return [...map].map(pair);
  if (view.mode === 'size') return { size: map.size };
  const paged = view.field === f.name && view.after !== undefined;
  const page = [...map.range({ ...(paged ? { gt: view.after } : {}), limit: view.entries + 1 })];
  const more = page.length > view.entries;
  if (more) page.length = view.entries;
  const next = more ? encodeElement(pool, f.key!, page[page.length - 1][0]) : null;
  return { size: map.size, entries: page.map(pair), next };
}

function encodeVector(pool: Pool, f: FieldLayout, vector: PVector, view: CollectionView): unknown {
  if (view.mode === 'all') return [...vector].map((v) => encodeElement(pool, f.value!, v));
  if (view.mode === 'size') return { length: vector.length };
  const from = view.field === f.name && view.after !== undefined ? (view.after as number) + 1 : 0;
  const to = Math.min(vector.length, from + view.entries);
  const elements: unknown[] = [];
  for (let i = from; i < to; i++) elements.push(encodeElement(pool, f.value!, vector.get(i)));
  return { length: vector.length, from, elements, next: to < vector.length ? to - 1 : null };
}

/**
 * A key typed on the command line, for `show --after`: JSON when it parses (`41`, `"41"`, `-0.5`),
 * else the text itself (a string key); a u64/i64 key may be given as a plain integer.
 */
export function decodeKeyArgument(f: FieldLayout, text: string, type: string): unknown {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = text;
  }
  const key = f.key!;
  if (key.kind === 'scalar' && (key.scalar === 'u64' || key.scalar === 'i64') && typeof v === 'number' && Number.isInteger(v)) v = String(v);
  return (decodeElement(f, key, v, `${f.name} --after`, type) as { value: unknown }).value;
}

/** A decoded object: field values ready to assign, refs still as their export names. */
export interface DecodedObject {
  readonly layout: TypeLayout;
  readonly values: Map<string, DecodedValue>;
}
export type DecodedValue =
  | { kind: 'value'; value: unknown }
  | { kind: 'ref'; ref: string | null; target: string; path: string }
  | { kind: 'struct'; object: DecodedObject }
  | { kind: 'vector'; elements: DecodedValue[] }
  | { kind: 'map'; entries: [unknown, DecodedValue][] };

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/**
 * Decodes `data` (an object's fields in the encoding above) strictly: every value must be exactly what
 * an export writes. Range checks are left to the field codecs, which run when the value is assigned.
 * @throws {FieldValueError} naming the field, for any value of the wrong form or an unknown field.
 */
export function decodeObject(layout: TypeLayout, data: Record<string, unknown>, path = '', type = layout.name): DecodedObject {
  const fields = new Map(layout.fields.map((f) => [f.name, f]));
  const values = new Map<string, DecodedValue>();
  for (const [name, value] of Object.entries(data)) {
    const f = fields.get(name);
    const at = path === '' ? name : `${path}.${name}`;
    if (f === undefined) throw new FieldValueError(type, at, `${layout.name} has no field ${name}`);
    values.set(name, decodeField(f, value, at, type));
  }
  return { layout, values };
}

/** `type` and `path` name the field in errors: the top-level class and the field's path inside it. */
function decodeField(f: FieldLayout, v: unknown, path: string, type: string): DecodedValue {
  const fail = (expected: string): never => {
    throw new FieldValueError(type, path, `expected ${expected}, got ${describe(v)}`);
  };
  switch (f.kind) {
    case 'ref':
      if (v !== null && typeof v !== 'string') fail(`"Class@offset" of an exported object, or null`);
      return { kind: 'ref', ref: v as string | null, target: f.targetName!, path };
    case 'struct':
      if (!isPlainObject(v)) fail(`an object of ${f.struct!.name}'s fields`);
      return { kind: 'struct', object: decodeObject(f.struct!, v as Record<string, unknown>, path, type) };
    case 'string':
    case 'heapString':
      if (typeof v !== 'string') fail('a string');
      return { kind: 'value', value: v };
    case 'bytes':
    case 'heapBytes':
      if (typeof v !== 'string' || !/^(?:[0-9a-f]{2})*$/i.test(v)) fail('bytes as a hex string (two digits a byte)');
      return { kind: 'value', value: new Uint8Array(Buffer.from(v as string, 'hex')) };
    case 'array':
      if (!Array.isArray(v) || v.length !== f.length) fail(`an array of ${f.length} ${f.scalar}`);
      return { kind: 'value', value: (v as unknown[]).map((e, i) => decodeScalar(f.scalar!, e, () => fail(`${f.scalar} elements (element ${i} is ${describe(e)})`))) };
    case 'scalar':
      return { kind: 'value', value: decodeScalar(f.scalar!, v, fail) };
    case 'counter':
      return { kind: 'value', value: decodeScalar('u64', v, fail) };
    case 'vector':
      if (!Array.isArray(v)) fail('an array of the vector\'s elements');
      return { kind: 'vector', elements: (v as unknown[]).map((e, i) => decodeElement(f, f.value!, e, `${path}[${i}]`, type)) };
    case 'map': {
      if (!Array.isArray(v)) fail('an array of [key, value] pairs');
      const seen = new Set<string>();
      const entries = (v as unknown[]).map((pair, i): [unknown, DecodedValue] => {
        if (!Array.isArray(pair) || pair.length !== 2) throw new FieldValueError(type, `${path}[${i}]`, `expected a [key, value] pair, got ${describe(pair)}`);
        const key = (decodeElement(f, f.key!, pair[0], `${path}[${i}][0]`, type) as { value: unknown }).value;
        const text = key instanceof Uint8Array ? Buffer.from(key).toString('hex') : Object.is(key, -0) ? '-0' : String(key);
        if (seen.has(text)) throw new FieldValueError(type, `${path}[${i}][0]`, `the key ${describe(pair[0])} appears twice`);
        seen.add(text);
        return [key, decodeElement(f, f.value!, pair[1], `${path}[${i}][1]`, type)];
      });
      return { kind: 'map', entries };
    }
    default:
      return fail(`a value of a known kind (${f.kind} is unknown)`);
  }
}

/** One element of a vector, or a key or value of a map. */
function decodeElement(f: FieldLayout, element: Element, v: unknown, path: string, type: string): DecodedValue {
  const fail = (expected: string): never => {
    throw new FieldValueError(type, path, `expected ${expected}, got ${describe(v)}`);
  };
  switch (element.kind) {
    case 'scalar':
      return { kind: 'value', value: decodeScalar(element.scalar, v, fail) };
    case 'string':
      if (typeof v !== 'string') fail('a string');
      return { kind: 'value', value: v };
    case 'bytes':
      if (typeof v !== 'string' || !/^(?:[0-9a-f]{2})*$/i.test(v)) fail('bytes as a hex string (two digits a byte)');
      return { kind: 'value', value: new Uint8Array(Buffer.from(v as string, 'hex')) };
    case 'ref':
      if (v !== null && typeof v !== 'string') fail(`"Class@offset" of an exported object, or null`);
      return { kind: 'ref', ref: v as string | null, target: f.targetName!, path };
  }
}

function decodeScalar(scalar: Scalar, v: unknown, fail: (expected: string) => never): unknown {
  switch (scalar) {
    case 'u64':
    case 'i64':
      if (typeof v === 'string' && /^-?(?:0|[1-9][0-9]*)$/.test(v)) return BigInt(v);
      if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
      return fail('an integer as a decimal string');
    case 'f32':
    case 'f64':
      if (typeof v === 'number') return v;
      if (typeof v === 'string' && FLOAT_WORDS.has(v)) return FLOAT_WORDS.get(v);
      return fail('a number, or "NaN", "Infinity", "-Infinity" or "-0"');
    case 'bool':
      if (typeof v !== 'boolean') fail('true or false');
      return v;
    case 'timestamp': {
      const date = typeof v === 'string' ? new Date(v) : undefined;
      if (date === undefined || Number.isNaN(date.getTime()) || date.toISOString() !== v) fail('an ISO 8601 timestamp as toISOString writes it, e.g. "2026-01-31T12:00:00.000Z"');
      return date;
    }
    default:
      if (typeof v !== 'number' || !Number.isInteger(v)) fail(`an integer (${scalar})`);
      return v;
  }
}
