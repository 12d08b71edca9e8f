/**
 * Foreign-key integrity, checked by pod-migrate itself inside the import transaction before commit (MySQL's
 * checks are off during the load): every orphan row is reported with its table, column and ids, then handled by the
 * plan's policy: fail (default), skip (delete the row), null (clear the reference, where the column allows NULL).
 * Where the database checks every foreign key before COMMIT (PostgreSQL: `checksForeignKeysBeforeCommit`), only the
 * keys whose policy changes rows are searched here; the others are the server's to refuse. Elsewhere (MariaDB) the
 * keys the import's row checks decided for every row written (between replaced tables) are not searched again.
 */
import type { Dialect, ForeignKeyInfo, ImportTransaction, SchemaInfo } from '../dialects/dialect';
import { PodMigrateError } from '../errors';
import type { OrphanPolicy, ResolvedPlan } from '../plan/types';
import type { Reporter } from './reporter';

export interface OrphanFinding {
  fk: ForeignKeyInfo;
  count: number;
  /** Primary keys of the first orphan rows (or the dangling references when the table has no single-column key). */
  sample: string[];
  /** Every key the policy deleted or changed (skip / null), for verify to tell them from differences. */
  keys: string[];
  policy: OrphanPolicy;
}

const SAMPLE = 20;
const MAX_ROUNDS = 20;

/** What an orphan refusal tells the administrator to do. */
function orphanRemedy(table: string): string {
  return `Nothing was written. Fix the source, or set "orphans: skip" or "orphans: null" on ${table} in the plan`;
}

/**
 * A foreign key the database refused before COMMIT (where it checks them: `checksForeignKeysBeforeCommit`, the
 * orphans under the default policy are left to it), in the words of the engine's own search; any other error as it is.
 */
export function asOrphanRefusal(error: unknown): unknown {
  if (!(error instanceof PodMigrateError) || error.fault !== 'foreign-key-violation' || !error.place.table) return error;
  return new PodMigrateError(error.code, `orphan rows: ${error.message}. ${orphanRemedy(error.place.table)}`, {
    cause: error.cause,
    place: error.place,
    fault: error.fault,
  });
}

/** The condition "this row's reference points nowhere", with the child table referred to by its full name. */
function orphanCondition(dialect: Dialect, fk: ForeignKeyInfo): string {
  const q = (n: string) => dialect.quoteIdent(n);
  const ref = `${dialect.tableRef(fk.table)}.${q(fk.column)}`;
  return `${ref} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${dialect.tableRef(fk.refTable)} p WHERE p.${q(fk.refColumn)} = ${ref})`;
}

async function findOrphans(tx: ImportTransaction, dialect: Dialect, schema: SchemaInfo, fk: ForeignKeyInfo) {
  const q = (n: string) => dialect.quoteIdent(n);
  const child = schema.tables.get(fk.table);
  const pk = child?.primaryKey.length === 1 ? child.primaryKey[0] : fk.column;
  const where = orphanCondition(dialect, fk);
  const [{ n }] = await tx.query(`SELECT COUNT(*) AS n FROM ${dialect.tableRef(fk.table)} WHERE ${where}`);
  const count = Number(n);
  if (count === 0) return { count, sample: [] as string[], where, pk };
  const rows = await tx.query(`SELECT ${q(pk)} AS k FROM ${dialect.tableRef(fk.table)} WHERE ${where} ORDER BY ${q(pk)} LIMIT ${SAMPLE}`);
  return { count, sample: rows.map((r) => String(r.k)), where, pk };
}

async function allOrphanKeys(tx: ImportTransaction, dialect: Dialect, table: string, pk: string, where: string): Promise<unknown[]> {
  const q = (n: string) => dialect.quoteIdent(n);
  return (await tx.query(`SELECT ${q(pk)} AS k FROM ${dialect.tableRef(table)} WHERE ${where}`)).map((r) => r.k);
}

/**
 * UPDATE (with `assignment`) or DELETE (null) the rows whose key is listed, in batches. Done by key rather
 * than with the NOT EXISTS condition because MySQL refuses a subquery on the table being changed
 * (self-references such as video_comment.parent_id).
 */
async function updateByKeys(
  tx: ImportTransaction,
  dialect: Dialect,
  table: string,
  pk: string,
  keys: unknown[],
  assignment: string | null,
): Promise<void> {
  const q = (n: string) => dialect.quoteIdent(n);
  for (let start = 0; start < keys.length; start += 1000) {
    const batch = keys.slice(start, start + 1000);
    const list = batch.map((_, i) => dialect.placeholder(i + 1)).join(', ');
    const head = assignment === null ? `DELETE FROM ${dialect.tableRef(table)}` : `UPDATE ${dialect.tableRef(table)} ${assignment}`;
    await tx.query(`${head} WHERE ${q(pk)} IN (${list})`, batch);
  }
}

