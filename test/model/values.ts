/** Leaf values shared by the model and the oracle: the zero a new object holds, and a canonical text to compare. */
import type { Kind, Leaf } from './classes';
import type { RefTo } from './program';

export function zeroOf(leaf: Leaf): unknown {
  switch (leaf.kind) {
    case 'u64': case 'i64': return 0n;
    case 'bool': return false;
    case 'timestamp': return new Date(0);
    case 'string': case 'heapString': return '';
    case 'heapBytes': return new Uint8Array(0);
    case 'bytes': return new Uint8Array(leaf.length as number);
    case 'array': return new Array(leaf.length as number).fill(0);
    case 'ref': return null;
    default: return 0;
  }
}

/** Kinds whose store is more than one 8-byte word: a process killed mid-store can leave them torn. */
export function isMultiWord(kind: Kind): boolean {
  return kind === 'string' || kind === 'bytes' || kind === 'array' || kind === 'heapString' || kind === 'heapBytes' || kind === 'ref';
}

export const isHeap = (kind: Kind): boolean => kind === 'heapString' || kind === 'heapBytes';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');

const num = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));

/** Canonical text of a leaf value; a ref is given as RefTo (the slot of its target) or null. */
export function canon(kind: Kind, value: unknown): string {
  switch (kind) {
    case 'u64': case 'i64': return `${value as bigint}n`;
    case 'timestamp': return `date(${(value as Date).getTime()})`;
    case 'string': case 'heapString': return JSON.stringify(value);
    case 'bytes': case 'heapBytes': return `bytes(${hex(value as Uint8Array)})`;
    case 'array': return `[${Array.from(value as ArrayLike<number>, num).join(',')}]`;
    case 'ref': return value === null ? 'null' : `ref(slot ${(value as RefTo).ref})`;
    case 'bool': return String(value);
    default: return num(value as number);
  }
}
