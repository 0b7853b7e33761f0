/** Builds the power-failure imager (crash-image.c, an LD_PRELOAD library) into `dir`; returns the library's path. */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

export function buildCrashImager(dir: string): string {
  const library = path.join(dir, 'libcrash.so');
  execFileSync('cc', ['-shared', '-fPIC', '-O2', '-Wall', '-o', library, path.join(__dirname, 'crash-image.c'), '-ldl']);
  return library;
}
