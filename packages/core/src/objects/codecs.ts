/**
 * Byte encodings of field kinds (little-endian, C layout). A codec validates the whole value before
 * writing a byte, so a rejected value leaves memory untouched. Values read from a pool are untrusted:
 * lengths and offsets are checked against the field and the mapping before use.
 */
import { PoolCorruptError } from '@pmemts/native';
import { FieldValueError } from '../errors';
import type { FieldLayout, TypeLayout } from '../layout';
import { COUNTER_STRIPE_SIZE } from '../layout/offsets';

export interface FieldCodec {
  read(dv: DataView, at: number): unknown;
  write(dv: DataView, at: number, value: unknown): void;
}

/** What reference and heap codecs need from the pool session. */
export interface CodecHost {
  readonly uuidLo: bigint;
  /** The whole mapping as bytes. */
  pmemBytes(): Uint8Array;
  /** The live view of the object at `offset`, checked to be of `layout`'s type. */
  viewAt(layout: TypeLayout, offset: number): object;
  /** Offset of a view of this pool's type `layout`, or a FieldValueError message. */
  offsetOfRef(value: object, layout: TypeLayout): number | string;
  layoutOfTarget(field: FieldLayout): TypeLayout;
  /** Allocates a blob in the running transaction and copies `bytes` into it; returns its offset. */
  allocBlob(bytes: Uint8Array, what: string): number;
  /** Frees a blob in the running transaction. */
  freeBlob(offset: number): void;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
const utf8Encoder = new TextEncoder();

/** Largest finite f32 and smallest positive (subnormal) f32. */
const F32_MAX = 3.4028234663852886e38;
const F32_MIN = 1.401298464324817e-45;

type Scalar = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64' | 'f32' | 'f64' | 'bool' | 'timestamp';

function intCodec(fail: Fail, min: number, max: number, read: (dv: DataView, at: number) => number,
  write: (dv: DataView, at: number, v: number) => void): FieldCodec {
  return {
    read,
    write(dv, at, v) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        fail(`expected an integer in [${min}, ${max}], got ${describe(v)}`);
      }
      write(dv, at, v as number);
    },
  };
}

function bigCodec(fail: Fail, signed: boolean): FieldCodec {
  const min = signed ? -(2n ** 63n) : 0n;
  const max = signed ? 2n ** 63n - 1n : 2n ** 64n - 1n;
  return {
    read: signed ? (dv, at) => dv.getBigInt64(at, true) : (dv, at) => dv.getBigUint64(at, true),
    write(dv, at, v) {
      let big: bigint;
      if (typeof v === 'bigint') big = v;
      else if (typeof v === 'number' && Number.isSafeInteger(v)) big = BigInt(v);
      else return fail(`expected a bigint (or safe integer), got ${describe(v)}`);
      if (big < min || big > max) fail(`${big} is outside [${min}, ${max}]`);
      if (signed) dv.setBigInt64(at, big, true);
      else dv.setBigUint64(at, big, true);
    },
  };
}

