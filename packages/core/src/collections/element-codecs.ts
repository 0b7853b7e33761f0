/**
 * Codecs of map keys and of map values / vector elements. They are the field codecs (objects/codecs.ts)
 * stored in a slot instead of an object, so a key or value has exactly the bytes a field of its type
 * has; keys add an order (compare) and a 1-byte fingerprint. The one encoding of their own is the
 * bytes key: a u32 length then `maxLength` bytes, zero after the length, like an inline string.
 */
import type { CollectionKeySpec, CollectionValueSpec } from '@pmemts/decorators';
import { FieldValueError } from '../errors';
import { INLINE_STRING_HEADER, SCALAR_SIZE, alignUp, type FieldLayout, type TypeLayout } from '../layout';
import { buildCodec, scalarCodec, type CodecHost, type FieldCodec } from '../objects/codecs';

export interface KeyCodec {
  /** Bytes of a key in a slot. */
  readonly size: number;
  readonly align: number;
  /** Validates `key` and writes it; throws FieldValueError with nothing written. */
  encode(dv: DataView, at: number, key: unknown): void;
  decode(dv: DataView, at: number): unknown;
  /** Negative, 0 or positive as the key at `a` sorts before, with or after the key at `b`. */
  compare(a: DataView, ai: number, b: DataView, bi: number): number;
  /** A byte (0–255) of the key's hash: leaves compare it before the key. */
  fingerprint(dv: DataView, at: number): number;
  /**
   * Makes the key at probe+at the one `compareProbe` compares with (descents compare one key with
   * many: numeric keys are read once here, not at every step). Valid until the next prepare.
   */
  prepare(probe: DataView, at: number): void;
  /** `compare(probe, at, dv, stored)` for the prepared probe. */
  compareProbe(dv: DataView, stored: number): number;
  /**
   * A number that orders as the key does wherever two ranks differ (equal ranks: compare decides), so
   * sorting a leaf reads each key once: the value of 32-bit and f64 keys, the nearest double of 64-bit
   * keys, the first four bytes of strings and bytes.
   */
  rank(dv: DataView, at: number): number;
}

export interface ValueCodec extends FieldCodec {
  readonly size: number;
  readonly align: number;
}

type Fail = (message: string) => never;

// Module constants for the per-byte loops: an imported binding re-exported through layout/index is a
// getter in the CommonJS output, and reading it at every step of a key loop cost ~20 ns.
const HEADER = INLINE_STRING_HEADER;
/** alignUp(n, 4) for n below 2^31. */
const alignUp4 = (n: number) => (n + 3) & ~3;

function failer(owner: TypeLayout, field: string): Fail {
  return (message) => {
    throw new FieldValueError(owner.name, field, message);
  };
}

/** A field layout for a codec of `owner`'s field `name`: the codecs only read kind, size and parameters. */
function slotField(name: string, kind: 'string' | 'ref', extra: Partial<FieldLayout>, size: number): FieldLayout {
  return { name, kind, offset: 0, size, align: kind === 'ref' ? 8 : 4, ...extra };
}

export function buildKeyCodec(owner: TypeLayout, field: FieldLayout, host: CodecHost): KeyCodec {
  const spec = field.key as CollectionKeySpec;
  const fail = failer(owner, `${field.name} key`);
  switch (spec.kind) {
    case 'scalar':
      return scalarKey(spec.scalar, fail);
    case 'string': {
      const size = alignUp(INLINE_STRING_HEADER + spec.maxBytes, 4);
      const codec = buildCodec(owner, slotField(`${field.name} key`, 'string', { maxBytes: spec.maxBytes }, size), host);
      return lengthPrefixedKey(size, stringKeyEncoder(spec.maxBytes, size, codec.write), codec.read);
    }
    case 'bytes':
      return bytesKey(spec.maxLength, fail);
  }
}

export function buildValueCodec(owner: TypeLayout, field: FieldLayout, host: CodecHost): ValueCodec {
  const spec = field.value as CollectionValueSpec;
  const what = `${field.name} ${field.kind === 'map' ? 'value' : 'element'}`;
  switch (spec.kind) {
    case 'scalar': {
      const size = SCALAR_SIZE[spec.scalar];
      return { ...scalarCodec(spec.scalar, failer(owner, what)), size, align: size };
    }
    case 'string': {
      const size = alignUp(INLINE_STRING_HEADER + spec.maxBytes, 4);
      return { ...buildCodec(owner, slotField(what, 'string', { maxBytes: spec.maxBytes }, size), host), size, align: 4 };
    }
    case 'ref': {
      const ref = slotField(what, 'ref', { target: spec.target, targetName: field.targetName }, 16);
      return { ...buildCodec(owner, ref, host), size: 16, align: 8 };
    }
  }
}

