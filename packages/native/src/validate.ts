/** Argument checks done in JS before a call crosses into native code; messages name the argument. */

export function requireString(name: string, value: unknown, maxBytes = Infinity): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${typeof value}`);
  if (value.length === 0) throw new TypeError(`${name} must not be empty`);
  if (value.includes('\0')) throw new TypeError(`${name} must not contain NUL characters`);
  if (Buffer.byteLength(value) > maxBytes) throw new RangeError(`${name} is longer than ${maxBytes} bytes`);
}

export function requireSize(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}

export function requireMode(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0o7777) {
    throw new TypeError(`${name} must be a file mode between 0 and 0o7777, got ${String(value)}`);
  }
}
