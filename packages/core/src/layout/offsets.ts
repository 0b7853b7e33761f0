/**
 * C layout rules (what a C compiler on x86-64/aarch64 does for the generated header):
 * - fields are placed in declaration order (a subclass's fields after its parent's);
 * - each field starts at a multiple of its alignment: u8/i8/bool 1, u16/i16 2, u32/i32/f32 4,
 *   u64/i64/f64/timestamp 8; inline string 4 (u32 length, then maxBytes bytes); bytes 1; array its
 *   element's; embedded struct its own; ref (PMEMoid) and heap slot ({u64 off, u64 len}) 8;
 * - a field's `align` option, or the class's, raises the alignment (64 = one cache line);
 * - the struct's alignment is the largest of its fields' (or the class option), and its size is
 *   padded to a multiple of it.
 */
import type { ScalarType } from '@pmemts/decorators';

export const SCALAR_SIZE: Record<ScalarType, number> = {
  u8: 1, i8: 1, bool: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, u64: 8, i64: 8, f64: 8, timestamp: 8,
};

export function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}