function scalarKey(scalar: 'u32' | 'i32' | 'u64' | 'i64' | 'f64', fail: Fail): KeyCodec {
  const codec = scalarCodec(scalar, fail);
  const size = SCALAR_SIZE[scalar];
  const mix = (x: number) => {
    x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
    return (x ^ (x >>> 16)) & 0xff;
  };
  switch (scalar) {
    case 'u32':
    case 'i32': {
      const get = scalar === 'u32' ? (dv: DataView, at: number) => dv.getUint32(at, true) : (dv: DataView, at: number) => dv.getInt32(at, true);
      let value = 0;
      return {
        size, align: 4, encode: codec.write, decode: codec.read,
        compare: (a, ai, b, bi) => get(a, ai) - get(b, bi),
        rank: get,
        prepare: (dv, at) => void (value = get(dv, at)),
        compareProbe: (dv, stored) => value - get(dv, stored),
        fingerprint: (dv, at) => mix(dv.getUint32(at, true)),
      };
    }
    case 'u64':
    case 'i64': {
      // The high word decides (signed for i64), then the low word unsigned: no bigint per comparison.
      const high = scalar === 'u64' ? (dv: DataView, at: number) => dv.getUint32(at + 4, true) : (dv: DataView, at: number) => dv.getInt32(at + 4, true);
      let probeHigh = 0;
      let probeLow = 0;
      return {
        size, align: 8, encode: codec.write, decode: codec.read,
        compare(a, ai, b, bi) {
          const d = high(a, ai) - high(b, bi);
          return d !== 0 ? d : a.getUint32(ai, true) - b.getUint32(bi, true);
        },
        // Exact below 2^53 and monotonic above (rounding never reverses an order): ties go to compare.
        rank: (dv, at) => high(dv, at) * 0x100000000 + dv.getUint32(at, true),
        prepare(dv, at) {
          probeHigh = high(dv, at);
          probeLow = dv.getUint32(at, true);
        },
        compareProbe(dv, stored) {
          const d = probeHigh - high(dv, stored);
          return d !== 0 ? d : probeLow - dv.getUint32(stored, true);
        },
        fingerprint: (dv, at) => mix(dv.getUint32(at, true) ^ Math.imul(dv.getUint32(at + 4, true), 0x9e3779b1)),
      };
    }
    case 'f64': {
      let probe = 0;
      return {
        size, align: 8, decode: codec.read,
        rank: (dv, at) => dv.getFloat64(at, true),
        prepare: (dv, at) => void (probe = dv.getFloat64(at, true)),
        compareProbe(dv, stored) {
          const y = dv.getFloat64(stored, true);
          return probe < y ? -1 : probe > y ? 1 : 0;
        },
        encode(dv, at, key) {
          if (typeof key === 'number' && Number.isNaN(key)) fail('NaN cannot be a key: it equals no key, itself included');
          // -0 and 0 are one key, as in a Map (SameValueZero).
          codec.write(dv, at, key === 0 ? 0 : key);
        },
        compare(a, ai, b, bi) {
          const x = a.getFloat64(ai, true);
          const y = b.getFloat64(bi, true);
          return x < y ? -1 : x > y ? 1 : 0;
        },
        fingerprint: (dv, at) => mix(dv.getUint32(at, true) ^ Math.imul(dv.getUint32(at + 4, true), 0x9e3779b1)),
      };
    }
  }
}

/**
 * Keys stored as a u32 length then bytes zero-padded to `size`: padded bytes compared four at a time
 * (big-endian, so bytewise), then the shorter first. Zero padding makes that bytewise order: a key that
 * is a prefix of another compares equal over the padding and loses on length.
 */