/** The plan's orphan policy of a target table (`fail` unless the table says otherwise). */
export function orphanPolicyOf(plan: ResolvedPlan): (table: string) => OrphanPolicy {
  return (table) => plan.tables.find((t) => t.target === table)?.orphans ?? 'fail';
}

/**
 * Checks every foreign key that touches a written table. Returns what was found (and fixed by policy);
 * throws an INTEGRITY error for orphans under the `fail` policy, naming table, column and ids.
 * `decidedInStream`: the keys whose every written row the import's own row checks decided already.
 */
export async function enforceForeignKeys(
  tx: ImportTransaction,
  dialect: Dialect,
  schema: SchemaInfo,
  writtenTables: Set<string>,
  policyFor: (table: string) => OrphanPolicy,
  reporter: Reporter,
  decidedInStream: (fk: ForeignKeyInfo) => boolean = () => false,
): Promise<OrphanFinding[]> {
  const q = (n: string) => dialect.quoteIdent(n);
  // An orphan under the default policy (fail) is refused without a search here where the database checks every
  // foreign key before COMMIT (PostgreSQL: a second scan per key was 2.6 s of a 100,000-video import), and where
  // the rows' own checks decided the key for every row written (MariaDB, whose checks are off during the load: 221
  // searches were 2.1 s of the server's time in a 20,000-video import). The tag tables' keys, those of tables with
  // rows of the target's own, and the other policies' are searched.
  const keys = schema.foreignKeys.filter(
    (fk) =>
      (writtenTables.has(fk.table) || writtenTables.has(fk.refTable)) &&
      !(policyFor(fk.table) === 'fail' && (tx.checksForeignKeysBeforeCommit || decidedInStream(fk))),
  );
  const findings = new Map<string, OrphanFinding>();
  // Deleting orphans (skip policy) can orphan their own children: repeat until a round finds nothing.
  let changed = true;
  for (let round = 0; round < MAX_ROUNDS && changed; round += 1) {
    changed = false;
    for (const fk of keys) {
      const found = await findOrphans(tx, dialect, schema, fk);
      if (found.count === 0) continue;
      const policy = policyFor(fk.table);
      const id = `${fk.table}.${fk.column}`;
      const previous = findings.get(id);
      const finding: OrphanFinding = {
        fk,
        count: (previous?.count ?? 0) + found.count,
        sample: previous?.sample ?? found.sample,
        keys: previous?.keys ?? [],
        policy,
      };
      findings.set(id, finding);
      const what = `${found.count} row(s) of ${fk.table} whose ${fk.column} points at no ${fk.refTable}.${fk.refColumn} (${found.pk} ${found.sample.join(', ')}${found.count > found.sample.length ? ', …' : ''})`;
      if (policy === 'fail') {
        throw new PodMigrateError('INTEGRITY', `orphan rows: ${what}. ${orphanRemedy(fk.table)}`, {
          place: { table: fk.table, column: fk.column, row: found.sample[0] },
        });
      }
      const column = schema.tables.get(fk.table)?.columns.find((c) => c.name === fk.column);
      if (policy === 'null') {
        if (!column?.nullable) {
          throw new PodMigrateError(
            'INTEGRITY',
            `orphan rows: ${what}; the plan says "orphans: null" but ${fk.table}.${fk.column} is NOT NULL`,
            {
              place: { table: fk.table, column: fk.column },
            },
          );
        }
        const affected = await allOrphanKeys(tx, dialect, fk.table, found.pk, found.where);
        finding.keys.push(...affected.map(String));
        await updateByKeys(tx, dialect, fk.table, found.pk, affected, `SET ${q(fk.column)} = NULL`);
        reporter.emit({ type: 'warning', message: `orphans: ${what}: reference set to NULL (plan policy)` });
      } else {
        const affected = await allOrphanKeys(tx, dialect, fk.table, found.pk, found.where);
        finding.keys.push(...affected.map(String));
        await updateByKeys(tx, dialect, fk.table, found.pk, affected, null);
        reporter.emit({ type: 'warning', message: `orphans: ${what}: rows left out (plan policy "skip")` });
      }
      changed = true;
    }
  }
  if (changed) {
    // Still changing after MAX_ROUNDS (a very deep self-referencing chain): never commit what was not re-checked.
    throw new PodMigrateError(
      'INTEGRITY',
      `orphan rows were still being removed after ${MAX_ROUNDS} rounds of the plan's orphan policy: nothing was written`,
    );
  }
  return [...findings.values()];
}
