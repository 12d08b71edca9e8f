/**
 * Plan templates are Handlebars. SQL templates get three helpers, and values reach the SQL only as bound
 * parameters:
 *
 *   {{ident "video_video"}}   a quoted identifier (`video_video` / "video_video")
 *   {{table "video_video"}}   the same, for readability where the name is a table's
 *   {{param "since"}}         the next placeholder (? / $n); params.since is bound to it
 *
 * plus the block helpers if / unless / each / with. A bare `{{since}}` would paste a value into the SQL text,
 * so `checkTemplate` refuses it (and so does rendering).
 */
import Handlebars from 'handlebars';
import { PodMigrateError } from '../errors';
import type { ResolvedPlan } from './types';
import type { SqlFlavor } from './sql-flavor';

export type TemplateKind = 'sql' | 'report';

/** Helpers registered for SQL templates, with the number of arguments each takes. */
const SQL_HELPERS: Readonly<Record<string, number>> = { ident: 1, table: 1, param: 1 };
const BLOCK_HELPERS: ReadonlySet<string> = new Set(['if', 'unless', 'each', 'with']);

export const KNOWN_HELPERS: readonly string[] = [...Object.keys(SQL_HELPERS), ...BLOCK_HELPERS];

/** A problem in a template's text; line and column are 1-based, within the template. */
export interface TemplateIssue {
  line: number;
  column: number;
  message: string;
}

export interface RenderedSql {
  sql: string;
  /** Values to bind, in placeholder order. */
  params: unknown[];
  /** The `param` key behind each placeholder, in the same order (for messages and `plan explain`). */
  paramNames: string[];
}

// ---------------------------------------------------------------------------------------------------------
// Checking a template without rendering it

/** Syntax errors, unknown helpers, partials, and (in SQL) values pasted into the text. */
export function checkTemplate(source: string, kind: TemplateKind): TemplateIssue[] {
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
  } catch (error) {
    return [parseErrorIssue(source, error)];
  }
  const issues: TemplateIssue[] = [];
  const at = (node: hbs.AST.Node, message: string): void => {
    issues.push({ line: node.loc.start.line, column: node.loc.start.column + 1, message });
  };
  const inlineHelpers: Readonly<Record<string, number>> = kind === 'sql' ? SQL_HELPERS : {};
  const known = kind === 'sql' ? KNOWN_HELPERS.join(', ') : [...BLOCK_HELPERS].join(', ');

  const checkCall = (node: hbs.AST.MustacheStatement | hbs.AST.SubExpression, isSubExpression: boolean): void => {
    if (node.path.type !== 'PathExpression') return; // {{"literal"}}: text already in the template
    const path = node.path as hbs.AST.PathExpression;
    const name = path.original;
    const args = node.params.length + (node.hash?.pairs.length ?? 0);
    if (Object.hasOwn(inlineHelpers, name)) {
      if (node.params.length !== inlineHelpers[name] || (node.hash?.pairs.length ?? 0) > 0) {
        at(node, `{{${name}}} takes exactly one argument, e.g. {{${name} "${name === 'param' ? 'key' : 'name'}"}}`);
      }
    } else if (BLOCK_HELPERS.has(name)) {
      at(node, `"${name}" is a block helper: write {{#${name} …}}…{{/${name}}}`);
    } else if (args > 0 || isSubExpression) {
      at(node, `unknown helper "${name}" (known: ${known})`);
    } else if (kind === 'sql') {
      at(node, `{{${name}}} would paste a value into the SQL text: bind it with {{param "${name}"}}`);
    }
    node.params.forEach(checkExpression);
    for (const pair of node.hash?.pairs ?? []) checkExpression(pair.value);
  };
  const checkExpression = (node: hbs.AST.Expression): void => {
    if (node.type === 'SubExpression') checkCall(node as hbs.AST.SubExpression, true);
  };
  const walk = (node: hbs.AST.Node | null | undefined): void => {
    if (!node) return;
    switch (node.type) {
      case 'Program':
        (node as hbs.AST.Program).body.forEach(walk);
        break;
      case 'MustacheStatement':
        checkCall(node as hbs.AST.MustacheStatement, false);
        break;
      case 'BlockStatement': {
        const block = node as hbs.AST.BlockStatement;
        if (!BLOCK_HELPERS.has(block.path.original)) {
          at(node, `unknown block helper "#${block.path.original}" (known: ${[...BLOCK_HELPERS].join(', ')})`);
        }
        block.params.forEach(checkExpression);
        for (const pair of block.hash?.pairs ?? []) checkExpression(pair.value);
        walk(block.program);
        walk(block.inverse);
        break;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
        at(node, 'partials ({{> …}}) are not supported in plan templates');
        break;
      case 'Decorator':
      case 'DecoratorBlock':
        at(node, 'decorators ({{* …}}) are not supported in plan templates');
        break;
      default: // content, comments
    }
  };
  walk(program);
  return issues;
}

