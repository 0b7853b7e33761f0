/** Argument checks of the region and block-store methods: TypeError for a wrong type, RangeError for a value out of range, each naming the method and the argument. */
import { requireString } from '@pmemts/native';

/** Longest region or block-store name, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 255;

export function requireName(where: string, name: unknown): asserts name is string {
  requireString(`${where}: name`, name, MAX_NAME_BYTES);
}

/** An integer in [min, max]. */
export function requireInteger(where: string, argument: string, value: unknown, min: number, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(`${where}: ${argument} must be an integer, got ${describe(value)}`);
  if (value < min || value > max) throw new RangeError(`${where}: ${argument} must be in [${min}, ${max}], got ${value}`);
}

export function requireBytes(where: string, argument: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${where}: ${argument} must be a Uint8Array, got ${describe(value)}`);
}

/** `offset` and `length` of a range inside `size` bytes. */
export function requireRange(where: string, offset: unknown, length: unknown, size: number): void {
  requireInteger(where, 'offset', offset, 0, size);
  requireInteger(where, 'length', length, 0, size - offset);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'null-prototype object'}`;
  if (typeof value === 'bigint') return `${value}n`;
  return typeof value === 'string' ? `the string '${value}'` : String(value);
}
