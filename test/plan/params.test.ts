/**
 * `params:` in plans: the schema's value types, the check that every `{{param "key"}}` a step's or tag set's
 * template needs is given, and overlays replacing a step's params as a whole.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatProblem, loadPlanSync, validatePlanFile } from '../../src/plan';
import { requiredParams } from '../../src/plan/render';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-migrate-plan-params-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Problems as `LINE:COL: message`. */
function problemsOf(file: string): string[] {
  return validatePlanFile(file).problems.map((p) => formatProblem(p).slice(p.file.length + 1));
}

const TAG_SET = (params: string) => `
tags:
  - name: video
    dumpTable: video_tags
    objectColumn: video_id
    query: tag_pairs
    objectTable: video_video
    tagTable: video_tagulous_video_tags
    linkTable: video_video_tags
    linkObjectColumn: video_id
    linkTagColumn: tagulous_video_tags_id
${params}`;

describe('requiredParams', () => {
  it('lists the {{param}} keys in order of first use, once each, also in subexpressions', () => {
    expect(requiredParams('SELECT {{param "a"}}, {{param "b"}}, {{param "a"}}')).toEqual(['a', 'b']);
    expect(requiredParams('SELECT {{ident (param "q")}}')).toEqual(['q']);
    expect(requiredParams('SELECT 1')).toEqual([]);
  });

  it('leaves out a key used only under {{#if key}} (or the else of {{#unless key}})', () => {
    expect(requiredParams('SELECT 1 {{#if since}}WHERE d >= {{param "since"}}{{/if}}')).toEqual([]);
    expect(requiredParams('SELECT 1 {{#if this.since}}WHERE d >= {{param "since"}}{{/if}}')).toEqual([]);
    expect(requiredParams('{{#if a}}{{param "b"}}{{else}}{{param "a"}}{{/if}}')).toEqual(['b', 'a']);
    expect(requiredParams('{{#unless a}}{{param "a"}}{{else}}{{param "a"}}{{/unless}}')).toEqual(['a']);
    expect(requiredParams('{{#unless a}}x{{else}}{{param "a"}}{{/unless}}')).toEqual([]);
  });

  it('a template that does not parse needs nothing (checkTemplate reports it)', () => {
    expect(requiredParams('SELECT {{param "a"')).toEqual([]);
  });
});

describe('params in plans', () => {
  it('a tag set that does not give its query a param is pointed at, as is a check step per template', () => {
    const file = write(
      'tags.yaml',
      `version: 1
name: tag-params
templates:
  tag_pairs:
    mysql: SELECT 1 AS object_id, 'a' AS tag_name, 1 AS object_exists WHERE 1 = {{param "one"}}
    postgres: SELECT 1 AS object_id, 'a' AS tag_name, 1 AS object_exists WHERE {{param "pg_only"}}
  find:
    any: SELECT {{param "a"}} AS a
  fix:
    any: UPDATE t SET a = {{param "b"}}
steps:
  - name: c
    type: check
    database: source
    params: { a: 1 }
    find: find
    fix: [fix, find]
${TAG_SET('    params: { one: 1 }')}`,
    );
    expect(problemsOf(file)).toEqual([
      '17:11: template "fix" needs param "b", which step "c" does not give (add it under params:)',
      '23:12: template "tag_pairs" needs param "pg_only", which tag set "video" does not give (add it under params:)',
    ]);
  });

  it('params must be scalars', () => {
    const file = write(
      'types.yaml',
      `version: 1
name: param-types
templates:
  t:
    any: SELECT {{param "a"}}
steps:
  - name: s
    type: sql
    database: source
    template: t
    params: { a: [1, 2], b: { c: 1 }, ok1: "x", ok2: 1.5, ok3: false, ok4: null }
`,
    );
    expect(problemsOf(file)).toEqual([
      '11:18: steps[0].params.a must be a string, a number, true, false or null (got a list)',
      '11:29: steps[0].params.b must be a string, a number, true, false or null (got a mapping)',
    ]);
  });

  it('params is a mapping, and only sql / check steps and tag sets have it', () => {
    const file = write(
      'where.yaml',
      `version: 1
name: param-where
steps:
  - name: r
    type: reminder
    text: hello
    params: { a: 1 }
  - name: s
    type: sql
    database: source
    template: t
    params: 3
templates:
  t:
    any: SELECT 1
`,
    );
    expect(problemsOf(file)).toEqual([
      '7:5: unknown key "params" in steps[0] (expected one of: name, type, when, why, before, after, remove, text)',
      '12:13: steps[1].params must be a mapping (got number 3)',
    ]);
  });

  it("an overlay's step replaces the base step, params and all", () => {
    const base = write(
      'base.yaml',
      `version: 1
name: base
templates:
  t:
    any: UPDATE t SET a = {{param "a"}}{{#if b}}, b = {{param "b"}}{{/if}}
steps:
  - name: s
    type: sql
    database: source
    template: t
    params: { a: 1, b: 2 }
${TAG_SET('    params: { x: 1 }').replace('query: tag_pairs', 'query: t')}`,
    );
    const overlay = write(
      'overlay.yaml',
      `extends: base.yaml
version: 1
name: overlay
steps:
  - name: s
    type: sql
    database: source
    template: t
    params: { a: 3 }
${TAG_SET('    params: { a: 4 }').replace('query: tag_pairs', 'query: t')}`,
    );
    expect(problemsOf(base)).toEqual(['17:12: template "t" needs param "a", which tag set "video" does not give (add it under params:)']);
    expect(problemsOf(overlay)).toEqual([]);
    const plan = loadPlanSync(overlay);
    expect(plan.steps[0]).toMatchObject({ params: { a: 3 } });
    expect((plan.steps[0] as { params?: object }).params).toEqual({ a: 3 });
    expect(plan.tags[0].params).toEqual({ a: 4 });
  });
});
