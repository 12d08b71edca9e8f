/**
 * Pod's own PostgreSQL schemas, shipped with the package (package.json "files": test/fixtures/pod-schemas).
 * Resolved from this file's folder: dist/demo (or src/demo under ts-node/jest) → ../../test/fixtures/pod-schemas.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PodMigrateError } from '../errors';

export const POD_SCHEMAS_DIR = resolve(__dirname, '..', '..', 'test', 'fixtures', 'pod-schemas');

/** What `make createDB` leaves in a PostgreSQL database, per Pod version: schema first, then rows. */
export const DEMO_SCRIPTS = {
  v3: ['pod-3.8.4/postgresql.sql', 'pod-3.8.4/postgresql-initial-data.sql'],
  v4: ['pod-4.0.3/postgresql.sql', 'pod-4.0.3/postgresql-createdb-data.sql'],
} as const;

export function readFixture(relative: string): string {
  const path = join(POD_SCHEMAS_DIR, relative);
  if (!existsSync(path)) {
    throw new PodMigrateError('USAGE', `the demo needs Pod's schema fixture ${path}, which is not there (is the package complete?)`);
  }
  return readFileSync(path, 'utf8');
}
