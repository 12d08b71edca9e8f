/**
 * Version gates: tell a Pod 3.8.x database from a Pod 4.0.x one by its schema alone (Pod keeps no version in
 * the database), and refuse — before anything is written — a source or target outside the plan's ranges.
 * `--force` turns the refusal into a warning.
 */
import semver from 'semver';
import type { DatabaseConnection, SchemaInfo } from '../dialects/dialect';
import { PodMigrateError } from '../errors';
import type { ResolvedPlan } from '../plan/types';
import type { Reporter } from './reporter';

export interface PodVersionGuess {
  kind: 'pod3' | 'pod4' | 'empty' | 'unknown';
  /** The highest release the schema is consistent with (3.8.2 stands for 3.8.2–3.8.3). */
  version: string | null;
  /** What the guess rests on, for messages. */
  evidence: string[];
}

function hasColumn(schema: SchemaInfo, table: string, column: string): boolean {
  return schema.tables.get(table)?.columns.some((c) => c.name === column) ?? false;
}

export function detectPodVersion(schema: SchemaInfo): PodVersionGuess {
  if (schema.tables.size === 0) return { kind: 'empty', version: null, evidence: ['no tables'] };
  if (schema.tables.has('tagging_tag') && hasColumn(schema, 'video_video', 'tags')) {
    const evidence = ['django-tagging tables', 'video_video.tags'];
    if (!hasColumn(schema, 'meeting_livegateway', 'sipmediagw_server_url')) {
      return {
        kind: 'pod3',
        version: '3.8.1',
        evidence: [...evidence, 'meeting_livegateway without sipmediagw_server_url (before 3.8.2)'],
      };
    }
    if (!hasColumn(schema, 'video_video', 'order')) {
      return { kind: 'pod3', version: '3.8.2', evidence: [...evidence, 'video_video without order (3.8.2–3.8.3)'] };
    }
    return { kind: 'pod3', version: '3.8.4', evidence: [...evidence, 'video_video.order (3.8.4)'] };
  }
  if (schema.tables.has('video_tagulous_video_tags') && schema.tables.has('hyperlinks_hyperlink')) {
    const evidence = ['Tagulous tables', 'hyperlinks tables'];
    const file = schema.tables.get('recorder_recordingfiletreatment')?.columns.find((c) => c.name === 'file');
    if (file && file.maxLength !== null && file.maxLength < 200) {
      return { kind: 'pod4', version: '4.0.0', evidence: [...evidence, 'recorder_recordingfiletreatment.file varchar(100) (4.0.0)'] };
    }
    return { kind: 'pod4', version: '4.0.3', evidence: [...evidence, 'recorder_recordingfiletreatment.file varchar(200) (4.0.1–4.1.x)'] };
  }
  return { kind: 'unknown', version: null, evidence: ['neither django-tagging nor Tagulous tables'] };
}

const WHY_OLD_SOURCE: Array<{ below: string; why: string }> = [
  {
    below: '3.8.2',
    why: 'meeting_livegateway gained NOT NULL UNIQUE columns (sipmediagw_server_url, sipmediagw_server_token) in 3.8.2, which no default can fill for several rows: upgrade the v3 site to 3.8.4 first',
  },
];

/**
 * Checks that `schema` is a Pod database of the expected kind and version range; throws a VERSION_GATE
 * error (or, forced, warns) otherwise.
 */
