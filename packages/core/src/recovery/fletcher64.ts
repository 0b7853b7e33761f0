/** libpmemobj's checksum (util.c util_checksum_compute / util_checksum_seq): Fletcher64 over little-endian 32-bit words. */

/** The two 32-bit halves of a checksum (the u64 is hi << 32 | lo). */
export interface Fletcher64 {
  readonly lo: number;
  readonly hi: number;
}

/** Sums `length` bytes (a multiple of 4) from `start`, reading the 8 bytes at `skip` (a checksum field) as zero; `from` continues a sum. */
export function fletcher64(bytes: Buffer, start: number, length: number, skip = -8, from: Fletcher64 = { lo: 0, hi: 0 }): Fletcher64 {
  let { lo, hi } = from;
  for (let at = start; at < start + length; at += 4) {
    if (at !== skip && at !== skip + 4) lo = (lo + bytes.readUInt32LE(at)) >>> 0;
    hi = (hi + lo) >>> 0;
  }
  return { lo, hi };
}

/** Whether the u64 at `at` holds `sum`. */
export function holdsChecksum(bytes: Buffer, at: number, sum: Fletcher64): boolean {
  return bytes.readUInt32LE(at) === sum.lo && bytes.readUInt32LE(at + 4) === sum.hi;
}

/** Stores `sum` as the u64 at `at`. */
export function writeChecksum(bytes: Buffer, at: number, sum: Fletcher64): void {
  bytes.writeUInt32LE(sum.lo, at);
  bytes.writeUInt32LE(sum.hi, at + 4);
}