/** `corrupt` reports a stored value no JS value maps to; by default without naming the field. */
export function scalarCodec(scalar: Scalar, fail: Fail, corrupt: Fail = corruptValue): FieldCodec {
  switch (scalar) {
    case 'u8': return intCodec(fail, 0, 0xff, (dv, at) => dv.getUint8(at), (dv, at, v) => dv.setUint8(at, v));
    case 'i8': return intCodec(fail, -0x80, 0x7f, (dv, at) => dv.getInt8(at), (dv, at, v) => dv.setInt8(at, v));
    case 'u16': return intCodec(fail, 0, 0xffff, (dv, at) => dv.getUint16(at, true), (dv, at, v) => dv.setUint16(at, v, true));
    case 'i16': return intCodec(fail, -0x8000, 0x7fff, (dv, at) => dv.getInt16(at, true), (dv, at, v) => dv.setInt16(at, v, true));
    case 'u32': return intCodec(fail, 0, 0xffffffff, (dv, at) => dv.getUint32(at, true), (dv, at, v) => dv.setUint32(at, v, true));
    case 'i32': return intCodec(fail, -0x80000000, 0x7fffffff, (dv, at) => dv.getInt32(at, true), (dv, at, v) => dv.setInt32(at, v, true));
    case 'u64': return bigCodec(fail, false);
    case 'i64': return bigCodec(fail, true);
    case 'f32':
      return {
        read: (dv, at) => dv.getFloat32(at, true),
        write(dv, at, v) {
          if (typeof v !== 'number') fail(`expected a number, got ${describe(v)}`);
          const stored = Math.fround(v as number);
          // Rounding to the nearest f32 is the field's contract; turning a finite value into ±Infinity or
          // a non-zero one into 0 is not rounding but loss. NaN and ±Infinity given as such are stored.
          if (Number.isFinite(v) && !Number.isFinite(stored)) fail(`${describe(v)} overflows f32 (largest finite is ±${F32_MAX})`);
          if (v !== 0 && stored === 0) fail(`${describe(v)} underflows f32 to 0 (smallest non-zero is ${F32_MIN})`);
          dv.setFloat32(at, stored, true);
        },
      };
    case 'f64':
      return {
        read: (dv, at) => dv.getFloat64(at, true),
        write(dv, at, v) {
          if (typeof v !== 'number') fail(`expected a number, got ${describe(v)}`);
          dv.setFloat64(at, v as number, true);
        },
      };
    case 'bool':
      return {
        read: (dv, at) => dv.getUint8(at) !== 0,
        write(dv, at, v) {
          if (typeof v !== 'boolean') fail(`expected a boolean, got ${describe(v)}`);
          dv.setUint8(at, v ? 1 : 0);
        },
      };
    case 'timestamp':
      return {
        read(dv, at) {
          const ms = dv.getBigInt64(at, true);
          // A Date holds ±8.64e15 ms; beyond that the bytes were not written by this codec.
          if (ms > MAX_DATE_MS || ms < -MAX_DATE_MS) corrupt(`stored time ${ms} ms is outside the range of a Date`);
          return new Date(Number(ms));
        },
        write(dv, at, v) {
          if (!(v instanceof Date) || Number.isNaN(v.getTime())) fail(`expected a valid Date, got ${describe(v)}`);
          dv.setBigInt64(at, BigInt((v as Date).getTime()), true);
        },
      };
    default:
      throw new TypeError(`unknown scalar type ${String(scalar)}`);
  }
}

type Fail = (message: string) => never;

const MAX_DATE_MS = 8_640_000_000_000_000n;

function corruptValue(message: string): never {
  throw new PoolCorruptError(`${message} (pool data is invalid)`, 'FIELD_CORRUPT');
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Date) return `Date(${v.getTime()})`;
  if (typeof v === 'object' && v !== null) return v.constructor?.name ?? 'object';
  return String(v);
}

function bytesOf(dv: DataView, at: number, length: number): Uint8Array {
  return new Uint8Array(dv.buffer, dv.byteOffset + at, length);
}

