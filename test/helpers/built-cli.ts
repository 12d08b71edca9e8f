/**
 * The built `pod-migrate` executable (dist/cli/main.js), for tests that need a real process: signals, PGlite's
 * WASM loader (a real dynamic import, which jest's module loader refuses).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** CI builds first; a developer's `npm test` after editing src gets a fresh dist here. */
export function ensureBuiltCli(): void {
  if (existsSync(CLI) && newestMtime(join(ROOT, 'src')) <= statSync(CLI).mtimeMs) return;
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
}
