/** Leaf values shared by the model and the oracle: the zero a new object holds, and a canonical text to compare. */
import type { ElementKind, Kind, Leaf } from './classes';
import type { RefTo } from './program';

export function zeroOf(leaf: Leaf): unknown {
  switch (leaf.kind) {
    case 'u64': case 'i64': case 'counter': return 0n;
    case 'bool': return false;
    case 'timestamp': return new Date(0);
    case 'string': case 'heapString': return '';
    case 'heapBytes': return new Uint8Array(0);
    case 'bytes': return new Uint8Array(leaf.length as number);
    case 'array': return new Array(leaf.length as number).fill(0);
    case 'ref': return null;
    case 'map': case 'vector': return [];
    default: return 0;
  }
}

/** Kinds whose store is more than one 8-byte word: a process killed mid-store can leave them torn. */
export function isMultiWord(kind: Kind): boolean {
  return kind === 'string' || kind === 'bytes' || kind === 'array' || kind === 'heapString' || kind === 'heapBytes' || kind === 'ref' || kind === 'counter';
}

export const isHeap = (kind: Kind): boolean => kind === 'heapString' || kind === 'heapBytes';

/**
 * Kinds stored in the pool by a transaction at every persistence level and under either policy (never
 * in the DRAM tier): heap strings/bytes and collections (docs/guarantees.md).
 */
export const isAlwaysTransactional = (kind: Kind): boolean => isHeap(kind) || kind === 'map' || kind === 'vector';

/** A map key as the map holds it: -0 and 0 are one key (SameValueZero). */
export const normalKey = (key: unknown): unknown => (key === 0 ? 0 : key);

/** The map's key order: numbers and bigints by value, strings by their UTF-8 bytes. */
export function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'string') return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b as string, 'utf8'));
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/** A map's model value: its entries in key order. */
export type MapEntries = readonly (readonly [unknown, unknown])[];

const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');

const num = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));

/**
 * Canonical text of a leaf value; a ref is given as RefTo (the slot of its target) or null. A map is
 * its entries in key order, a vector its elements (`leaf` gives their kinds).
 */
export function canon(kind: Kind, value: unknown, leaf?: Leaf): string {
  switch (kind) {
    case 'map': return `{${(value as MapEntries).map(([k, v]) => `${canon(leaf!.key as ElementKind, k)}: ${canon(leaf!.element as ElementKind, v)}`).join(', ')}}`;
    case 'vector': return `[${(value as unknown[]).map((v) => canon(leaf!.element as ElementKind, v)).join(', ')}]`;
    case 'u64': case 'i64': case 'counter': return `${value as bigint}n`;
    case 'timestamp': return `date(${(value as Date).getTime()})`;
    case 'string': case 'heapString': return JSON.stringify(value);
    case 'bytes': case 'heapBytes': return `bytes(${hex(value as Uint8Array)})`;
    case 'array': return `[${Array.from(value as ArrayLike<number>, num).join(',')}]`;
    case 'ref': return value === null ? 'null' : `ref(slot ${(value as RefTo).ref})`;
    case 'bool': return String(value);
    default: return num(value as number);
  }
}
