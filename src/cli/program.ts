/**
 * The command line (commander). `runCli(argv, io)` runs one command and resolves to its exit code:
 * 0 success, 1 the migration / verification failed, 2 bad usage or an invalid plan.
 */
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { connect } from '../dialects';
import type { DatabaseConnection } from '../dialects/dialect';
import { DEFAULT_LOCK_TIMEOUT_SECONDS, lockTimeoutSeconds } from '../dialects/lock-timeout';
import { redactSecrets, resolveConnectionUrl, type ConnectionSettings } from '../dialects/url';
import { exportDump } from '../engine/export';
import { importDump, type ImportResult } from '../engine/import';
import { CollectingReporter, type Reporter } from '../engine/reporter';
import { runPlan } from '../engine/run';
import { withRunLock } from '../engine/run-lock';
import { runCheckStep } from '../engine/steps';
import { checkVersion } from '../engine/version-gate';
import { orphanFindings, runErrorOf, tagSetTallies } from '../engine/run-report';
import type { StepTally } from '../engine/summary';
import { formatVerify, verifyMigration } from '../engine/verify';
import { exitCodeFor, PodMigrateError } from '../errors';
import { explainPlan, flavorFor, formatProblem, loadPlan, PlanValidationError, validatePlanFile } from '../plan';
import type { CheckStep, ResolvedPlan } from '../plan/types';
import { CommandOutput, stepSummary, type OutputFlags } from './output/command-output';
import { toolVersion } from './output/document';
import { findPlanFile, planArgument } from './plan-file';
import { TerminalReporter, type Output } from './terminal-reporter';

export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The plan shipped with pod-migrate, used when --plan is not given. */
export const DEFAULT_PLAN = resolve(__dirname, '..', '..', 'plans', 'v3-to-v4.yaml');