/** The codec of one non-struct field (structs are views, see accessors). */
export function buildCodec(type: TypeLayout, field: FieldLayout, host: CodecHost): FieldCodec {
  const fail: Fail = (message) => {
    throw new FieldValueError(type.name, field.name, message);
  };
  const corrupt = (message: string): never => {
    throw new PoolCorruptError(`${type.name}.${field.name}: ${message} (pool data is invalid)`, 'FIELD_CORRUPT');
  };
  switch (field.kind) {
    case 'scalar':
      return scalarCodec(field.scalar as Scalar, fail, corrupt);
    case 'string': {
      const max = field.maxBytes as number;
      return {
        read(dv, at) {
          const len = dv.getUint32(at, true);
          if (len > max) corrupt(`stored length ${len} exceeds the capacity ${max}`);
          return utf8Decoder.decode(bytesOf(dv, at + 4, len));
        },
        write(dv, at, v) {
          if (typeof v !== 'string') fail(`expected a string, got ${describe(v)}`);
          const encoded = utf8Encoder.encode(v as string);
          if (encoded.length > max) fail(`${encoded.length} UTF-8 bytes exceed the capacity of ${max}`);
          bytesOf(dv, at + 4, max).fill(0).set(encoded);
          dv.setUint32(at, encoded.length, true);
        },
      };
    }
    case 'bytes': {
      const length = field.length as number;
      return {
        read: (dv, at) => bytesOf(dv, at, length).slice(),
        write(dv, at, v) {
          if (!(v instanceof Uint8Array) || v.length !== length) fail(`expected a Uint8Array of ${length} bytes, got ${describe(v)}`);
          bytesOf(dv, at, length).set(v as Uint8Array);
        },
      };
    }
    case 'array': {
      const length = field.length as number;
      const element = scalarCodec(field.scalar as Scalar, fail, corrupt);
      const step = field.size / length;
      return {
        read(dv, at) {
          const out = new Array(length);
          for (let i = 0; i < length; i++) out[i] = element.read(dv, at + i * step);
          return out;
        },
        write(dv, at, v) {
          if (!Array.isArray(v) && !ArrayBuffer.isView(v)) fail(`expected an array of ${length} ${field.scalar}, got ${describe(v)}`);
          const values = v as ArrayLike<unknown>;
          if (values.length !== length) fail(`expected ${length} elements, got ${values.length}`);
          // Validate every element into scratch memory first: a bad element must not leave a half-written array.
          const scratch = new DataView(new ArrayBuffer(field.size));
          for (let i = 0; i < length; i++) element.write(scratch, i * step, values[i]);
          bytesOf(dv, at, field.size).set(new Uint8Array(scratch.buffer));
        },
      };
    }
    case 'heapString':
    case 'heapBytes': {
      const text = field.kind === 'heapString';
      return {
        read(dv, at) {
          const off = Number(dv.getBigUint64(at, true));
          const len = Number(dv.getBigUint64(at + 8, true));
          const pmem = host.pmemBytes();
          if (off === 0) return text ? '' : new Uint8Array(0);
          if (off + len > pmem.length || len < 0) corrupt(`heap slot [${off}, +${len}) lies outside the pool`);
          const bytes = pmem.subarray(off, off + len);
          return text ? utf8Decoder.decode(bytes) : bytes.slice();
        },
        write(dv, at, v) {
          let bytes: Uint8Array;
          if (text) {
            if (typeof v !== 'string') fail(`expected a string, got ${describe(v)}`);
            bytes = utf8Encoder.encode(v as string);
          } else {
            if (!(v instanceof Uint8Array)) fail(`expected a Uint8Array, got ${describe(v)}`);
            bytes = v as Uint8Array;
          }
          const old = Number(dv.getBigUint64(at, true));
          const off = bytes.length === 0 ? 0 : host.allocBlob(bytes, `${type.name}.${field.name}`);
          if (old !== 0) host.freeBlob(old);
          dv.setBigUint64(at, BigInt(off), true);
          dv.setBigUint64(at + 8, BigInt(bytes.length), true);
        },
      };
    }
    case 'ref': {
      let target: TypeLayout | undefined;
      const targetLayout = () => (target ??= host.layoutOfTarget(field));
      return {
        read(dv, at) {
          const off = Number(dv.getBigUint64(at + 8, true));
          if (off === 0) return null;
          if (dv.getBigUint64(at, true) !== host.uuidLo) corrupt(`reference at offset ${off} names another pool`);
          return host.viewAt(targetLayout(), off);
        },
        write(dv, at, v) {
          // Only null clears a ref: undefined is a missing value, refused as for every other field kind.
          if (v === null) {
            dv.setBigUint64(at, 0n, true);
            dv.setBigUint64(at + 8, 0n, true);
            return;
          }
          if (typeof v !== 'object') fail(`expected a ${targetLayout().name} object or null, got ${describe(v)}`);
          const off = host.offsetOfRef(v as object, targetLayout());
          if (typeof off === 'string') fail(off);
          dv.setBigUint64(at, host.uuidLo, true);
          dv.setBigUint64(at + 8, BigInt(off), true);
        },
      };
    }
    case 'counter':
      return counterCodec(field.length as number, fail, corrupt);
    default:
      throw new TypeError(`${type.name}.${field.name}: field kind ${field.kind} has no codec`);
  }
}

/**
 * A counter field read and assigned as its value: the sum of its u64 stripes (PCounter adds to one
 * stripe; this is what `obj.hits = n`, toPlain and imports use). Assigning stores the value in stripe 0
 * and zeroes the others, so it changes every stripe: a reset, not the way to count.
 */
function counterCodec(stripes: number, fail: Fail, corrupt: Fail): FieldCodec {
  const u64 = bigCodec(fail, false);
  return {
    read(dv, at) {
      let sum = 0n;
      for (let i = 0; i < stripes; i++) sum += dv.getBigUint64(at + i * COUNTER_STRIPE_SIZE, true);
      if (sum > U64_MAX) corrupt(`its stripes sum to ${sum}, over 2^64 - 1`);
      return sum;
    },
    write(dv, at, v) {
      u64.write(dv, at, v);
      for (let i = 1; i < stripes; i++) dv.setBigUint64(at + i * COUNTER_STRIPE_SIZE, 0n, true);
    },
  };
}

const U64_MAX = 2n ** 64n - 1n;