/**
 * The keys a SQL template's `{{param "key"}}` calls need, in order of first use: every one must be given when
 * the template is rendered. A call inside `{{#if key}}…{{/if}}` (or `#with` / `#each` on the same key, or
 * the `{{else}}` of `{{#unless key}}`) only runs when the key is given, so it is left out. A template that
 * does not parse needs nothing here (`checkTemplate` reports it).
 */
export function requiredParams(source: string): string[] {
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
  } catch {
    return [];
  }
  const needed = new Set<string>();
  const visitCall = (
    node: hbs.AST.MustacheStatement | hbs.AST.SubExpression | hbs.AST.BlockStatement,
    guarded: ReadonlySet<string>,
  ): void => {
    const path = node.path as hbs.AST.PathExpression;
    if (node.type !== 'BlockStatement' && path.type === 'PathExpression' && path.original === 'param') {
      const key = node.params[0];
      if (key?.type === 'StringLiteral') {
        const name = (key as hbs.AST.StringLiteral).value;
        if (!guarded.has(name)) needed.add(name);
      }
    }
    for (const param of node.params) if (param.type === 'SubExpression') visitCall(param as hbs.AST.SubExpression, guarded);
    for (const pair of node.hash?.pairs ?? [])
      if (pair.value.type === 'SubExpression') visitCall(pair.value as hbs.AST.SubExpression, guarded);
  };
  const walk = (node: hbs.AST.Program | null | undefined, guarded: ReadonlySet<string>): void => {
    for (const statement of node?.body ?? []) {
      if (statement.type === 'MustacheStatement') {
        visitCall(statement as hbs.AST.MustacheStatement, guarded);
      } else if (statement.type === 'BlockStatement') {
        const block = statement as hbs.AST.BlockStatement;
        visitCall(block, guarded);
        const subject = block.params[0];
        const subjectPath = subject?.type === 'PathExpression' ? (subject as hbs.AST.PathExpression) : undefined;
        // `since` or `this.since` (a params key); `../since` or `a.b` are something else.
        const key = subjectPath && subjectPath.depth === 0 && subjectPath.parts.length === 1 ? subjectPath.parts[0] : undefined;
        const helper = block.path.original;
        const withKey = key === undefined ? guarded : new Set([...guarded, key]);
        walk(block.program, ['if', 'with', 'each'].includes(helper) ? withKey : guarded);
        walk(block.inverse, helper === 'unless' ? withKey : guarded);
      }
    }
  };
  walk(program, new Set());
  return [...needed];
}

/**
 * Handlebars' parser (jison) states only a line and a context snippet with a pointer:
 *   "Parse error on line 2:\n...ab {{ident "x"}\n-----------------^\nExpecting 'CLOSE', …, got 'INVALID'"
 * Handlebars' own exceptions (mismatched blocks) carry lineNumber/column.
 */