export function checkVersion(
  role: 'source' | 'target',
  schema: SchemaInfo,
  range: string,
  options: { force?: boolean; displayName: string; reporter: Reporter; other?: PodVersionGuess },
): PodVersionGuess {
  const guess = detectPodVersion(schema);
  const expected = role === 'source' ? 'pod3' : 'pod4';
  let problem: string | null = null;
  if (guess.kind === 'empty') {
    problem =
      role === 'source'
        ? `the source database ${options.displayName} is empty`
        : `the target database ${options.displayName} is empty: create the Pod 4 schema first (--createDB runs make createDB)`;
  } else if (guess.kind !== expected) {
    const looks = guess.kind === 'pod4' ? 'Pod 4' : guess.kind === 'pod3' ? 'Pod 3' : 'no Pod database';
    // Only a hint when the other database is unknown (export, import alone) or of the other kind.
    const otherKind = options.other?.kind;
    const swapped =
      guess.kind !== 'unknown' && (otherKind === undefined || otherKind === expected) ? ' (are --source and --target swapped?)' : '';
    problem = `the ${role} database ${options.displayName} looks like ${looks} (${guess.evidence.join(', ')}), not Pod ${role === 'source' ? '3.8' : '4.0'}${swapped}`;
  } else if (guess.version && !semver.satisfies(guess.version, range)) {
    const why = role === 'source' ? WHY_OLD_SOURCE.find((w) => semver.lt(guess.version!, w.below))?.why : undefined;
    problem = `the ${role} database ${options.displayName} looks like Pod ${guess.version} (${guess.evidence.join(', ')}), outside the plan's range "${range}"${why ? `: ${why}` : ''}`;
  }
  if (problem) {
    if (!options.force) throw new PodMigrateError('VERSION_GATE', `${problem}. Nothing was written (--force goes on anyway).`);
    options.reporter.emit({ type: 'warning', message: `${problem} — going on because of --force` });
  }
  return guess;
}

function describeGuess(guess: PodVersionGuess): string {
  const what =
    guess.kind === 'pod3' || guess.kind === 'pod4'
      ? `Pod ${guess.version ?? (guess.kind === 'pod3' ? '3' : '4')}`
      : guess.kind === 'empty'
        ? 'an empty database'
        : 'no Pod database';
  return `${what} (${guess.evidence.join(', ')})`;
}

/**
 * The gate of a whole run, before its first step (so before anything is written, on either side): each
 * database the selected steps use is checked as its role requires. Source and target swapped is refused
 * naming both, even with --force: the run would overwrite the v3 database. A target that a command step
 * (make createDB) is about to create may be empty; the import checks it again once created.
 */
export async function gateDatabases(options: {
  plan: ResolvedPlan;
  source?: DatabaseConnection;
  target?: DatabaseConnection;
  targetMayBeEmpty?: boolean;
  force?: boolean;
  reporter: Reporter;
}): Promise<{ source?: PodVersionGuess; target?: PodVersionGuess }> {
  const { plan, source, target, reporter } = options;
  const sourceSchema = source ? await source.introspect() : undefined;
  const targetSchema = target ? await target.introspect() : undefined;
  const sourceGuess = sourceSchema ? detectPodVersion(sourceSchema) : undefined;
  const targetGuess = targetSchema ? detectPodVersion(targetSchema) : undefined;
  if (source && target && sourceGuess?.kind === 'pod4' && targetGuess?.kind === 'pod3') {
    throw new PodMigrateError(
      'VERSION_GATE',
      `--source and --target are swapped: the source database ${source.displayName} looks like ${describeGuess(sourceGuess)} and the target database ${target.displayName} like ${describeGuess(targetGuess)}. ` +
        'Nothing was written (--force does not apply: the run would overwrite the v3 database).',
    );
  }
  if (source && sourceSchema)
    checkVersion('source', sourceSchema, plan.source.pod, {
      force: options.force,
      displayName: source.displayName,
      reporter,
      other: targetGuess,
    });
  if (target && targetSchema && !(options.targetMayBeEmpty && targetGuess?.kind === 'empty')) {
    checkVersion('target', targetSchema, plan.target.pod, {
      force: options.force,
      displayName: target.displayName,
      reporter,
      other: sourceGuess,
    });
  }
  const parts = [
    source && sourceGuess ? `source ${source.displayName}: ${describeGuess(sourceGuess)}` : undefined,
    target && targetGuess ? `target ${target.displayName}: ${describeGuess(targetGuess)}` : undefined,
  ].filter((p): p is string => p !== undefined);
  if (parts.length > 0) reporter.emit({ type: 'info', message: `version gate: ${parts.join('; ')}` });
  return { source: sourceGuess, target: targetGuess };
}
