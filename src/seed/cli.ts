#!/usr/bin/env node
/**
 * `npm run seed -- --url URL --videos N [--dialect mysql|postgres] [--seed S] [--stale-owner-paths] [--busy] [--clear]`
 *
 * Fills a Pod 3.8.4 database (schema and Pod's initial rows already loaded) with deterministic, realistic data over
 * every exported table, django-tagging's tables included.
 */
import { Command, InvalidArgumentError } from 'commander';
import { connect } from '../dialects';
import { type ConnectionSettings, parseConnectionUrl, redactSecrets } from '../dialects/url';
import { PodMigrateError, exitCodeFor } from '../errors';
import { seedDatabase } from './write';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer ≥ 1');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('seed')
    .description('Fill a Pod 3.8.4 database with deterministic, realistic data (every exported table, tags included)')
    .requiredOption('--url <url>', 'the database: mysql://, mariadb:// or postgres://user:password@host:port/database')
    .requiredOption('--videos <n>', 'number of videos (users ≈ videos/5, everything else scales)', positiveInt)
    .option('--dialect <dialect>', 'mysql or postgres (checked against the URL)')
    .option('--seed <s>', 'random seed: the same seed gives the same rows', integer, 1)
    .option('--stale-owner-paths', 'a few encodings keep a previous owner’s hashkey in their path')
    .option('--busy', 'a busier site: ~10 view-count days and ~5 tags per video, encoding logs of 4–12 KB')
    .option('--clear', 'empty the seeded tables first')
    .option('--quiet', 'print the total only')
    .exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    return (error as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
  const opts = program.opts<{
    url: string;
    videos: number;
    dialect?: string;
    seed: number;
    staleOwnerPaths?: boolean;
    busy?: boolean;
    clear?: boolean;
    quiet?: boolean;
  }>();
  let settings: ConnectionSettings;
  try {
    settings = parseConnectionUrl(opts.url);
    if (opts.dialect !== undefined && opts.dialect !== settings.dialect) {
      throw new PodMigrateError('USAGE', `--dialect ${opts.dialect} does not match the URL (${settings.dialect})`);
    }
  } catch (error) {
    process.stderr.write(`seed: ${(error as Error).message}\n`);
    return exitCodeFor(error);
  }
  const conn = await connect(settings).catch((error: unknown) => {
    process.stderr.write(`seed: cannot connect to ${settings.displayName}: ${redactSecrets((error as Error).message, settings)}\n`);
    return undefined;
  });
  if (conn === undefined) return 1;
  try {
    let last = '';
    const result = await seedDatabase(conn, {
      videos: opts.videos,
      seed: opts.seed,
      staleOwnerPaths: opts.staleOwnerPaths ?? false,
      busy: opts.busy ?? false,
      clear: opts.clear ?? false,
      onProgress: (table) => {
        if (!opts.quiet && table !== last && process.stderr.isTTY) process.stderr.write(`\r\x1b[K  ${table}…`);
        last = table;
      },
    });
    if (process.stderr.isTTY && !opts.quiet) process.stderr.write('\r\x1b[K');
    if (!opts.quiet) {
      const width = Math.max(...[...result.perTable.keys()].map((t) => t.length));
      for (const [table, n] of [...result.perTable].sort((a, b) => a[0].localeCompare(b[0]))) {
        process.stdout.write(`${table.padEnd(width)}  ${String(n).padStart(9)}\n`);
      }
    }
    process.stdout.write(
      `seeded ${settings.displayName}: ${result.rows} rows in ${result.tables} tables, ${opts.videos} videos, seed ${opts.seed}, in ${(result.ms / 1000).toFixed(1)} s\n`,
    );
    return 0;
  } catch (error) {
    const message = error instanceof PodMigrateError ? error.describe() : (error as Error).message;
    process.stderr.write(`seed: ${redactSecrets(message, settings)}\n`);
    return exitCodeFor(error);
  } finally {
    await conn.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`seed: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