interface CommonOptions {
  plan?: string;
  source?: string;
  target?: string;
  dump?: string;
  baseDir?: string;
  dry?: boolean;
  verbose?: boolean;
  report?: string;
  lockTimeout?: string;
}

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  // The output of the command being run (set by its action), so that its error is said once, its way.
  let out: CommandOutput | undefined;
  const outputFor = (command: Command, options: { verbose?: boolean; report?: string } = {}): CommandOutput => {
    const globals = program.opts<OutputFlags>();
    const name = command.parent && command.parent !== program ? `${command.parent.name()} ${command.name()}` : command.name();
    out = new CommandOutput(io, name, { ...globals, verbose: options.verbose, report: options.report });
    return out;
  };
  const print = (text: string) => (out ? out.print(text) : io.stdout.write(`${text}\n`));
  const dumpPathOf = (options: CommonOptions, plan: ResolvedPlan) =>
    resolve(io.cwd, options.dump ?? resolve(options.baseDir ?? io.cwd, plan.dump.file));
  /** The plan given as argument or --plan (or the shipped one), loaded; the command says which file it used. */
  const planOf = async (positional: string | undefined, option?: string): Promise<ResolvedPlan> => {
    const plan = await loadPlan(findPlanFile(planArgument(positional, option), io.cwd, DEFAULT_PLAN));
    out?.planUsed(plan);
    return plan;
  };
  const settingsOf = (
    given: string | undefined,
    role: 'source' | 'target',
    required: boolean,
    lockTimeout?: string,
  ): ConnectionSettings | undefined => {
    if (!required && given === undefined && !io.env[role === 'source' ? 'POD_MIGRATE_SOURCE' : 'POD_MIGRATE_TARGET']) return undefined;
    const settings = resolveConnectionUrl(given, role, io.env);
    if (lockTimeout !== undefined) settings.options.lockTimeout = lockTimeout;
    lockTimeoutSeconds(settings); // a bad value is a usage error now, not a failed connection later
    return settings;
  };
  const withConnection = async <T>(settings: ConnectionSettings, work: (db: DatabaseConnection) => Promise<T>): Promise<T> => {
    const db = await connect(settings);
    try {
      return await work(db);
    } finally {
      // A failure to close must not hide the command's own outcome.
      await db.close().catch(() => undefined);
    }
  };

  const program = new Command('pod-migrate')
    .description('Moves the data of an Esup-Pod platform from Pod 3.8.x to Pod 4.0.x, as declared in a YAML plan.')
    .version(toolVersion(), '-V, --version', 'print the version of pod-migrate')
    .option('--json', 'print one JSON document on stdout (the run, or {"ok": false, "error": …}), whatever happens')
    .option('-q, --quiet', 'print only errors and the verdict line')
    .option('--log-file <file>', 'also write everything, with timestamps, to this file (no colour, no progress redraws)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)');

  const dbOptions = (command: Command) =>
    command
      .option('--dump <file>', "dump file (default: the plan's dump.file under --base-dir)")
      .option(
        '--lock-timeout <seconds>',
        `how long a statement waits for a lock another session holds, then fails naming the table (default ${DEFAULT_LOCK_TIMEOUT_SECONDS})`,
      )
      .option('--base-dir <dir>', "folder the plan's dump path is relative to (default: current folder)")
      .option('-v, --verbose', 'the detail: each step as it starts, each table, the per-table tallies, what a dry step would run');
  const planOptions = (command: Command) =>
    command
      .argument('[plan]', 'plan file: a path, or the name of a shipped plan (default: plans/v3-to-v4.yaml)')
      .option('--plan <file>', 'the same as the [plan] argument');

  const plan = program.command('plan').description('validate, explain and run migration plans');

  planOptions(plan.command('validate').description('check a plan (and the plans it extends) against the schema and the semantic rules'))
    .addHelpText(
      'after',
      examples(['pod-migrate plan validate plans/v3-to-v4.yaml', 'pod-migrate plan validate plans/examples/univ-fork.yaml']),
    )
    .action((given: string | undefined, options: { plan?: string }, command: Command) => {
      outputFor(command);
      const file = findPlanFile(planArgument(given, options.plan), io.cwd, DEFAULT_PLAN);
      const { plan: resolved, problems } = validatePlanFile(file);
      if (problems.length > 0) throw new PlanValidationError(problems);
      print(
        `${file}: valid — plan ${resolved!.name}, ${resolved!.tables.length} tables, ${resolved!.tags.length} tag sets, ${resolved!.steps.length} steps`,
      );
    });

  planOptions(
    plan
      .command('explain')
      .description('print the resolved plan (after extends): tables in order, column rules, templates rendered for a dialect, steps'),
  )
    .addOption(
      new Option('--dialect <dialect>', 'dialect to render the SQL templates for').choices(['mysql', 'postgres']).default('postgres'),
    )
    .addHelpText('after', examples(['pod-migrate plan explain plans/v3-to-v4.yaml --dialect mysql']))
    .action(async (given: string | undefined, options: { dialect: 'mysql' | 'postgres'; plan?: string }, command: Command) => {
      outputFor(command);
      const resolved = await planOf(given, options.plan);
      print(explainPlan(resolved, flavorFor(options.dialect)));
    });

  dbOptions(
    planOptions(
      plan
        .command('run')
        .description('run every step of the plan: export the v3 database, import into v4 (one transaction), rebuild tags, verify, remind'),
    )
      .option('--source <url>', 'v3 database (mysql://, mariadb://, postgres://), or POD_MIGRATE_SOURCE')
      .option('--target <url>', 'v4 database, or POD_MIGRATE_TARGET')
      .option('--dry', 'touch nothing: say exactly what each step would do')
      .option('--createDB', "run the plan's createDB command first (the target must be empty)")
      .option('--onlytags', 'rebuild only the Tagulous tag tables, from the existing dump')
      .option('--pod-dir <dir>', 'the Pod 4 folder where command steps run (make createDB)')
      .option('--force', 'go on (with a warning) when a database is not the Pod version the plan expects')
      .option(
        '--overwrite',
        'replace what the target holds even if it is in use (rows beyond a fresh createDB; with --onlytags, tags the dump lacks)',
      )
      .option(
        '--report <file.html>',
        'write the migration report: one self-contained HTML file (steps, tables, chart, findings, to-do checklist)',
      ),
  )
    .addHelpText(
      'after',
      examples([
        'pod-migrate plan run plans/v3-to-v4.yaml --source mysql://pod:secret@db3/pod --target postgres://pod@db4/pod --dry',
        'POD_MIGRATE_SOURCE=mysql://… POD_MIGRATE_TARGET=mysql://… pod-migrate plan run plans/v3-to-v4.yaml',
        'pod-migrate plan run plans/v3-to-v4.yaml --target mysql://pod@db4/pod --onlytags',
      ]),
    )
    .action(
      async (
        given: string | undefined,
        options: CommonOptions & { createDB?: boolean; onlytags?: boolean; podDir?: string; force?: boolean; overwrite?: boolean },
        command: Command,
      ) => {
        const output = outputFor(command, options);
        const resolved = await planOf(given, options.plan);
        const reporter = output.reporter();
        const { summary, error } = await runPlan({
          plan: resolved,
          dry: Boolean(options.dry),
          createDB: Boolean(options.createDB),
          onlyTags: Boolean(options.onlytags),
          source: settingsOf(options.source, 'source', false, options.lockTimeout),
          target: settingsOf(options.target, 'target', false, options.lockTimeout),
          dumpPath: dumpPathOf(options, resolved),
          podDir: options.podDir ? resolve(io.cwd, options.podDir) : undefined,
          force: Boolean(options.force),
          overwrite: Boolean(options.overwrite),
          reporter,
        });
        output.finish(summary, error);
        if (error) throw error;
      },
    );

  dbOptions(
    planOptions(program.command('export'))
      .description("v3 database → dump file, in Pod's format (streamed; written to a temporary file renamed when complete, mode 0600)")
      .option('--source <url>', 'v3 database, or POD_MIGRATE_SOURCE')
      .option('--dry', 'write nothing: count what would be exported')
      .option('--force', 'go on (with a warning) when the source is not the Pod version the plan expects'),
  )
    .addHelpText('after', examples(['pod-migrate export --source mysql://pod@db3/pod --dump /backup/v3_exported_tables.json']))
    .action(async (given: string | undefined, options: CommonOptions & { force?: boolean }, command: Command) => {
      const output = outputFor(command, options);
      const resolved = await planOf(given, options.plan);
      const source = settingsOf(options.source, 'source', true, options.lockTimeout)!;
      const reporter = new CollectingReporter(output.reporter());
      const dumpPath = dumpPathOf(options, resolved);
      const started = Date.now();
      const result = await withConnection(source, (db) =>
        exportDump({ plan: resolved, source: db, dumpPath, dry: Boolean(options.dry), reporter, force: Boolean(options.force) }),
      );
      const rows = result.tables.reduce((n, t) => n + t.written, 0);
      const detail = options.dry
        ? `dry run: nothing written (${result.tables.length} tables would be exported to ${dumpPath})`
        : `exported ${result.tables.length} tables, ${rows} rows to ${dumpPath}`;
      const step: StepTally = {
        name: 'export',
        type: 'export',
        status: options.dry ? 'dry' : 'done',
        ms: Date.now() - started,
        detail,
        tables: result.tables,
      };
      output.finish(
        stepSummary(resolved, step, { source: source.displayName, target: dumpPath, warnings: reporter.messages('warning'), ms: step.ms }),
        undefined,
        detail,
      );
    });

  dbOptions(
    planOptions(program.command('import'))
      .description(
        'dump file → v4 database, in one transaction (nothing written on any error), sequences moved past max(id) before COMMIT; a target in use is refused (--overwrite)',
      )
      .option('--target <url>', 'v4 database, or POD_MIGRATE_TARGET')
      .option('--dry', 'write nothing: per table, rows, column mapping, conversions and SQL')
      .option('--onlytags', 'rebuild only the Tagulous tag tables')
      .option('--force', 'go on (with a warning) when the target is not the Pod version the plan expects')
      .option(
        '--overwrite',
        'replace what the target holds even if it is in use (rows beyond a fresh createDB; with --onlytags, tags the dump lacks)',
      ),
  )
    .addHelpText('after', examples(['pod-migrate import --target postgres://pod@db4/pod --dump v3_exported_tables.json --dry']))
    .action(
      async (
        given: string | undefined,
        options: CommonOptions & { onlytags?: boolean; force?: boolean; overwrite?: boolean },
        command: Command,
      ) => {
        const output = outputFor(command, options);
        const resolved = await planOf(given, options.plan);
        const target = settingsOf(options.target, 'target', true, options.lockTimeout)!;
        const reporter = new CollectingReporter(output.reporter());
        const dumpPath = dumpPathOf(options, resolved);
        const started = Date.now();
        const dry = Boolean(options.dry);
        // Preflight's findings and the repairs: listed whether the import succeeds or is refused.
        const found = () => reporter.events.flatMap((e) => (e.type === 'findings' ? e.findings : []));
        const context = () => ({
          source: dumpPath,
          target: target.displayName,
          warnings: reporter.messages('warning'),
          ms: Date.now() - started,
        });
        let result: ImportResult;
        try {
          result = await withConnection(target, (db) => {
            const work = () =>
              importDump({
                plan: resolved,
                target: db,
                dumpPath,
                dry,
                reporter,
                onlyTags: Boolean(options.onlytags),
                force: Boolean(options.force),
                overwrite: Boolean(options.overwrite),
              });
            return dry ? work() : withRunLock(db, work);
          });
        } catch (error) {
          const failed: StepTally = {
            name: 'import',
            type: 'import',
            status: 'failed',
            ms: Date.now() - started,
            tables: [],
            findings: found(),
            error: runErrorOf(error, (t) => redactSecrets(t, target), 'import'),
          };
          output.finish(stepSummary(resolved, failed, context()), error);
          throw error;
        }
        const rows = result.tables.reduce((n, t) => n + t.written, 0);
        const detail = options.dry
          ? 'dry run: nothing written'
          : `imported ${result.tables.length} tables, ${rows} rows into ${target.displayName}`;
        const findings = [...found(), ...orphanFindings(result.orphans)];
        const step: StepTally = {
          name: 'import',
          type: 'import',
          status: options.dry ? 'dry' : 'done',
          ms: Date.now() - started,
          detail,
          tables: result.tables,
          findings,
          tagSets: tagSetTallies(result.tagSets),
        };
        output.finish(stepSummary(resolved, step, context()), undefined, detail);
      },
    );

  dbOptions(
    planOptions(program.command('verify'))
      .description('row counts and checksums per table, source side (dump or v3 database) against the v4 database')
      .option('--target <url>', 'v4 database, or POD_MIGRATE_TARGET')
      .option(
        '--source <url>',
        "compare with the v3 database instead of the dump (and --dump: the dump that was imported; only for one Pod's exporter wrote are its losses accepted as lossy)",
      )
      .option('--report <file.html>', 'write the verify report: one self-contained HTML file'),
  )
    .addHelpText(
      'after',
      examples([
        'pod-migrate verify --target postgres://pod@db4/pod --dump v3_exported_tables.json',
        'pod-migrate verify --target … --source mysql://pod@db3/pod',
      ]),
    )
    .action(async (given: string | undefined, options: CommonOptions, command: Command) => {
      const output = outputFor(command, options);
      const resolved = await planOf(given, options.plan);
      const target = settingsOf(options.target, 'target', true, options.lockTimeout)!;
      const source = settingsOf(options.source, 'source', false, options.lockTimeout);
      const reporter = new CollectingReporter(output.reporter());
      const started = Date.now();
      const result = await withConnection(target, async (db) =>
        source
          ? withConnection(source, (src) =>
              verifyMigration({
                plan: resolved,
                target: db,
                source: src,
                dumpPath: options.dump ? dumpPathOf(options, resolved) : undefined,
                reporter,
              }),
            )
          : verifyMigration({ plan: resolved, target: db, dumpPath: dumpPathOf(options, resolved), reporter }),
      );
      const bad = result.tables.filter((t) => t.status === 'differs' || t.status === 'missing').map((t) => t.table);
      const step: StepTally = {
        name: 'verify',
        type: 'verify',
        status: result.ok ? 'done' : 'failed',
        ms: Date.now() - started,
        tables: [],
        verify: result.tables,
      };
      if (!result.ok) step.error = { code: 'VERIFY_FAILED', message: `verify found differences in ${bad.join(', ')}`, step: 'verify' };
      const compared = source?.displayName ?? dumpPathOf(options, resolved);
      output.finish(
        stepSummary(resolved, step, { source: compared, target: target.displayName, warnings: reporter.messages('warning'), ms: step.ms }),
        undefined,
        formatVerify(result),
      );
      if (!result.ok) exitCode = 1;
    });

  planOptions(program.command('check'))
    .description(
      "run the plan's check steps (Pod's check_database_problems: encoding paths left under a previous owner's hashkey), listing what each finds; without --dry, fix it in one transaction",
    )
    .option('--source <url>', 'v3 database, or POD_MIGRATE_SOURCE')
    .option('--target <url>', 'v4 database, or POD_MIGRATE_TARGET (for check steps on the target)')
    .option('--step <name>', 'only this check step')
    .option('--dry', 'change nothing: list the problems')
    .option('--force', 'go on (with a warning) when a database is not the Pod version the plan expects')
    .addHelpText(
      'after',
      examples(['pod-migrate check --source mysql://pod@db3/pod --dry', 'pod-migrate check --source mysql://pod@db3/pod']),
    )
    .action(
      async (
        given: string | undefined,
        options: { plan?: string; source?: string; target?: string; step?: string; dry?: boolean; force?: boolean },
        command: Command,
      ) => {
        outputFor(command);
        const resolved = await planOf(given, options.plan);
        const checks = resolved.steps.filter(
          (s): s is CheckStep => s.type === 'check' && (options.step === undefined || s.name === options.step),
        );
        if (checks.length === 0) {
          const known = resolved.steps.filter((s) => s.type === 'check').map((s) => s.name);
          throw new PodMigrateError(
            'USAGE',
            options.step
              ? `plan ${resolved.name} has no check step named ${options.step} (check steps: ${known.join(', ') || 'none'})`
              : `plan ${resolved.name} has no check step`,
          );
        }
        const terminal = new TerminalReporter(io.stderr);
        // Found rows go to stdout (below); the terminal gets the warnings.
        const reporter: Reporter = { emit: (event) => (event.type === 'warning' ? terminal.emit(event) : undefined) };
        const dry = Boolean(options.dry);
        for (const step of checks) {
          const settings =
            step.database === 'source' ? settingsOf(options.source, 'source', true)! : settingsOf(options.target, 'target', true)!;
          const result = await withConnection(settings, async (db) => {
            const range = step.database === 'source' ? resolved.source.pod : resolved.target.pod;
            checkVersion(step.database, await db.introspect(), range, {
              force: Boolean(options.force),
              displayName: db.displayName,
              reporter,
            });
            return runCheckStep(step, resolved, db, dry, reporter);
          });
          if (result.found === 0) {
            print(`${step.name}: no problem found in ${settings.displayName}`);
            continue;
          }
          print(`${step.name}: ${result.found} problem(s) in ${settings.displayName}${dry ? ' (dry run: nothing changed)' : ''}:`);
          for (const line of result.lines) print(`  ${line}`);
          print(`${step.name}: ${result.detail}`);
        }
      },
    );

  program
    .command('demo')
    .description(
      "a full v3 → v4 migration with no database server: two embedded PostgreSQL (PGlite), Pod's schemas, seeded v3 data, the shipped plan",
    )
    .option('--videos <n>', 'videos in the seeded v3 database (other volumes scale from it)', '200')
    .option('--seed <s>', 'seed of the data generator (same seed, same data)', '1')
    .option('--keep <dir>', 'keep both databases (DIR/v3, DIR/v4, PGlite data folders) and the dump in DIR')
    .option('-v, --verbose', 'one line per table')
    .addHelpText('after', examples(['pod-migrate demo', 'pod-migrate demo --videos 50 --keep ./pod-demo']))
    .action(async (options: { videos: string; seed: string; keep?: string; verbose?: boolean }) => {
      const integer = (text: string, name: string, min: number) => {
        const n = Number(text);
        if (!Number.isSafeInteger(n) || n < min) throw new PodMigrateError('USAGE', `--${name} must be an integer ≥ ${min}, not "${text}"`);
        return n;
      };
      const videos = integer(options.videos, 'videos', 1);
      const seed = integer(options.seed, 'seed', 0);
      // Loaded only for this command: PGlite (PostgreSQL in WebAssembly) is not needed anywhere else.
      const { runDemo } = await import('../demo');
      exitCode = await runDemo({ planPath: DEFAULT_PLAN, videos, seed, keep: options.keep, verbose: options.verbose }, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    out?.complete(exitCode);
  } catch (error) {
    // Before an action chose the output (commander's own errors): --json still gets its document.
    const output =
      out ??
      new CommandOutput(
        io,
        argv
          .filter((a) => !a.startsWith('-'))
          .slice(0, 2)
          .join(' '),
        { json: argv.includes('--json') },
      );
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0; // --help, --version
      // Commander said it already, with its "did you mean" and the hint to --help.
      if (output.flags.json) output.fail(new PodMigrateError('USAGE', error.message.replace(/^error: /, '')), error.message);
      return 2;
    }
    if (error instanceof PlanValidationError && !output.flags.json) {
      for (const p of error.problems) output.stderr.write(`${formatProblem(p)}\n`);
      output.stderr.write(`${error.problems.length} problem(s): the plan is not valid\n`);
      return 2;
    }
    const message =
      error instanceof PodMigrateError
        ? error.describe()
        : io.env.POD_MIGRATE_DEBUG
          ? ((error as Error)?.stack ?? String(error))
          : ((error as Error)?.message ?? String(error));
    output.fail(error, message);
    return exitCodeFor(error);
  } finally {
    out?.close();
  }
  return exitCode;
}
