import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PodMigrateError } from '../../src/errors';
import {
  checkTemplate,
  explainPlan,
  flavorFor,
  loadPlanSync,
  mysqlFlavor,
  postgresFlavor,
  renderReport,
  renderTemplate,
  type ResolvedPlan,
} from '../../src/plan';

function planWith(templates: Record<string, Partial<ResolvedPlan['templates'][string]>>): ResolvedPlan {
  return {
    version: 1,
    name: 'test',
    description: '',
    files: [],
    source: { pod: '*' },
    target: { pod: '*' },
    dump: { file: 'dump.json' },
    tables: [],
    templates: Object.fromEntries(
      Object.entries(templates).map(([name, t]) => [name, { name, mysql: null, postgres: null, why: null, ...t }]),
    ),
    tags: [],
    steps: [],
  };
}

const BOTH = (sql: string) => ({ mysql: sql, postgres: sql });

describe('SQL flavors', () => {
  it('quote identifiers, doubling the quote character', () => {
    expect(mysqlFlavor.quoteIdent('video_video')).toBe('`video_video`');
    expect(mysqlFlavor.quoteIdent('we`ird"')).toBe('`we``ird"`');
    expect(postgresFlavor.quoteIdent('video_video')).toBe('"video_video"');
    expect(postgresFlavor.quoteIdent('we`ird"')).toBe('"we`ird"""');
  });

  it('refuse a NUL or an empty name', () => {
    for (const flavor of [mysqlFlavor, postgresFlavor]) {
      expect(() => flavor.quoteIdent('a\0b')).toThrow(/NUL/);
      expect(() => flavor.quoteIdent('')).toThrow(/empty/);
    }
  });

  it('write placeholders', () => {
    expect([1, 2].map((n) => mysqlFlavor.placeholder(n))).toEqual(['?', '?']);
    expect([1, 2].map((n) => postgresFlavor.placeholder(n))).toEqual(['$1', '$2']);
  });

  it('are found by dialect name', () => {
    expect(flavorFor('mysql')).toBe(mysqlFlavor);
    expect(flavorFor('postgres')).toBe(postgresFlavor);
    expect(() => flavorFor('oracle' as never)).toThrow(PodMigrateError);
  });
});

describe('renderTemplate', () => {
  const plan = planWith({
    recent: BOTH(
      'SELECT {{ident "id"}} FROM {{table "video_video"}} WHERE date_added >= {{param "since"}} AND owner_id = {{param "owner"}} AND id > {{param "since"}}',
    ),
    columns: BOTH(
      'SELECT {{#each cols}}{{ident this}}{{#unless @last}}, {{/unless}}{{/each}} FROM {{ident "t"}}{{#if limit}} LIMIT {{param "limit"}}{{/if}}',
    ),
    mysql_only: { mysql: 'SELECT 1' },
    sneaky: BOTH('SELECT {{title}}'),
  });

  it('quotes identifiers and binds parameters in order (PostgreSQL)', () => {
    const owner = "o'brien; DROP TABLE x";
    expect(renderTemplate(plan, 'recent', postgresFlavor, { since: '2024-01-01', owner })).toEqual({
      sql: 'SELECT "id" FROM "video_video" WHERE date_added >= $1 AND owner_id = $2 AND id > $3',
      params: ['2024-01-01', owner, '2024-01-01'],
      paramNames: ['since', 'owner', 'since'],
    });
  });

  it('quotes identifiers and binds parameters in order (MySQL)', () => {
    const rendered = renderTemplate(plan, 'recent', mysqlFlavor, { since: 1, owner: 2 });
    expect(rendered.sql).toBe('SELECT `id` FROM `video_video` WHERE date_added >= ? AND owner_id = ? AND id > ?');
    expect(rendered.params).toEqual([1, 2, 1]);
  });

  it('uses params as the context of if/each, values still bound', () => {
    expect(renderTemplate(plan, 'columns', postgresFlavor, { cols: ['a', 'b"c'], limit: 10 })).toMatchObject({
      sql: 'SELECT "a", "b""c" FROM "t" LIMIT $1',
      params: [10],
    });
    expect(renderTemplate(plan, 'columns', mysqlFlavor, { cols: ['a'] }).sql).toBe('SELECT `a` FROM `t`');
  });

  it('refuses a missing parameter, naming it', () => {
    expect(() => renderTemplate(plan, 'recent', postgresFlavor, { since: 1 })).toThrow(/no value given for "owner" \(given: since\)/);
    expect(() => renderTemplate(plan, 'recent', postgresFlavor, { since: 1, toString: 1 } as never)).toThrow(/"owner"/);
  });

  it('refuses an identifier containing NUL', () => {
    expect(() => renderTemplate(plan, 'columns', mysqlFlavor, { cols: ['a\0'] })).toThrow(/NUL/);
  });

  it('refuses to paste a value into the SQL text', () => {
    expect(() => renderTemplate(plan, 'sneaky', postgresFlavor, { title: "x' OR 1=1" })).toThrow(/would paste a value/);
  });

  it('names an unknown template, or a dialect the template lacks', () => {
    expect(() => renderTemplate(plan, 'nope', postgresFlavor)).toThrow(/no template named "nope"/);
    expect(() => renderTemplate(plan, 'constructor', postgresFlavor)).toThrow(/no template named "constructor"/);
    expect(renderTemplate(plan, 'mysql_only', mysqlFlavor).sql).toBe('SELECT 1');
    expect(() => renderTemplate(plan, 'mysql_only', postgresFlavor)).toThrow(/template "mysql_only" has no postgres version/);
  });

  it('renders the real plan templates for both dialects', () => {
    const real = loadPlanSync(path.resolve(__dirname, '..', '..', 'plans', 'v3-to-v4.yaml'));
    expect(renderTemplate(real, 'video_tag_pairs', mysqlFlavor).sql).toContain('FROM `tagging_taggeditem` ti');
    expect(renderTemplate(real, 'video_tag_pairs', postgresFlavor).sql).toContain('FROM "tagging_taggeditem" ti');
  });
});

