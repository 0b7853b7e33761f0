/**
 * What libpmemobj's recovery will do at the next open, read from the pool file before it is opened:
 * libpmemobj 1.12 recovers silently, so the only way to know is to look at its lanes first, with the
 * same validity tests its recovery applies (lane.c lane_recover_and_section_boot, ulog.c). Costs one
 * read of the lane area (nlanes × 3 KiB: 3 MiB for the default 1,024 lanes, ~2 ms from the page cache
 * here), nothing per transaction.
 */
import * as fs from 'node:fs';
import { MIN_POOL_SIZE, requireString } from '@pmemts/native';
import { fletcher64, holdsChecksum } from './fletcher64';

/** Lanes whose logs libpmemobj's recovery will apply at the next open. */
export interface PendingRecovery {
  /** Lanes whose undo log holds valid entries: a transaction was in flight there, and open rolls it back. */
  readonly lanesToRollBack: number;
  /** Lanes whose redo log (internal or external) is complete but not yet applied: open replays it (an interrupted commit or atomic allocation, rolled forward). */
  readonly lanesToReplay: number;
}

// struct pmemobjpool (obj.h): pool_hdr (4 KiB) | layout[1024] | lanes_offset u64 | nlanes u64 | ...
const SIGNATURE = 'PMEMOBJ\0';
const LANES_OFFSET_FIELD = 4096 + 1024;
// struct lane_layout (lane.h): ULOG(192) internal redo | ULOG(640) external redo | ULOG(2048) undo.
const LANE_SIZE = 3072;
const ULOG_HEADER = 64;
const INTERNAL_REDO = 0;
const INTERNAL_REDO_CAPACITY = 192;
const EXTERNAL_REDO = ULOG_HEADER + INTERNAL_REDO_CAPACITY;
const EXTERNAL_REDO_CAPACITY = 640;
const UNDO = EXTERNAL_REDO + ULOG_HEADER + EXTERNAL_REDO_CAPACITY;
const UNDO_CAPACITY = LANE_SIZE - UNDO - ULOG_HEADER;
// struct ulog header: checksum u64 | next u64 | capacity u64 | gen_num u64 | flags u64 | unused[3].
const CAPACITY_FIELD = 16;
const GEN_NUM_FIELD = 24;
// Entries: offset u64 whose top 3 bits are the operation; buffer entries add checksum u64 | size u64 | data.
// u64 fields are read as two u32 halves (no BigInt: the scan runs at every open).
const OPERATION_SHIFT = 29; // of the high half
const BUF_SET = 0b101;
const BUF_CPY = 0b110;
const VALUE_ENTRY_SIZE = 16;
const BUF_ENTRY_HEADER = 24;
const CACHELINE = 64;

/**
 * Scans the lanes of the pool file at `file` without opening it. Returns null when the lanes cannot be
 * read this way (not a regular file, e.g. a device DAX, which supports only mmap; too small, not a
 * libpmemobj pool, or a lane table outside the file): the open that follows reports its own errors.
 * Read only: never changes the file.
 * @throws {TypeError} when file is not a non-empty string.
 */
export function scanPendingRecovery(file: string): PendingRecovery | null {
  requireString('scanPendingRecovery: path', file);
  let fd: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size < MIN_POOL_SIZE) return null;
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(LANES_OFFSET_FIELD + 16);
    if (fs.readSync(fd, head, 0, head.length, 0) !== head.length || head.toString('latin1', 0, 8) !== SIGNATURE) return null;
    const lanesOffset = head.readBigUInt64LE(LANES_OFFSET_FIELD);
    const nlanes = head.readBigUInt64LE(LANES_OFFSET_FIELD + 8);
    const size = BigInt(fs.fstatSync(fd).size);
    if (nlanes === 0n || lanesOffset + nlanes * BigInt(LANE_SIZE) > size) return null;
    // Unzeroed: the read must fill it whole, or the scan gives up.
    const lanes = Buffer.allocUnsafe(Number(nlanes) * LANE_SIZE);
    if (fs.readSync(fd, lanes, 0, lanes.length, Number(lanesOffset)) !== lanes.length) return null;
    let lanesToRollBack = 0;
    let lanesToReplay = 0;
    for (let lane = 0; lane < lanes.length; lane += LANE_SIZE) {
      if (undoHasEntries(lanes, lane + UNDO)) lanesToRollBack++;
      if (redoNeedsReplay(lanes, lane + INTERNAL_REDO, INTERNAL_REDO_CAPACITY) || redoNeedsReplay(lanes, lane + EXTERNAL_REDO, EXTERNAL_REDO_CAPACITY)) lanesToReplay++;
    }
    return { lanesToRollBack, lanesToReplay };
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/** ulog_base_nbytes(undo) > 0, the test operation_resume/operation_finish make: its first entry is valid for the log's generation. */
function undoHasEntries(bytes: Buffer, ulog: number): boolean {
  const end = ulog + ULOG_HEADER + Math.min(capacityOf(bytes, ulog), UNDO_CAPACITY);
  const entry = ulog + ULOG_HEADER;
  const size = entrySize(bytes, entry, end);
  if (size === 0) return false;
  if (!isBufferEntry(bytes, entry)) return true;
  // ulog_entry_valid: the entry's Fletcher64 (its checksum field as zero), continued over the log's gen_num.
  const sum = fletcher64(bytes, entry, size, entry + 8);
  return holdsChecksum(bytes, entry + 8, fletcher64(bytes, ulog + GEN_NUM_FIELD, 8, -8, sum));
}

/** ulog_recovery_needed(redo, verify checksum): some valid entries, and the header's checksum over header + entries holds. */
function redoNeedsReplay(bytes: Buffer, ulog: number, layoutCapacity: number): boolean {
  const end = ulog + ULOG_HEADER + Math.min(capacityOf(bytes, ulog), layoutCapacity);
  let at = ulog + ULOG_HEADER;
  for (let size = entrySize(bytes, at, end); size !== 0; size = entrySize(bytes, at, end)) at += size;
  const nbytes = at - (ulog + ULOG_HEADER);
  if (nbytes === 0) return false;
  return holdsChecksum(bytes, ulog, fletcher64(bytes, ulog, ULOG_HEADER + nbytes, ulog));
}

function capacityOf(bytes: Buffer, ulog: number): number {
  return Math.min(u64(bytes, ulog + CAPACITY_FIELD), LANE_SIZE);
}

/** The u64 at `at`, exact up to 2^53 (larger values only need to compare as larger than a lane). */
function u64(bytes: Buffer, at: number): number {
  return bytes.readUInt32LE(at + 4) * 2 ** 32 + bytes.readUInt32LE(at);
}

function isBufferEntry(bytes: Buffer, entry: number): boolean {
  const operation = bytes.readUInt32LE(entry + 4) >>> OPERATION_SHIFT;
  return operation === BUF_SET || operation === BUF_CPY;
}

/** ulog_entry_size of a non-empty entry that fits before `end`, else 0 (the end of the log's entries). */
function entrySize(bytes: Buffer, entry: number, end: number): number {
  if (entry + VALUE_ENTRY_SIZE > end || (bytes.readUInt32LE(entry) === 0 && bytes.readUInt32LE(entry + 4) === 0)) return 0;
  if (!isBufferEntry(bytes, entry)) return VALUE_ENTRY_SIZE;
  if (entry + BUF_ENTRY_HEADER > end) return 0;
  const data = u64(bytes, entry + 16);
  if (data > end - entry) return 0;
  const size = Math.ceil((BUF_ENTRY_HEADER + data) / CACHELINE) * CACHELINE;
  return entry + size > end ? 0 : size;
}
