/**
 * Loading a plan: read the file and the files it `extends`, validate each, merge them into a ResolvedPlan.
 * Every problem found is reported at once (see validate.ts for the passes); a plan with problems is not used.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { resolvePlan } from './resolve';
import {
  displayPath,
  fileProblems,
  planProblems,
  problemAt,
  schemaProblems,
  sortProblems,
  PlanValidationError,
  type PlanProblem,
  type PlanSource,
} from './validate';
import type { ResolvedPlan } from './types';

export interface PlanValidation {
  /** Present when there are no problems. */
  plan?: ResolvedPlan;
  /** Sorted by file, line, column. */
  problems: PlanProblem[];
}

/** Reads and validates a plan; plan problems are returned, never thrown. */
export function validatePlanFile(planPath: string): PlanValidation {
  const chain = readPlanChain(path.resolve(planPath));
  if (chain.problems.length > 0) return { problems: sortProblems(chain.problems) };

  const resolution = resolvePlan(chain.sources);
  const problems = sortProblems([...chain.sources.flatMap(fileProblems), ...resolution.problems, ...planProblems(resolution)]);
  return problems.length > 0 ? { problems } : { plan: resolution.plan, problems };
}

/** Reads, validates and resolves a plan; throws PlanValidationError listing every problem. */
export function loadPlanSync(planPath: string): ResolvedPlan {
  const { plan, problems } = validatePlanFile(planPath);
  if (plan === undefined) throw new PlanValidationError(problems);
  return plan;
}

/** As loadPlanSync (plan files are small: they are read synchronously). */
export async function loadPlan(planPath: string): Promise<ResolvedPlan> {
  return loadPlanSync(planPath);
}

/** Parses one file with source positions; YAML syntax errors are problems. */
export function parsePlanSource(absolutePath: string, text: string): { source: PlanSource; problems: PlanProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const display = displayPath(absolutePath);
  const problems: PlanProblem[] = doc.errors.map((error) => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    return { file: display, line, column: col, message: `YAML: ${error.message}` };
  });
  let data: unknown = null;
  if (problems.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      problems.push({ file: display, line: 1, column: 1, message: `YAML: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return { source: { path: absolutePath, display, text, doc, lineCounter, data }, problems };
}

interface PlanChain {
  /** Base first. */
  sources: PlanSource[];
  /** YAML syntax, schema and `extends` problems of every file reached. */
  problems: PlanProblem[];
}

/** The file and its bases, following `extends:` (relative to the file that says it). */
function readPlanChain(rootPath: string): PlanChain {
  const visited: PlanSource[] = [];
  const problems: PlanProblem[] = [];

  let absolutePath = rootPath;
  let referrer: PlanSource | undefined;
  for (;;) {
    let text: string;
    try {
      const bytes = fs.statSync(absolutePath).size;
      if (bytes > MAX_PLAN_BYTES) throw new PlanTooLarge(bytes);
      text = fs.readFileSync(absolutePath, 'utf8');
    } catch (error) {
      const reason = readFailure(error);
      problems.push(
        referrer
          ? problemAt(referrer, ['extends'], `extends: cannot read ${displayPath(absolutePath)}: ${reason}`)
          : { file: displayPath(absolutePath), line: 1, column: 1, message: `cannot read the plan: ${reason}` },
      );
      break;
    }
    const { source, problems: syntaxProblems } = parsePlanSource(absolutePath, text);
    problems.push(...syntaxProblems);
    if (syntaxProblems.length > 0) break;
    problems.push(...schemaProblems(source));
    visited.push(source);

    const base = (source.data as { extends?: unknown } | null)?.extends;
    if (typeof base !== 'string' || base === '') break;
    const basePath = path.resolve(path.dirname(absolutePath), base);
    const cycleStart = visited.findIndex((visitedSource) => visitedSource.path === basePath);
    if (cycleStart >= 0) {
      const cycle = [...visited.slice(cycleStart).map((s) => s.display), displayPath(basePath)].join(' → ');
      problems.push(problemAt(source, ['extends'], `extends cycle: ${cycle}`));
      break;
    }
    referrer = source;
    absolutePath = basePath;
  }
  return { sources: visited.reverse(), problems };
}

/**
 * Larger than any plan (the real one is 17 KB): such a file is not read. A dump given where the plan goes (a missing
 * option value shifts the arguments: `--source --dump dump.json`) made the YAML parser hold gigabytes for minutes.
 */
const MAX_PLAN_BYTES = 4 * 1024 * 1024;

class PlanTooLarge extends Error {
  constructor(readonly bytes: number) {
    super(
      `the file is ${(bytes / 1024 / 1024).toFixed(1)} MB, too large for a plan (a YAML file of a few kilobytes); a dump file is given with --dump`,
    );
  }
}

function readFailure(error: unknown): string {
  if (error instanceof PlanTooLarge) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
