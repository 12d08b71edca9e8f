/**
 * Everything wrong with a plan, each with its place: `plans/x.yaml:LINE:COL: message`.
 *
 * Three passes, each reporting all it finds: YAML syntax (load.ts), the JSON Schema (`schemaProblems`),
 * then what a schema cannot say — per file (`fileProblems`) and on the plan after `extends` (`planProblems`).
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node as YamlNode } from 'yaml';
import { PodMigrateError } from '../errors';
import { checkTemplate, requiredParams, type TemplateIssue } from './render';
import { repairProblems } from './repair-rules';
import { stepKind, stepParams } from './step-kinds';
import type { PlanResolution } from './resolve';
import type { PlanInput, Step, StepRemoval, TableEntry, TemplateInput } from './types';

// ---------------------------------------------------------------------------------------------------------
// Problems

export interface PlanProblem {
  /** Relative to the working directory when the file is inside it, else absolute. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
}

/** `plans/x.yaml:12:5: message` */
export function formatProblem(problem: PlanProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
}

export class PlanValidationError extends PodMigrateError {
  readonly problems: PlanProblem[];

  constructor(problems: PlanProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super('PLAN_INVALID', `the plan is invalid (${count}):\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'PlanValidationError';
    this.problems = problems;
  }
}

/** By file, line, column; the same problem found twice (by two passes) is kept once. */
export function sortProblems(problems: PlanProblem[]): PlanProblem[] {
  const unique = new Map(problems.map((problem) => [formatProblem(problem), problem]));
  return [...unique.values()].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : 1),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Where things are in a plan file

/** One plan file, parsed with source positions. */
export interface PlanSource {
  /** Absolute path. */
  path: string;
  /** As shown in problems. */
  display: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The document as plain data (what the schema validates). */
  data: unknown;
}

/** A path into the document: mapping keys and sequence indexes. */
export type NodePath = ReadonlyArray<string | number>;

/** Point at the key of the last path segment (`strategy:`) or at its value. */
export type Anchor = 'key' | 'value';

/** A path relative to the working directory when the file lies inside it. */
export function displayPath(absolutePath: string): string {
  const relative = path.relative(process.cwd(), absolutePath);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? absolutePath : relative;
}

interface FoundNodes {
  key?: YamlNode;
  value?: YamlNode;
}

/** The deepest nodes the path reaches (a path into an alias stops at the alias). */
function findNodes(source: PlanSource, nodePath: NodePath): FoundNodes {
  let value: unknown = source.doc.contents;
  let key: YamlNode | undefined;
  for (const segment of nodePath) {
    if (isMap(value)) {
      const pair = [...value.items].reverse().find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair === undefined) break;
      key = pair.key as YamlNode;
      value = pair.value;
    } else if (isSeq(value) && Number.isInteger(Number(segment))) {
      const item = value.items[Number(segment)];
      if (item === undefined) break;
      key = undefined;
      value = item;
    } else {
      break;
    }
    if (isAlias(value)) break;
  }
  const valueNode = value as YamlNode | null | undefined;
  // `key:` with nothing after it: the empty value has no useful place of its own.
  const emptyValue = isScalar(valueNode) && valueNode.value === null && !valueNode.source;
  return { key, value: valueNode && !emptyValue ? valueNode : undefined };
}

function positionOf(source: PlanSource, offset: number): { line: number; column: number } {
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

function nodeStart(source: PlanSource, node: YamlNode | undefined): { line: number; column: number } {
  return node?.range ? positionOf(source, node.range[0]) : { line: 1, column: 1 };
}

export function problemAt(source: PlanSource, nodePath: NodePath, message: string, anchor: Anchor = 'value'): PlanProblem {
  const found = findNodes(source, nodePath);
  const node = anchor === 'key' ? (found.key ?? found.value) : (found.value ?? found.key);
  return { file: source.display, ...nodeStart(source, node ?? (source.doc.contents as YamlNode | null) ?? undefined), message };
}

/**
 * A problem inside a string value at a template's own line/column: exact for block literals (`|`) and
 * one-line scalars without escapes; otherwise the start of the value.
 */
export function problemInString(source: PlanSource, nodePath: NodePath, issue: TemplateIssue, message: string): PlanProblem {
  const node = findNodes(source, nodePath).value;
  const fallback = problemAt(source, nodePath, message);
  if (!isScalar(node) || !node.range || typeof node.value !== 'string') return fallback;
  const raw = source.text.slice(node.range[0], node.range[1]);
  const start = positionOf(source, node.range[0]);
  // Without an explicit indentation indicator (`|2`), a block's indentation is its first non-empty line's.
  if (node.type === 'BLOCK_LITERAL' && /^\|[+-]?(\s|#|$)/.test(raw)) {
    const contentStart = source.text.indexOf('\n', node.range[0]) + 1;
    const firstLine =
      source.text
        .slice(contentStart)
        .split('\n')
        .find((line) => line.trim() !== '') ?? '';
    const indent = firstLine.length - firstLine.trimStart().length;
    return { ...fallback, line: start.line + issue.line, column: indent + issue.column };
  }
  if (issue.line === 1 && !raw.includes('\n')) {
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
    const inner = quoted ? raw.slice(1, -1) : raw;
    if (inner === node.value) return { ...fallback, column: start.column + (quoted ? 1 : 0) + issue.column - 1 };
  }
  return fallback;
}

// ---------------------------------------------------------------------------------------------------------
// The JSON Schema

/** schemas/plan.schema.json, from src/plan (ts-jest) as from dist/plan (built). */
export const PLAN_SCHEMA_PATH = path.resolve(__dirname, '..', '..', 'schemas', 'plan.schema.json');

let schemaValidator: ValidateFunction | undefined;

function planSchemaValidator(): ValidateFunction {
  if (schemaValidator === undefined) {
    const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true, strictRequired: false });
    // Custom wording for a schema's type/const errors (also understood by editors' JSON language services).
    ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
    schemaValidator = ajv.compile(JSON.parse(fs.readFileSync(PLAN_SCHEMA_PATH, 'utf8')) as object);
  }
  return schemaValidator;
}

/** Problems the JSON Schema finds in one file, each at the offending key or value. */
export function schemaProblems(source: PlanSource): PlanProblem[] {
  const validate = planSchemaValidator();
  if (validate(source.data)) return [];
  return (validate.errors ?? [])
    .filter((error) => error.keyword !== 'if') // "must match then schema": the branch's own errors say what
    .map((error) => schemaProblem(source, error));
}

function schemaProblem(source: PlanSource, error: ErrorObject): PlanProblem {
  const segments =
    error.instancePath === ''
      ? []
      : error.instancePath
          .slice(1)
          .split('/')
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const nodePath = toNodePath(source.data, segments);
  const where = describePath(nodePath);
  const custom = (error.parentSchema as { errorMessage?: string } | undefined)?.errorMessage;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const unknownKey = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {}).filter(
        (k) => k !== '$schema',
      );
      const suggestion = closest(unknownKey, allowed);
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : allowed.length > 0 ? ` (expected one of: ${allowed.join(', ')})` : '';
      return problemAt(source, [...nodePath, unknownKey], `unknown key "${unknownKey}" in ${where}${hint}`, 'key');
    }
    case 'required':
      return problemAt(source, nodePath, `${where}: missing required key "${String(params.missingProperty)}"`);
    case 'type':
      return problemAt(source, nodePath, `${where} ${custom ?? `must be ${typeWords(params.type)}`} (got ${kindOf(error.data)})`);
    case 'const':
      return problemAt(
        source,
        nodePath,
        `${where} ${custom ?? `must be ${JSON.stringify(params.allowedValue)}`} (got ${JSON.stringify(error.data)})`,
      );
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const suggestion = typeof error.data === 'string' ? closest(error.data, allowed) : undefined;
      const hint = suggestion ? `; did you mean "${suggestion}"?` : '';
      return problemAt(source, nodePath, `${where} must be one of: ${allowed.join(', ')} (got ${JSON.stringify(error.data)}${hint})`);
    }
    case 'minLength':
      return problemAt(source, nodePath, `${where} must not be empty`);
    case 'minItems':
      return problemAt(source, nodePath, `${where} must list at least ${String(params.limit)} item(s)`);
    case 'uniqueItems':
      return problemAt(source, [...nodePath, Math.max(Number(params.i), Number(params.j))], `${where} lists the same item twice`);
    default:
      return problemAt(source, nodePath, `${where} ${error.message ?? 'is invalid'}`);
  }
}

/** JSON-pointer segments as a node path: sequence indexes as numbers. */
function toNodePath(data: unknown, segments: string[]): Array<string | number> {
  const result: Array<string | number> = [];
  let current = data;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      result.push(Number(segment));
      current = current[Number(segment)];
    } else {
      result.push(segment);
      current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[segment] : undefined;
    }
  }
  return result;
}

/** `tables[3].columns.tags`; the whole file is "the plan". */
export function describePath(nodePath: NodePath): string {
  if (nodePath.length === 0) return 'the plan';
  return nodePath.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
  integer: 'an integer',
  null: 'null',
};

function typeWords(type: unknown): string {
  const types = (Array.isArray(type) ? type : String(type).split(',')).map((t) => TYPE_WORDS[String(t)] ?? String(t));
  return types.length === 1 ? types[0] : `${types.slice(0, -1).join(', ')} or ${types[types.length - 1]}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The allowed word nearest to a typo, if it is near enough to be what was meant. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

// ---------------------------------------------------------------------------------------------------------
// Checks within one file (schema-valid)

const DIALECTS = ['mysql', 'postgres'] as const;

/** Names listed twice in one file, each repeat pointed at. */
function duplicateNames(source: PlanSource, items: Array<{ name: string; path: NodePath }>, what: string): PlanProblem[] {
  const first = new Map<string, NodePath>();
  const problems: PlanProblem[] = [];
  for (const item of items) {
    const earlier = first.get(item.name);
    if (earlier === undefined) {
      first.set(item.name, item.path);
    } else {
      const line = problemAt(source, earlier, '').line;
      problems.push(problemAt(source, item.path, `${what} "${item.name}" is listed twice (first at line ${line})`));
    }
  }
  return problems;
}

function templateProblems(source: PlanSource, name: string, template: TemplateInput): PlanProblem[] {
  const problems: PlanProblem[] = [];
  for (const field of ['mysql', 'postgres', 'any'] as const) {
    const text = template[field];
    if (text === undefined) continue;
    const fieldPath = ['templates', name, field];
    for (const issue of checkTemplate(text, 'sql')) {
      problems.push(problemInString(source, fieldPath, issue, `template "${name}" (${field}): ${issue.message}`));
    }
  }
  if (template.any === undefined) {
    for (const dialect of template.dialects ?? DIALECTS) {
      if (template[dialect] === undefined) {
        problems.push(
          problemAt(
            source,
            ['templates', name],
            `template "${name}" has no ${dialect} version: add ${dialect}: (or any:), or list the dialects it supports in dialects:`,
            'key',
          ),
        );
      }
    }
  }
  return problems;
}

function stepProblems(source: PlanSource, step: Step | StepRemoval, index: number): PlanProblem[] {
  // An overlay's `{ name, remove: true }` has nothing else to check.
  if (!('type' in step)) return [];
  const problems: PlanProblem[] = [];
  if (step.before !== undefined && step.after !== undefined) {
    problems.push(problemAt(source, ['steps', index, 'after'], `step "${step.name}": give before: or after:, not both`, 'key'));
  }
  for (const report of stepKind(step).reports?.(step) ?? []) {
    for (const issue of checkTemplate(report.text, 'report')) {
      problems.push(problemInString(source, ['steps', index, ...report.field], issue, `step "${step.name}" report: ${issue.message}`));
    }
  }
  return problems;
}

/** What one file gets wrong on its own: repeated names, template text, contradictory rules. */
export function fileProblems(source: PlanSource): PlanProblem[] {
  const input = source.data as PlanInput;
  const tables = (input.tables ?? []).map((entry, i) =>
    typeof entry === 'string' ? { name: entry, path: ['tables', i] } : { name: entry.name, path: ['tables', i, 'name'] },
  );
  const steps = (input.steps ?? []).map((step, i) => ({ name: step.name, path: ['steps', i, 'name'] }));
  const tagSets = (input.tags ?? []).map((set, i) => ({ name: set.name, path: ['tags', i, 'name'] }));
  const problems = [
    ...duplicateNames(source, tables, 'table'),
    ...duplicateNames(source, steps, 'step'),
    ...duplicateNames(source, tagSets, 'tag set'),
  ];
  (input.tables ?? []).forEach((entry, i) => {
    if (typeof entry === 'string') return;
    for (const [column, rule] of Object.entries(entry.columns ?? {})) {
      if (typeof rule === 'object' && rule.rename !== undefined && rule.drop === true) {
        problems.push(
          problemAt(
            source,
            ['tables', i, 'columns', column],
            `table "${entry.name}", column "${column}": rename and drop exclude each other`,
            'key',
          ),
        );
      }
    }
  });
  for (const [name, template] of Object.entries(input.templates ?? {})) problems.push(...templateProblems(source, name, template));
  for (const [i, step] of (input.steps ?? []).entries()) problems.push(...stepProblems(source, step, i));
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Checks on the plan after extends

function tableProblems(resolution: PlanResolution): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const targets = new Map<string, string>();
  for (const table of resolution.plan.tables) {
    const origin = resolution.tables.get(table.name);
    if (origin === undefined) continue;
    const field = (name: keyof TableEntry) => origin.fields[name];
    if (table.strategy === 'merge' && table.key.length === 0) {
      const at = field('strategy') ?? origin.entry;
      const from = field('strategy') ? '' : ' (the default strategy)';
      problems.push(problemAt(at.source, at.path, `table "${table.name}": strategy merge${from} needs key: [columns that identify a row]`));
    }
    if (table.strategy !== 'merge' && table.key.length > 0) {
      const at = field('key') ?? origin.entry;
      problems.push(
        problemAt(at.source, at.path, `table "${table.name}": key is only used by strategy: merge (strategy is ${table.strategy})`, 'key'),
      );
    }
    const earlier = targets.get(table.target);
    if (earlier !== undefined) {
      const at = field('target') ?? origin.entry;
      problems.push(problemAt(at.source, at.path, `table "${table.name}" is written to "${table.target}", as is table "${earlier}"`));
    } else {
      targets.set(table.target, table.name);
    }
    // Each written column's target name must be unique: a rename onto a column still copied collides.
    const writtenBy = new Map<string, string>();
    const rules = Object.entries(table.columns);
    for (const [column, rule] of rules) if (!rule.drop && rule.rename === undefined) writtenBy.set(column, column);
    for (const [column, rule] of rules) {
      if (rule.drop || rule.rename === undefined) continue;
      const other = writtenBy.get(rule.rename);
      const at = origin.columns[column];
      if (other !== undefined && at !== undefined) {
        problems.push(
          problemAt(
            at.source,
            [...at.path, 'rename'],
            `table "${table.name}": column "${column}" renamed to "${rule.rename}", which column "${other}" already writes`,
          ),
        );
      }
      writtenBy.set(rule.rename, column);
    }
  }
  return problems;
}

function referenceProblems(resolution: PlanResolution): PlanProblem[] {
  const { plan } = resolution;
  const problems: PlanProblem[] = [];
  const templateNames = Object.keys(plan.templates);
  const knownTemplates = templateNames.length > 0 ? ` (known: ${templateNames.join(', ')})` : ' (the plan has no templates)';
  const checkTemplateRef = (name: string, origin: { source: PlanSource; path: NodePath } | undefined, field: NodePath, what: string) => {
    if (origin !== undefined && !Object.hasOwn(plan.templates, name)) {
      problems.push(problemAt(origin.source, [...origin.path, ...field], `${what}: no template named "${name}"${knownTemplates}`));
    }
  };
  // Every {{param "key"}} a template needs (in any dialect's version) must be given by whoever runs it.
  const checkParams = (
    name: string,
    given: Record<string, unknown> | undefined,
    origin: { source: PlanSource; path: NodePath } | undefined,
    field: NodePath,
    who: string,
  ) => {
    const template = Object.hasOwn(plan.templates, name) ? plan.templates[name] : undefined;
    if (origin === undefined || template === undefined) return;
    const needed = new Set([...requiredParams(template.mysql ?? ''), ...requiredParams(template.postgres ?? '')]);
    for (const key of needed) {
      if (given !== undefined && Object.hasOwn(given, key)) continue;
      problems.push(
        problemAt(
          origin.source,
          [...origin.path, ...field],
          `template "${name}" needs param "${key}", which ${who} does not give (add it under params:)`,
        ),
      );
    }
  };
  for (const set of plan.tags) {
    checkTemplateRef(set.query, resolution.tags.get(set.name), ['query'], `tag set "${set.name}" query`);
    checkParams(set.query, set.params, resolution.tags.get(set.name), ['query'], `tag set "${set.name}"`);
  }
  const tagSetNames = plan.tags.map((set) => set.name);
  for (const step of plan.steps) {
    const origin = resolution.steps.get(step.name);
    if (origin === undefined) continue;
    const kind = stepKind(step);
    for (const use of kind.templates?.(step) ?? []) {
      checkTemplateRef(use.name, origin, use.field, `step "${step.name}"${use.label ? ` ${use.label}` : ''}`);
      checkParams(use.name, stepParams(step), origin, use.field, `step "${step.name}"`);
    }
    for (const set of kind.tagSets?.(step) ?? []) {
      if (!tagSetNames.includes(set.text)) {
        const known = tagSetNames.length > 0 ? ` (known: ${tagSetNames.join(', ')})` : ' (the plan has no tag sets)';
        problems.push(
          problemAt(origin.source, [...origin.path, ...set.field], `step "${step.name}": no tag set named "${set.text}"${known}`),
        );
      }
    }
  }
  // A tag set's pseudo-table shares the dump's namespace with the plan's tables.
  const dumpNames = new Map<string, string>(plan.tables.map((table) => [table.name, `table "${table.name}"`]));
  for (const set of plan.tags) {
    const origin = resolution.tags.get(set.name);
    const owner = dumpNames.get(set.dumpTable);
    if (owner !== undefined && origin !== undefined) {
      problems.push(
        problemAt(
          origin.source,
          [...origin.path, 'dumpTable'],
          `tag set "${set.name}": dumpTable "${set.dumpTable}" is also the name of ${owner} in the dump`,
        ),
      );
    }
    dumpNames.set(set.dumpTable, `the dumpTable of tag set "${set.name}"`);
  }
  return problems;
}

/** What the plan, once its files are merged, gets wrong: strategies, collisions, references by name. */
export function planProblems(resolution: PlanResolution): PlanProblem[] {
  return [...tableProblems(resolution), ...referenceProblems(resolution), ...repairProblems(resolution)];
}
