/**
 * Write heat of one pool session, recorded only when the pool is opened with `heat: true`: how many
 * times each 64-byte line of the mapping is flushed, how many bytes the undo/redo logs copy, and how
 * many bytes the application's field stores changed. The session holds `null` instead of a recorder
 * when heat is off, so the commit path pays one null check per native call and field stores nothing.
 */

/** Bytes in a cache line: the unit CPUs flush and PMEM media wear by. */
export const LINE_BYTES = 64;

export class HeatRecorder {
  /** Flushes per line, keyed by line number (offset / 64). */
  readonly lines = new Map<number, number>();
  /** Bytes the application's field stores changed. */
  changedBytes = 0;
  /** Cache lines flushed (a line flushed twice counts twice). */
  flushedLines = 0;
  /** Bytes copied into libpmemobj's logs: undo snapshots, and 16 bytes (address and value) per redo word. */
  loggedBytes = 0;
  /** Paused while pmemts writes its own record of the heat (so saving it is not counted as heat). */
  paused = false;

  /** [offset, offset + length) of the mapping is flushed (now, or by the commit of the running transaction). */
  flushed(offset: number, length: number): void {
    if (this.paused || length <= 0) return;
    const first = Math.floor(offset / LINE_BYTES);
    const last = Math.floor((offset + length - 1) / LINE_BYTES);
    for (let line = first; line <= last; line++) this.lines.set(line, (this.lines.get(line) ?? 0) + 1);
    this.flushedLines += last - first + 1;
  }

  /** An undo snapshot of [offset, offset + length): copied into the log, and the range flushed at commit. */
  snapshot(offset: number, length: number): void {
    if (this.paused) return;
    this.loggedBytes += length;
    this.flushed(offset, length);
  }

  /** Redo-logged 8-byte words (address and value per entry in libpmemobj's redo log). */
  redoWords(words: number): void {
    if (!this.paused) this.loggedBytes += 16 * words;
  }

  changed(bytes: number): void {
    if (!this.paused) this.changedBytes += bytes;
  }

  clear(): void {
    this.lines.clear();
    this.changedBytes = 0;
    this.flushedLines = 0;
    this.loggedBytes = 0;
  }
}
