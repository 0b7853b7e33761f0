/**
 * Conversion between live objects and plain data (class-transformer interop): toPlain walks fields
 * (refs become nested plain objects; a cycle becomes `{ $ref: 'Class@offset' }`), fromPlain creates
 * objects from plain data inside one transaction.
 */
import { plainToInstance, instanceToPlain } from 'class-transformer';
import type { Pool, PersistentClass } from '../pool/Pool';
import { runTransaction } from '../tx/runTransaction';
import { REL, STATE, isView, type View } from './view-state';

/**
 * A plain snapshot of `obj`: every persistent field, refs followed (cycle-safe), bigints kept,
 * Dates kept. The result is an instance of the object's class created by class-transformer, so its
 * @Exclude/@Expose/@Transform decorators apply on the way to JSON.
 */
export function toPlain(obj: object): Record<string, unknown> {
  if (!isView(obj)) throw new TypeError('toPlain: expected a live persistent object');
  const plain = plainOf(obj, new Map());
  return instanceToPlain(plainToInstance(obj[STATE].layout.ctor as new () => object, plain)) as Record<string, unknown>;
}

function plainOf(view: View, seen: Map<string, Record<string, unknown>>): Record<string, unknown> {
  const state = view[STATE];
  const key = `${state.layout.name}@${state.offset + view[REL]}`;
  if (seen.has(key)) return { $ref: key };
  const out: Record<string, unknown> = {};
  seen.set(key, out);
  const fields = (view as unknown as Record<string, unknown>);
  for (const field of state.layout.fields) {
    const value = fields[field.name];
    out[field.name] = isView(value) ? plainOf(value, seen) : value;
  }
  return out;
}

/**
 * Creates an object of `Class` from plain data inside one transaction: scalar fields are assigned,
 * embedded structs filled, refs given as plain objects are created recursively (their class is the
 * ref's target), refs given as live objects are linked.
 * @throws {FieldValueError} when a value does not fit (the transaction is aborted; nothing is created).
 */
export function fromPlain<T extends object>(pool: Pool, Class: PersistentClass<T>, plain: Record<string, unknown>): T {
  if (typeof plain !== 'object' || plain === null) throw new TypeError('fromPlain: plain must be an object');
  return runTransaction(pool, () => build(pool, Class, plain, new Map()));
}

function build<T extends object>(pool: Pool, Class: PersistentClass<T>, plain: Record<string, unknown>, made: Map<object, object>): T {
  const existing = made.get(plain);
  if (existing) return existing as T;
  const obj = pool.create(Class);
  made.set(plain, obj);
  const layout = (obj as unknown as View)[STATE].layout;
  const target = obj as unknown as Record<string, unknown>;
  for (const field of layout.fields) {
    if (!(field.name in plain)) continue;
    const value = plain[field.name];
    if (field.kind === 'ref' && value !== null && typeof value === 'object' && !isView(value)) {
      target[field.name] = build(pool, field.target!() as PersistentClass, value as Record<string, unknown>, made);
    } else {
      target[field.name] = value;
    }
  }
  return obj;
}
