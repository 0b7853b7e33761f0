/**
 * Byte-level conversion of one object from its class's layout in the pool to the layout in code, for
 * the changes that need no code (diff.ts says which): copy what is unchanged or moved, copy a shorter
 * string, bytes or array into its longer field, widen an integer, convert an embedded struct field by
 * field. Fields that only a migration function can convert, and added fields, stay zeroed.
 *
 * Also the read-only `old` a migration function gets: the pool version's field values as a frozen plain
 * object (a counter as its value; refs, maps and vectors are not in it: they carry over to `next` by themselves).
 */
import type { ScalarType } from '@pmemts/decorators';
import type { FieldLayout, TypeLayout } from '../layout';
import { isWidening } from './diff';

/** One step of a conversion, at offsets relative to the old and the new object. */
type Step =
  | { readonly op: 'copy'; readonly from: number; readonly to: number; readonly size: number }
  | { readonly op: 'widen'; readonly from: number; readonly to: number; readonly fromType: ScalarType; readonly toType: ScalarType }
  /** A heap string/bytes, map or vector slot: the new object takes over the old one's allocation. */
  | { readonly op: 'owned'; readonly from: number; readonly to: number };

/** The conversion of one class: its steps, compiled once per migration. */
export class ObjectConverter {
  readonly steps: readonly Step[];

  constructor(readonly from: TypeLayout, readonly to: TypeLayout) {
    const steps: Step[] = [];
    compile(from, to, 0, 0, steps);
    this.steps = steps;
  }

  /**
   * Writes the converted bytes of the object at `src` into the zeroed new object at `dst`. With
   * `deferOwned`, owned slots are left zero (attachOwned fills them after the migration functions).
   */
  convert(dv: DataView, u8: Uint8Array, src: number, dst: number, deferOwned: boolean): void {
    for (const s of this.steps) {
      if (s.op === 'copy') u8.copyWithin(dst + s.to, src + s.from, src + s.from + s.size);
      else if (s.op === 'owned') {
        if (!deferOwned) u8.copyWithin(dst + s.to, src + s.from, src + s.from + 16);
      } else writeScalar(dv, dst + s.to, s.toType, widenValue(readScalar(dv, src + s.from, s.fromType), s.toType));
    }
  }

  /**
   * After a migration function ran: each owned slot it left empty takes the old object's allocation.
   * Returns the relative offsets written (a write-back copy of the new object must mirror them).
   */
  attachOwned(dv: DataView, u8: Uint8Array, src: number, dst: number): number[] {
    const written: number[] = [];
    for (const s of this.steps) {
      if (s.op !== 'owned') continue;
      if (dv.getBigUint64(dst + s.to, true) !== 0n || dv.getBigUint64(dst + s.to + 8, true) !== 0n) continue; // the function set it
      u8.copyWithin(dst + s.to, src + s.from, src + s.from + 16);
      written.push(s.to);
    }
    return written;
  }
}

function compile(from: TypeLayout, to: TypeLayout, fromBase: number, toBase: number, steps: Step[]): void {
  const old = new Map(from.fields.map((f) => [f.name, f]));
  for (const n of to.fields) {
    const o = old.get(n.name);
    if (o !== undefined) compileField(o, n, fromBase + o.offset, toBase + n.offset, steps);
  }
}

/** The steps of one field present in both layouts; nothing when only a migration function can convert it. */
function compileField(o: FieldLayout, n: FieldLayout, from: number, to: number, steps: Step[]): void {
  if (o.kind !== n.kind) return;
  switch (n.kind) {
    case 'scalar':
      if (o.scalar === n.scalar) steps.push({ op: 'copy', from, to, size: n.size });
      else if (isWidening(o.scalar!, n.scalar!)) steps.push({ op: 'widen', from, to, fromType: o.scalar!, toType: n.scalar! });
      return;
    case 'string':
      // {u32 length, bytes}: the old capacity's bytes fit the new one; the rest stays zero.
      if (n.maxBytes! >= o.maxBytes!) steps.push({ op: 'copy', from, to, size: o.size });
      return;
    case 'bytes':
    case 'array':
      if (o.scalar === n.scalar && n.length! >= o.length!) steps.push({ op: 'copy', from, to, size: o.size });
      return;
    case 'struct':
      if (o.targetName !== n.targetName) return;
      if (o.struct!.fingerprint === n.struct!.fingerprint) steps.push({ op: 'copy', from, to, size: n.size });
      else compile(o.struct!, n.struct!, from, to, steps);
      return;
    case 'heapString':
    case 'heapBytes':
      steps.push({ op: 'owned', from, to });
      return;
    case 'counter': // inline stripes: the same count keeps its bytes
      if (o.length === n.length) steps.push({ op: 'copy', from, to, size: n.size });
      return;
    case 'ref':
      if (o.targetName === n.targetName) steps.push({ op: 'copy', from, to, size: 16 });
      return;
    case 'map':
    case 'vector':
      if (JSON.stringify([o.targetName, o.key, plainValue(o)]) === JSON.stringify([n.targetName, n.key, plainValue(n)])) steps.push({ op: 'owned', from, to });
      return;
  }
}

