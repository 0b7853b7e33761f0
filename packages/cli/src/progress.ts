/**
 * A one-line progress indicator on stderr for the commands that walk a heap or import many objects.
 * Drawn only on a terminal: on a pipe or file stderr stays clean and stdout stays parseable. Redrawn at
 * most once per REDRAW_INTERVAL_MS, since the loops that feed it run millions of times a second, and
 * erased when the operation ends, so the command's output and error lines start on a clean line.
 */

/** The part of a stream the indicator uses (process.stderr, or a fake terminal in tests). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): boolean;
}

export interface Progress {
  /** Starts a stage of the operation: `label`, with a count of `unit` from 0 (out of `total` when known), or no count without a unit. */
  stage(label: string, unit?: string, total?: number): void;
  /** `done` items of the current stage are finished. */
  update(done: number): void;
  /** One more item of the current stage is finished. */
  tick(): void;
  /** Erases the line; the indicator draws nothing after this. */
  end(): void;
}

export interface ProgressOptions {
  /** `--quiet`: draw nothing. */
  readonly quiet?: boolean;
  readonly stream?: ProgressStream;
  /** Milliseconds since some fixed moment (tests pass a fake clock). */
  readonly now?: () => number;
}

/** 10 redraws a second: smooth enough to read, cheap enough not to slow a heap walk down. */
export const REDRAW_INTERVAL_MS = 100;
const BAR_WIDTH = 20;
/** Carriage return, then "erase to the end of the line". */
const ERASE_LINE = '\r\x1b[K';

const SILENT: Progress = { stage() {}, update() {}, tick() {}, end() {} };

/** An indicator on `stream` (default stderr), or one that draws nothing when quiet or not on a terminal. */
export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  // TERM=dumb terminals cannot erase a line.
  if (options.quiet || stream.isTTY !== true || process.env.TERM === 'dumb') return SILENT;
  return new TerminalProgress(stream, options.now ?? (() => performance.now()));
}

/** Runs `fn` with an indicator and always erases it, also when `fn` throws (the error line follows). */
export function withProgress<T>(options: ProgressOptions, fn: (progress: Progress) => T): T {
  const progress = createProgress(options);
  try {
    return fn(progress);
  } finally {
    progress.end();
  }
}

/** `items`, telling `progress` of each one as it is taken. */
export function* counted<T>(items: Iterable<T>, progress: Progress): Generator<T> {
  for (const item of items) {
    progress.tick();
    yield item;
  }
}

class TerminalProgress implements Progress {
  private label = '';
  private unit: string | undefined;
  private total: number | undefined;
  private done = 0;
  private readonly started: number;
  private lastDraw = -Infinity;
  private drawn = false;
  private ended = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number,
  ) {
    this.started = now();
  }

  stage(label: string, unit?: string, total?: number): void {
    this.label = label;
    this.unit = unit;
    this.total = total;
    this.done = 0;
    this.redraw();
  }

  update(done: number): void {
    this.done = done;
    this.redraw();
  }

  tick(): void {
    this.update(this.done + 1);
  }

  end(): void {
    if (this.drawn) this.stream.write(ERASE_LINE);
    this.drawn = false;
    this.ended = true;
  }

  private redraw(): void {
    const now = this.now();
    if (this.ended || now - this.lastDraw < REDRAW_INTERVAL_MS) return;
    this.lastDraw = now;
    this.drawn = true;
    this.stream.write(ERASE_LINE + this.fit(this.text(now)));
  }

  private text(now: number): string {
    const seconds = `${((now - this.started) / 1000).toFixed(1)} s`;
    if (this.unit === undefined) return `${this.label}…  ${seconds}`;
    const count = this.done.toLocaleString('en-US');
    if (this.total === undefined || this.total <= 0) return `${this.label}: ${count} ${this.unit}  ${seconds}`;
    const fraction = Math.min(1, this.done / this.total);
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = '#'.repeat(filled) + '-'.repeat(BAR_WIDTH - filled);
    return `${this.label}: [${bar}] ${count}/${this.total.toLocaleString('en-US')} ${this.unit} ${Math.floor(fraction * 100)}%  ${seconds}`;
  }

  /** Cut to the terminal's width: a wrapped line could not be erased with one carriage return. */
  private fit(text: string): string {
    // A pseudo-terminal without a size (script, some CI runners) reports 0 columns.
    const width = (this.stream.columns || 80) - 1;
    return text.length > width ? text.slice(0, Math.max(0, width)) : text;
  }
}
