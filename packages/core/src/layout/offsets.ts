/**
 * C layout rules: what a C compiler on x86-64 and aarch64 (LP64) does with the generated header, so
 * a C program reads the objects TypeScript writes.
 *
 * - Fields are placed in declaration order; a subclass's fields follow its parents', whose offsets
 *   do not change.
 * - Each field starts at a multiple of its alignment. Natural alignments: u8/i8/bool 1, u16/i16 2,
 *   u32/i32/f32 4, u64/i64/f64/timestamp 8; inline string 4; bytes 1; array its element's;
 *   embedded struct its own; ref (PMEMoid), map/vector (a PMEMoid of its header) and heap slot 8.
 * - Sizes: a scalar its width; inline string 4 + maxBytes rounded up to 4 (it is the C struct
 *   `{ uint32_t len; char data[maxBytes]; }`); bytes its length; array element size × length;
 *   embedded struct its padded size; ref, map, vector and heap slot 16; counter 64 × stripes, aligned
 *   to 64 (each stripe a cache line of its own).
 * - A field's `align` option raises its alignment (64 = one cache line); lower values change nothing.
 * - The struct's alignment is the largest of its fields' and of the class's `align` option; its size
 *   is the end of the last field padded to a multiple of that alignment.
 * - Every multi-byte value is little-endian, as on the platforms libpmemobj runs on.
 */
import type { ScalarType } from '@pmemts/decorators';
import type { FieldLayout } from './types';

/** Width in bytes of each scalar type; also its natural alignment. */
export const SCALAR_SIZE: Readonly<Record<ScalarType, number>> = {
  u8: 1, i8: 1, bool: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, u64: 8, i64: 8, f64: 8, timestamp: 8,
};

/** Bytes of the u32 length in front of an inline string's bytes. */
export const INLINE_STRING_HEADER = 4;

/** Bytes of a heap slot {u64 offset, u64 length} and of a ref {u64 pool_uuid_lo, u64 offset}. */
export const SLOT_SIZE = 16;

/** Bytes of one counter stripe, and its alignment: a cache line, so two stripes never share one. */
export const COUNTER_STRIPE_SIZE = 64;

/** `value` rounded up to a multiple of `align` (a power of two). */
export function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

/** Size and natural alignment of a field by its kind, before any `align` option. */
export function naturalPlacement(field: Pick<FieldLayout, 'kind' | 'scalar' | 'length' | 'maxBytes' | 'struct'>): { size: number; align: number } {
  switch (field.kind) {
    case 'scalar':
      return { size: SCALAR_SIZE[field.scalar!], align: SCALAR_SIZE[field.scalar!] };
    case 'string':
      return { size: alignUp(INLINE_STRING_HEADER + field.maxBytes!, 4), align: 4 };
    case 'heapString':
    case 'heapBytes':
    case 'ref':
    case 'map':
    case 'vector':
      return { size: SLOT_SIZE, align: 8 };
    case 'bytes':
      return { size: field.length!, align: 1 };
    case 'array':
      return { size: SCALAR_SIZE[field.scalar!] * field.length!, align: SCALAR_SIZE[field.scalar!] };
    case 'struct':
      return { size: field.struct!.size, align: field.struct!.align };
    case 'counter':
      return { size: COUNTER_STRIPE_SIZE * field.length!, align: COUNTER_STRIPE_SIZE };
  }
}