function lengthPrefixedKey(size: number, encode: KeyCodec['encode'], decode: KeyCodec['decode']): KeyCodec {
  const data = size - HEADER; // a multiple of 4: size is 4-aligned
  const compare: KeyCodec['compare'] = (a, ai, b, bi) => {
    const la = a.getUint32(ai, true);
    const lb = b.getUint32(bi, true);
    const n = alignUp4(Math.min(Math.max(la, lb), data));
    for (let i = HEADER; i < HEADER + n; i += 4) {
      const x = a.getUint32(ai + i, false);
      const y = b.getUint32(bi + i, false);
      if (x !== y) return x < y ? -1 : 1;
    }
    return la - lb;
  };
  // The prepared probe as its length and big-endian words: a descent reads only the stored side.
  const probeWords = new Uint32Array(data >>> 2);
  let probeLength = 0;
  return {
    size, align: 4, encode, decode, compare,
    prepare(dv, at) {
      probeLength = dv.getUint32(at, true);
      for (let w = 0; w < probeWords.length; w++) probeWords[w] = dv.getUint32(at + HEADER + 4 * w, false);
    },
    compareProbe(dv, stored) {
      const length = dv.getUint32(stored, true);
      const words = alignUp4(Math.min(Math.max(probeLength, length), data)) >>> 2;
      for (let w = 0; w < words; w++) {
        const x = probeWords[w];
        const y = dv.getUint32(stored + HEADER + 4 * w, false);
        if (x !== y) return x < y ? -1 : 1;
      }
      return probeLength - length;
    },
    // Zero padding makes the first word of a shorter key order as its bytes do.
    rank: data >= 4 ? (dv, at) => dv.getUint32(at + HEADER, false) : () => 0,
    fingerprint(dv, at) {
      // Four bytes a step: the bytes after the length are zero, so equal keys hash equal words.
      const len = Math.min(dv.getUint32(at, true), data);
      let hash = Math.imul(0x811c9dc5 ^ len, 0x01000193);
      for (let i = 0; i < len; i += 4) hash = Math.imul(hash ^ dv.getUint32(at + HEADER + i, true), 0x01000193);
      return (hash ^ (hash >>> 8) ^ (hash >>> 16) ^ (hash >>> 24)) & 0xff;
    },
  };
}

/**
 * Writes a string key with exactly the bytes the inline-string field codec writes, without allocating:
 * ASCII a byte at a time, other text as UTF-8 through a reused buffer. Anything the codec refuses (not
 * a string, too many bytes) goes to the codec, which throws with its message before writing a byte.
 */
function stringKeyEncoder(maxBytes: number, size: number, fieldWrite: KeyCodec['encode']): KeyCodec['encode'] {
  const utf8 = new Uint8Array(maxBytes);
  const encoder = new TextEncoder();
  return (dv, at, key) => {
    // UTF-8 has at least one byte per UTF-16 unit: a longer string cannot fit.
    if (typeof key !== 'string' || key.length > maxBytes) return fieldWrite(dv, at, key);
    let ascii = true;
    for (let i = 0; i < key.length && ascii; i++) ascii = key.charCodeAt(i) < 0x80;
    let length = key.length;
    if (!ascii) {
      const done = encoder.encodeInto(key, utf8);
      if (done.read < key.length) return fieldWrite(dv, at, key);
      length = done.written;
    }
    for (let i = HEADER; i < size; i += 4) dv.setUint32(at + i, 0, true);
    if (ascii) for (let i = 0; i < length; i++) dv.setUint8(at + HEADER + i, key.charCodeAt(i));
    else for (let i = 0; i < length; i++) dv.setUint8(at + HEADER + i, utf8[i]);
    dv.setUint32(at, length, true);
  };
}

function bytesKey(maxLength: number, fail: Fail): KeyCodec {
  const size = alignUp(INLINE_STRING_HEADER + maxLength, 4);
  return lengthPrefixedKey(
    size,
    (dv, at, key) => {
      if (!(key instanceof Uint8Array)) fail(`expected a Uint8Array, got ${key === null ? 'null' : typeof key}`);
      const bytes = key as Uint8Array;
      if (bytes.length > maxLength) fail(`${bytes.length} bytes exceed the key's maxLength of ${maxLength}`);
      const data = new Uint8Array(dv.buffer, dv.byteOffset + at + HEADER, size - HEADER);
      data.fill(0).set(bytes);
      dv.setUint32(at, bytes.length, true);
    },
    (dv, at) => {
      const len = Math.min(dv.getUint32(at, true), maxLength);
      return new Uint8Array(dv.buffer, dv.byteOffset + at + HEADER, len).slice();
    },
  );
}