describe('checkTemplate', () => {
  it('accepts the helpers and built-in blocks', () => {
    expect(
      checkTemplate('{{#each xs}}{{ident this}}{{/each}} {{#with a}}{{#unless b}}{{param "c"}}{{/unless}}{{/with}} {{table "t"}}', 'sql'),
    ).toEqual([]);
  });

  it('reports unknown helpers, bad arity, bare values, partials, with their positions', () => {
    expect(
      checkTemplate('SELECT\n  {{quote "x"}} {{ident}} {{ident "a" "b"}}\n{{#foo}}x{{/foo}} {{v}} {{> p}}', 'sql').map(
        (i) => `${i.line}:${i.column}: ${i.message}`,
      ),
    ).toEqual([
      '2:3: unknown helper "quote" (known: ident, table, param, if, unless, each, with)',
      '2:17: {{ident}} takes exactly one argument, e.g. {{ident "name"}}',
      '2:27: {{ident}} takes exactly one argument, e.g. {{ident "name"}}',
      '3:1: unknown block helper "#foo" (known: if, unless, each, with)',
      '3:19: {{v}} would paste a value into the SQL text: bind it with {{param "v"}}',
      '3:25: partials ({{> …}}) are not supported in plan templates',
    ]);
  });

  it('checks sub-expressions', () => {
    expect(checkTemplate('{{ident (concat "a" "b")}}', 'sql').map((i) => i.message)).toEqual([
      expect.stringContaining('unknown helper "concat"'),
    ]);
  });

  it('allows values but no SQL helpers in reports', () => {
    expect(checkTemplate('video {{id}}: {{title}}', 'report')).toEqual([]);
    expect(checkTemplate('{{ident "x"}}', 'report').map((i) => i.message)).toEqual([
      'unknown helper "ident" (known: if, unless, each, with)',
    ]);
  });

  it('reports a syntax error at its place', () => {
    expect(checkTemplate('SELECT 1\nFROM {{ident "t"}', 'sql')).toEqual([
      { line: 2, column: 17, message: 'Handlebars syntax error: unexpected "}", expecting }} or }}} or )' },
    ]);
  });
});

describe('renderReport', () => {
  it('renders a found row as text, unescaped', () => {
    expect(renderReport('video {{id}}: {{title}}', { id: 3, title: '<b>&' })).toBe('video 3: <b>&');
  });

  it('refuses a column the row does not have', () => {
    expect(() => renderReport('video {{idd}}', { id: 3 })).toThrow(PodMigrateError);
  });
});

describe('explainPlan', () => {
  it('shows each template rendered for the dialect, with its placeholders', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-migrate-explain-'));
    try {
      const file = path.join(dir, 'p.yaml');
      fs.writeFileSync(
        file,
        `version: 1
name: p
description: a small plan
tables:
  - { name: meeting, why: the meetings, orderBy: [id], columns: { start: { convert: datetime, default: null, defaultOnNull: true }, a: { rename: b } } }
  - { name: ct, target: django_content_type, strategy: merge, key: [app_label, model] }
templates:
  fix_meeting:
    why: v4 CHECK recurring_until >= start_at
    any: |
      UPDATE {{ident "meeting"}} SET recurring_until = NULL
      WHERE recurring_until < {{param "since"}}{{#if owner}} AND owner_id = {{param "owner"}}{{/if}}
  mysql_only: { mysql: SELECT 1, dialects: [mysql] }
steps:
  - { name: fix, type: sql, database: target, template: fix_meeting, params: { since: "2024-01-01" }, why: "reported in Esup-Pod #1448" }
  - { name: look, type: check, database: source, find: mysql_only, fix: [fix_meeting], params: { since: "2024-01-01" }, when: createDB }
  - { name: make, type: command, run: make createDB, requires: empty-target }
`,
      );
      const text = explainPlan(loadPlanSync(file), postgresFlavor);
      expect(text).toContain('Plan p\n  a small plan\n  Source:     Pod any version');
      expect(text).toMatch(
        /1\. meeting +replace; orphans: fail\n +why: the meetings\n +read ordered by id\n +column start: default null \(also for NULL\), converted as datetime\n +column a: renamed to b/,
      );
      expect(text).toMatch(/2\. ct → django_content_type +merge on \(app_label, model\); orphans: fail/);
      expect(text).toContain(
        '  fix_meeting — v4 CHECK recurring_until >= start_at\n    | UPDATE "meeting" SET recurring_until = NULL\n    | WHERE recurring_until < $1 AND owner_id = $2\n    placeholders: $1 = since, $2 = owner',
      );
      expect(text).toContain('  mysql_only\n    (no postgres version)');
      expect(text).toContain(
        '1. fix  [sql, always]\n     runs template fix_meeting on the target database, in one transaction\n     params (bound): since = "2024-01-01"\n     why: reported in Esup-Pod #1448',
      );
      expect(text).toContain(
        '2. look  [check, only with --createDB]\n     lists problem rows of the source database with template mysql_only; in live mode, fixes them with fix_meeting',
      );
      expect(text).toContain('3. make  [command, always]\n     runs `make createDB`, only when the target database has no tables');
      expect(explainPlan(loadPlanSync(file), mysqlFlavor)).toContain('placeholders: ? = since, ? = owner');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
