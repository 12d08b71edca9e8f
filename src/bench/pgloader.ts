/**
 * pgloader as a peer in the benchmark (where it is installed: Debian package `pgloader`): the tool an administrator
 * moving from MariaDB to PostgreSQL would otherwise reach for. Its plain copy of the seeded v3 database into a fresh,
 * empty PostgreSQL database (its default load: schema created from the source, data copied, indexes built; no
 * v3→v4 transform, no tags, no verify), timed with its peak RSS by /usr/bin/time, in the same run as ours.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionSettings } from '../dialects/url';
import { createScratchDatabase, urlOf } from '../fixtures/scratch-database';
import { cleanups, serverSettings, type BenchDatabase } from './databases';

export interface PgloaderFigure {
  version: string;
  seconds: number;
  peakRssMb: number;
  /** Rows pgloader reports copied, when its summary says. */
  rows: number | null;
  error?: string;
}

/** `pgloader --version`'s first line, or null when it is not installed (or /usr/bin/time is missing). */
export function pgloaderVersion(): string | null {
  const probe = spawnSync('pgloader', ['--version'], { encoding: 'utf8' });
  const time = spawnSync('/usr/bin/time', ['-f', '%e', 'true'], { encoding: 'utf8' });
  if (probe.status !== 0 || time.status !== 0) return null;
  return probe.stdout.split('\n')[0].trim();
}

function loadFile(source: ConnectionSettings, target: ConnectionSettings): string {
  // The default load (create tables, copy, index): pgloader's plain copy. Data goes into the target's `public`
  // schema (pgloader would otherwise name the schema after the MariaDB database).
  return [
    'LOAD DATABASE',
    `  FROM ${urlOf(source)}`,
    `  INTO ${urlOf(target).replace(/^postgres:/, 'postgresql:')}`,
    `  ALTER SCHEMA '${source.database}' RENAME TO 'public'`,
    ';',
    '',
  ].join('\n');
}

/** Runs pgloader from the (MariaDB) v3 database into a new empty PostgreSQL database, dropped afterwards. */
export async function measurePgloader(source: BenchDatabase, version: string, log: (line: string) => void): Promise<PgloaderFigure> {
  const figure: PgloaderFigure = { version, seconds: 0, peakRssMb: 0, rows: null };
  const target = await createScratchDatabase(serverSettings('postgres'), 'pgloader', 'pm_bench');
  const dir = mkdtempSync(join(tmpdir(), 'pod-migrate-pgloader-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  cleanups.add(removeDir);
  try {
    const file = join(dir, 'v3.load');
    writeFileSync(file, loadFile(source.settings, target.settings));
    log(`pgloader: plain copy of ${source.name} into ${target.name}`);
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('/usr/bin/time', ['-f', 'POD_MIGRATE_TIME %e %M', 'pgloader', '--root-dir', dir, file], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (text += d.toString('utf8')));
      child.on('close', (status) => resolve({ code: status, output: text }));
    });
    const timing = /POD_MIGRATE_TIME ([\d.]+) (\d+)/.exec(output);
    if (timing) {
      figure.seconds = Number(timing[1]);
      figure.peakRssMb = Math.round(Number(timing[2]) / 102.4) / 10;
    }
    // Its summary's last line: "Total import time   ✓   <rows>   <bytes>   <time>".
    const total = /Total import time\s+\S+\s+(\d+)/.exec(output);
    if (total) figure.rows = Number(total[1]);
    if (code !== 0) {
      // Its own errors, or SBCL's when pgloader's Lisp heap is full ("Heap exhausted, game over."); else its last line.
      const lines = output.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('POD_MIGRATE_TIME'));
      const errors = lines.filter((l) => /\b(?:ERROR|FATAL)\b|Heap exhausted/.test(l));
      figure.error = `pgloader exited ${code}: ${(errors.length > 0 ? errors.slice(0, 3) : lines.slice(-1)).join(' | ') || 'no output'}`;
    }
  } finally {
    cleanups.delete(removeDir);
    removeDir();
    await target.drop().catch(() => undefined);
  }
  return figure;
}
