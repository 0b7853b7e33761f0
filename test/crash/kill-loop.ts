/**
 * The loop shared by the process-kill tests: run i starts a child on the workload's one long-lived
 * pool, lets it work for a few milliseconds after it says `ready`, SIGKILLs it, and hands the lines it
 * completed to the check. Children load their modules before they read their run's arguments from
 * stdin (read-go.js), so the next child starts while the last one is checked: a kill costs the short
 * run and the check, not Node's start-up. PMEMTS_TORTURE multiplies each default count by ten.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** A kill count: the env variable when set, else the default (times ten under PMEMTS_TORTURE). */
export { runCount as killCount } from '../model/check';

export interface KillLoop {
  /** The child script and its fixed arguments. */
  readonly child: string;
  readonly args: readonly string[];
  /** Extra environment of run i's child (known ahead: the child starts before run i - 1 is checked). */
  env?(run: number): Record<string, string>;
  /** Run i's own arguments, sent on the child's stdin. */
  go(run: number): string[];
  /** Milliseconds between the child's `ready` and the kill. */
  delayMs(run: number): number;
  /** Checks the pool after run i; `lines` are the lines the child completed after `ready`. */
  check(lines: string[], run: number): void | Promise<void>;
}

interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  out: string;
  err: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(loop: KillLoop, run: number): Started {
  const child = spawn(process.execPath, [loop.child, ...loop.args], { env: { ...process.env, ...loop.env?.(run) }, stdio: ['pipe', 'pipe', 'pipe'] });
  const started: Started = {
    child,
    out: '',
    err: '',
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout.on('data', (d) => (started.out += d));
  child.stderr.on('data', (d) => (started.err += d));
  return started;
}

/** Children loading ahead of the run: two keep both cores busy while a run is checked. */
const WARM = 2;

/** Runs `kills` runs of the loop; returns the time per kill (run, check and waiting for a child), in ms. */
export async function runKills(loop: KillLoop, kills: number): Promise<number> {
  const began = Date.now();
  const warm: Started[] = [];
  let started = 0;
  const topUp = () => {
    while (warm.length < WARM && started < kills) warm.push(start(loop, started++));
  };
  try {
    for (let run = 0; run < kills; run++) {
      topUp();
      const current = warm.shift()!;
      current.child.stdin.write(`${loop.go(run).join(' ')}\n`);
      topUp(); // the next ones load while this one runs and is checked
      await new Promise<void>((resolve) => {
        const onData = () => {
          if (!current.out.includes('ready\n')) return;
          current.child.stdout.off('data', onData);
          setTimeout(() => {
            current.child.kill('SIGKILL');
            resolve();
          }, loop.delayMs(run));
        };
        current.child.stdout.on('data', onData);
        void current.exited.then(() => resolve()); // ended (or failed) before ready: reported below
      });
      const { code, signal } = await current.exited;
      if (signal !== 'SIGKILL') throw new Error(`kill run ${run}: the child ended with ${code ?? signal} before it was killed: ${current.err}`);
      const lines = current.out.split('\n');
      lines.pop(); // a line cut by the kill was never completed
      await loop.check(lines.slice(lines.indexOf('ready') + 1), run);
    }
  } finally {
    for (const idle of warm) idle.child.kill('SIGKILL');
  }
  return (Date.now() - began) / kills;
}