function parseErrorIssue(source: string, error: unknown): TemplateIssue {
  const e = error as { message?: string; lineNumber?: number; column?: number };
  const text = String(e.message ?? error);
  if (typeof e.lineNumber === 'number') {
    const message = text.replace(/ - \d+:\d+$/, '');
    return { line: e.lineNumber, column: (e.column ?? 0) + 1, message: `Handlebars syntax error: ${message}` };
  }
  const lines = text.split('\n');
  const lineMatch = /^Parse error on line (\d+):/.exec(lines[0] ?? '');
  const line = lineMatch ? Number(lineMatch[1]) : 1;
  const lineText = source.split('\n')[line - 1] ?? '';
  const pointer = (lines[2] ?? '').indexOf('^');
  const pastInput = pointer >= 0 ? (lines[1] ?? '').slice(0, pointer).replace(/^\.\.\./, '') : '';
  const column = columnAfter(lineText, pastInput);
  const got = /got '([^']+)'/.exec(text)?.[1];
  if (got === undefined) return { line, column, message: `Handlebars syntax error: ${text}` };
  // Only the tokens a person would type are worth listing.
  const expected = (/Expecting (.*), got/.exec(text)?.[1] ?? '')
    .split(', ')
    .map((token) => TOKEN_NAMES[token.replace(/'/g, '')])
    .filter((name): name is string => name !== undefined);
  const unexpected = got === 'INVALID' ? JSON.stringify(lineText.charAt(column - 1) || 'end of line') : describeToken(got);
  const expecting = expected.length > 0 ? `, expecting ${[...new Set(expected)].join(' or ')}` : '';
  return { line, column, message: `Handlebars syntax error: unexpected ${unexpected}${expecting}` };
}

/** 1-based column just after the longest end of `pastInput` (newlines removed by jison) that starts the line. */
function columnAfter(lineText: string, pastInput: string): number {
  for (let end = lineText.length; end > 0; end--) {
    const consumed = lineText.slice(Math.max(0, end - pastInput.length), end);
    if (consumed.length > 0 && pastInput.endsWith(consumed) && (end <= pastInput.length || consumed.length === pastInput.length)) {
      return end + 1;
    }
  }
  return 1;
}

const TOKEN_NAMES: Readonly<Record<string, string>> = {
  CLOSE: '}}',
  CLOSE_UNESCAPED: '}}}',
  CLOSE_SEXPR: ')',
  OPEN_ENDBLOCK: '{{/…}}',
  EOF: 'end of template',
};

function describeToken(token: string): string {
  return TOKEN_NAMES[token] ?? token.toLowerCase().replace(/_/g, ' ');
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

/** Per-render state, passed to the helpers through Handlebars' `data` frame (copied into nested frames). */
interface SqlRenderState {
  flavor: SqlFlavor;
  params: Record<string, unknown>;
  values: unknown[];
  names: string[];
}

function stateOf(options: Handlebars.HelperOptions): SqlRenderState {
  return (options.data as { sqlRender: SqlRenderState }).sqlRender;
}

function identifierArgument(helper: string, value: unknown): string {
  if (typeof value !== 'string') throw new PodMigrateError('PLAN_INVALID', `{{${helper}}} needs a name in quotes, got ${typeof value}`);
  if (value.includes('\0'))
    throw new PodMigrateError('PLAN_INVALID', `{{${helper}}}: identifier ${JSON.stringify(value)} contains a NUL character`);
  return value;
}

/** An isolated Handlebars environment: nothing registered elsewhere (by a dependency) leaks into plans. */
const sqlEnvironment = Handlebars.create();
sqlEnvironment.registerHelper('ident', (name: unknown, options: Handlebars.HelperOptions) =>
  stateOf(options).flavor.quoteIdent(identifierArgument('ident', name)),
);
sqlEnvironment.registerHelper('table', (name: unknown, options: Handlebars.HelperOptions) =>
  stateOf(options).flavor.quoteIdent(identifierArgument('table', name)),
);
sqlEnvironment.registerHelper('param', (key: unknown, options: Handlebars.HelperOptions) => {
  const state = stateOf(options);
  if (typeof key !== 'string') throw new PodMigrateError('PLAN_INVALID', `{{param}} needs a parameter name in quotes, got ${typeof key}`);
  if (!Object.hasOwn(state.params, key)) {
    const given = Object.keys(state.params);
    throw new PodMigrateError(
      'PLAN_INVALID',
      `{{param "${key}"}}: no value given for "${key}"${given.length > 0 ? ` (given: ${given.join(', ')})` : ' (no parameters given)'}`,
    );
  }
  state.values.push(state.params[key]);
  state.names.push(key);
  return state.flavor.placeholder(state.values.length);
});

const reportEnvironment = Handlebars.create();

type CompiledTemplate = Handlebars.TemplateDelegate;
const compiledSql = new Map<string, CompiledTemplate>();
const compiledReports = new Map<string, CompiledTemplate>();

function compile(
  cache: Map<string, CompiledTemplate>,
  environment: typeof Handlebars,
  source: string,
  kind: TemplateKind,
  label: string,
): CompiledTemplate {
  let compiled = cache.get(source);
  if (compiled === undefined) {
    // Plans are validated before use; this guards direct callers, and values pasted into SQL above all.
    const issues = checkTemplate(source, kind);
    if (issues.length > 0) {
      throw new PodMigrateError('PLAN_INVALID', `${label}: line ${issues[0].line}, column ${issues[0].column}: ${issues[0].message}`);
    }
    compiled = environment.compile(source, { noEscape: true, strict: true });
    cache.set(source, compiled);
  }
  return compiled;
}

/** Renders SQL template text; the context (for if/each) is `params`. */
export function renderSql(source: string, flavor: SqlFlavor, params: Record<string, unknown> = {}, label = 'template'): RenderedSql {
  const compiled = compile(compiledSql, sqlEnvironment, source, 'sql', label);
  const state: SqlRenderState = { flavor, params, values: [], names: [] };
  try {
    const sql = compiled(params, { data: { sqlRender: state } });
    return { sql, params: state.values, paramNames: state.names };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new PodMigrateError('PLAN_INVALID', `${label}: ${message}`, { cause: error });
  }
}

/** The SQL of a plan template for a dialect (its own text, or `any`). */
export function templateSource(plan: ResolvedPlan, name: string, flavor: SqlFlavor): string {
  const template = Object.hasOwn(plan.templates, name) ? plan.templates[name] : undefined;
  if (template === undefined) {
    throw new PodMigrateError(
      'PLAN_INVALID',
      `no template named "${name}" in plan ${plan.name} (known: ${Object.keys(plan.templates).join(', ') || 'none'})`,
    );
  }
  const source = template[flavor.name];
  if (source === null) throw new PodMigrateError('PLAN_INVALID', `template "${name}" has no ${flavor.name} version`);
  return source;
}

/** Renders the plan's template `name` for a dialect, with `params` bound through {{param "key"}}. */
export function renderTemplate(plan: ResolvedPlan, name: string, flavor: SqlFlavor, params: Record<string, unknown> = {}): RenderedSql {
  return renderSql(templateSource(plan, name, flavor), flavor, params, `template "${name}" (${flavor.name})`);
}

/**
 * Renders a template with every parameter present, for showing (plan explain): `{{#if x}}` branches are
 * taken, and `paramNames` says which key each placeholder binds.
 */
export function renderTemplateForDisplay(plan: ResolvedPlan, name: string, flavor: SqlFlavor): RenderedSql {
  const everyKey = new Proxy<Record<string, unknown>>(
    {},
    {
      has: (_target, key) => typeof key === 'string',
      get: (_target, key) => (typeof key === 'string' ? `<${key}>` : undefined),
      getOwnPropertyDescriptor: (_target, key) =>
        typeof key === 'string' ? { value: `<${key}>`, writable: false, enumerable: true, configurable: true } : undefined,
    },
  );
  return renderSql(templateSource(plan, name, flavor), flavor, everyKey, `template "${name}" (${flavor.name})`);
}

/** Renders a check step's `report` over one found row (plain text, not SQL: values are shown as they are). */
export function renderReport(source: string, row: Record<string, unknown>): string {
  const compiled = compile(compiledReports, reportEnvironment, source, 'report', 'report');
  try {
    return compiled(row);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new PodMigrateError('PLAN_INVALID', `report: ${message}`, { cause: error });
  }
}
