/** Shared steps of the end-to-end tests: databases with Pod's schemas, seeding, running the real plan. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect, getDialect } from '../../src/dialects';
import type { DialectName } from '../../src/dialects/dialect';
import { parseConnectionUrl } from '../../src/dialects/url';
import { CollectingReporter } from '../../src/engine/reporter';
import { runPlan, type RunOutcome } from '../../src/engine/run';
import { loadPlan } from '../../src/plan';
import type { ResolvedPlan } from '../../src/plan/types';
import { seedDatabase } from '../../src/seed/write';
import { createPodDatabase, type TestDatabase } from './databases';

export const PLAN_PATH = resolve(__dirname, '..', '..', 'plans', 'v3-to-v4.yaml');

/** Writes a site's fork of the shipped plan to `path`: an overlay that `extends` it, then the given YAML lines. */
export function writePlanFork(path: string, name: string, lines: string[]): void {
  writeFileSync(path, ['version: 1', `name: ${name}`, `extends: ${JSON.stringify(PLAN_PATH)}`, ...lines].join('\n'));
}

export async function realPlan(): Promise<ResolvedPlan> {
  return loadPlan(PLAN_PATH);
}

export interface MigrationPair {
  v3: TestDatabase;
  v4: TestDatabase;
  dir: string;
  dumpPath: string;
  cleanup(): Promise<void>;
}

/** A seeded Pod 3.8.4 database and a fresh Pod 4.0.3 one (as after make createDB). */
export async function createPair(
  source: DialectName,
  target: DialectName,
  options: { videos?: number; seed?: number; staleOwnerPaths?: boolean } = {},
): Promise<MigrationPair> {
  const v3 = await createPodDatabase(source, '3.8.4', { data: 'initial', label: `v3${source}` });
  const v4 = await createPodDatabase(target, '4.0.3', { data: 'createdb', label: `v4${target}` });
  const conn = await connect(parseConnectionUrl(v3.url));
  try {
    await seedDatabase(conn, { videos: options.videos ?? 20, seed: options.seed ?? 1, staleOwnerPaths: options.staleOwnerPaths });
  } finally {
    await conn.close();
  }
  const dir = mkdtempSync(join(tmpdir(), 'pod-migrate-'));
  return {
    v3,
    v4,
    dir,
    dumpPath: join(dir, 'v3_exported_tables.json'),
    cleanup: async () => {
      await v3.drop();
      await v4.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function runRealPlan(
  pair: { v3?: TestDatabase; v4: TestDatabase; dumpPath: string },
  options: {
    dry?: boolean;
    onlyTags?: boolean;
    plan?: ResolvedPlan;
    force?: boolean;
    createDB?: boolean;
    podDir?: string;
    overwrite?: boolean;
  } = {},
): Promise<RunOutcome & { reporter: CollectingReporter }> {
  const reporter = new CollectingReporter();
  const outcome = await runPlan({
    plan: options.plan ?? (await realPlan()),
    dry: options.dry ?? false,
    createDB: options.createDB ?? false,
    onlyTags: options.onlyTags ?? false,
    source: pair.v3 ? parseConnectionUrl(pair.v3.url) : undefined,
    target: parseConnectionUrl(pair.v4.url),
    dumpPath: pair.dumpPath,
    podDir: options.podDir,
    force: options.force,
    overwrite: options.overwrite,
    reporter,
  });
  return { ...outcome, reporter };
}

/** Every row of every table, as text: to prove a database is byte-for-byte as it was. */
export async function snapshot(db: TestDatabase): Promise<Record<string, string>> {
  const tables =
    db.dialect === 'mysql'
      ? (
          await db.query(
            "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY 1",
          )
        ).map((r) => String(r.t))
      : (await db.query("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).map((r) => String(r.t));
  const out: Record<string, string> = {};
  const q = (n: string) => getDialect(db.dialect).quoteIdent(n);
  for (const t of tables) {
    const rows = await db.query(`SELECT * FROM ${q(t)}`);
    out[t] = rows
      .map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)))
      .sort()
      .join('\n');
  }
  return out;
}