/** A collection's value spec without its target thunk (the target name says it). */
function plainValue(f: FieldLayout): unknown {
  return f.value?.kind === 'ref' ? 'ref' : f.value;
}

function readScalar(dv: DataView, at: number, type: ScalarType): number | bigint | boolean | Date {
  switch (type) {
    case 'u8': return dv.getUint8(at);
    case 'i8': return dv.getInt8(at);
    case 'u16': return dv.getUint16(at, true);
    case 'i16': return dv.getInt16(at, true);
    case 'u32': return dv.getUint32(at, true);
    case 'i32': return dv.getInt32(at, true);
    case 'u64': return dv.getBigUint64(at, true);
    case 'i64': return dv.getBigInt64(at, true);
    case 'f32': return dv.getFloat32(at, true);
    case 'f64': return dv.getFloat64(at, true);
    case 'bool': return dv.getUint8(at) !== 0;
    case 'timestamp': return new Date(Number(dv.getBigInt64(at, true)));
  }
}

function widenValue(value: number | bigint | boolean | Date, to: ScalarType): number | bigint {
  const n = value as number | bigint;
  return to === 'u64' || to === 'i64' ? BigInt(n) : Number(n);
}

function writeScalar(dv: DataView, at: number, type: ScalarType, value: number | bigint): void {
  switch (type) {
    case 'u16': return dv.setUint16(at, value as number, true);
    case 'i16': return dv.setInt16(at, value as number, true);
    case 'u32': return dv.setUint32(at, value as number, true);
    case 'i32': return dv.setInt32(at, value as number, true);
    case 'u64': return dv.setBigUint64(at, value as bigint, true);
    case 'i64': return dv.setBigInt64(at, value as bigint, true);
    case 'f64': return dv.setFloat64(at, value as number, true);
    default: throw new Error(`no integer widens to ${type}`);
  }
}

const utf8 = new TextDecoder();

/** The field values of the object at `at` under `layout`, frozen (a counter as its bigint value); refs, maps and vectors left out. */
export function readOldValues(dv: DataView, u8: Uint8Array, layout: TypeLayout, at: number): Readonly<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const f of layout.fields) {
    const p = at + f.offset;
    switch (f.kind) {
      case 'scalar':
        out[f.name] = readScalar(dv, p, f.scalar!);
        break;
      case 'string':
        out[f.name] = utf8.decode(u8.subarray(p + 4, p + 4 + Math.min(dv.getUint32(p, true), f.maxBytes!)));
        break;
      case 'bytes':
        out[f.name] = u8.slice(p, p + f.length!);
        break;
      case 'array': {
        const width = f.size / f.length!;
        out[f.name] = Object.freeze(Array.from({ length: f.length! }, (_, i) => readScalar(dv, p + i * width, f.scalar!)));
        break;
      }
      case 'struct':
        out[f.name] = readOldValues(dv, u8, f.struct!, p);
        break;
      case 'heapString':
      case 'heapBytes': {
        const blob = Number(dv.getBigUint64(p, true));
        const bytes = blob === 0 ? new Uint8Array(0) : u8.slice(blob, blob + Number(dv.getBigUint64(p + 8, true)));
        out[f.name] = f.kind === 'heapString' ? utf8.decode(bytes) : bytes;
        break;
      }
      case 'counter': {
        // The value: the sum of its stripes, u64 each at the start of its own 64-byte line.
        let sum = 0n;
        for (let i = 0; i < f.length!; i++) sum += dv.getBigUint64(p + 64 * i, true);
        out[f.name] = sum;
        break;
      }
      default: // ref, map, vector: carried over to `next`, not shown in `old`
        break;
    }
  }
  return Object.freeze(out);
}
