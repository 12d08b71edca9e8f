/**
 * An embedded PostgreSQL for the demo: PGlite (PostgreSQL compiled to WebAssembly, in this process) behind a
 * PGLiteSocketServer on a free loopback port, so that pod-migrate reaches it exactly as it reaches a real server:
 * through a `postgres://` URL, slonik and node-postgres.
 *
 * Every client connection shares the one PGlite session: the URL asks the dialect for a pool of one connection
 * (`?maximumPoolSize=1`), and nothing here may leave a session setting behind (search_path…). The session settings
 * the dialect sends in its startup packet (TimeZone, DateStyle, IntervalStyle…) never reach that session: they go
 * into the instance's postgresql.conf instead, so that they also survive slonik's DISCARD ALL between queries.
 *
 * PGlite ships a CommonJS build (`require` works from Node); jest's VM loader cannot run its WASM loader's dynamic
 * import, so the demo's test runs the built CLI in a child process.
 */
import { mkdirSync, readdirSync, existsSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { SESSION_SETTINGS } from '../dialects/postgres/codec';

export interface EmbeddedPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres?maximumPoolSize=1` (no password: PGlite accepts any). */
  url: string;
  port: number;
  /** Where the cluster lives on disk (`--keep DIR/v3`), or undefined when in memory. */
  dataDir: string | undefined;
  /** The PGlite instance itself, for loading schema scripts without a network round trip. */
  db: PGlite;
  /** Runs a multi-statement script on the instance, then resets every session setting it made (pg_dump's search_path…). */
  exec(sqlText: string): Promise<void>;
  /** Closes the socket server (and its client connections), then the instance (flushing it to its data directory). */
  stop(): Promise<void>;
}

/** Client connections the socket server accepts: the pool (1), executeScript's short client, a seeding connection. */
const MAX_CONNECTIONS = 8;

export function isEmptyOrMissing(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

export async function startEmbeddedPostgres(options: { dataDir?: string } = {}): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    dataDir: options.dataDir,
    postgresqlconf: Object.entries(SESSION_SETTINGS).map(([name, value]) => `${name} = '${value}'`),
  });
  let server: PGLiteSocketServer | undefined;
  try {
    // Port 0: the system picks a free port; the server reads back the bound one.
    server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: MAX_CONNECTIONS });
    await server.start();
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  const port = Number(server.getServerConn().split(':').pop());
  const running = server;
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres?maximumPoolSize=1`,
    port,
    dataDir: options.dataDir,
    db,
    exec: async (sqlText) => {
      try {
        await db.exec(sqlText);
      } finally {
        // One session for every client: a script's SET (pg_dump empties search_path) must not outlive it.
        await db.exec('RESET ALL');
      }
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      try {
        await running.stop();
      } finally {
        await db.close();
      }
    },
  };
}
