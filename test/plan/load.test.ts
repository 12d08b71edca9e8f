import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PodMigrateError, exitCodeFor } from '../../src/errors';
import { formatProblem, loadPlan, loadPlanSync, PlanValidationError, validatePlanFile, DEFAULT_DUMP_FILE } from '../../src/plan';

const REPO = path.resolve(__dirname, '..', '..');
const REAL_PLAN = path.join(REPO, 'plans', 'v3-to-v4.yaml');

describe('the real plan (plans/v3-to-v4.yaml)', () => {
  it('validates with no problems', () => {
    const { plan, problems } = validatePlanFile(REAL_PLAN);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(plan).toBeDefined();
  });

  it('resolves to 132 tables, every field filled in', async () => {
    const plan = await loadPlan(REAL_PLAN);
    expect(plan.tables).toHaveLength(132);
    expect(plan.files).toEqual([REAL_PLAN]);
    expect(plan.dump.file).toBe('data_from_v3_to_v4/v3_exported_tables.json');
    for (const table of plan.tables) {
      expect(Object.keys(table).sort()).toEqual(['columns', 'key', 'name', 'orderBy', 'orphans', 'repairs', 'strategy', 'target', 'why']);
    }
    expect(plan.tables.find((t) => t.name === 'auth_user')).toEqual({
      name: 'auth_user',
      target: 'auth_user',
      strategy: 'replace',
      key: [],
      orphans: 'fail',
      orderBy: null,
      columns: {},
      repairs: [],
      why: null,
    });
    const contentType = plan.tables.find((t) => t.name === 'django_content_type');
    expect(contentType).toMatchObject({ strategy: 'merge', key: ['app_label', 'model'] });
    expect(contentType?.why).toMatch(/v4/);
    const video = plan.tables.find((t) => t.name === 'video_video');
    expect(video?.columns.tags).toMatchObject({ drop: true });
    expect(video?.columns.order).toMatchObject({ default: 1 });
  });

  it('resolves templates (any fills both dialects), tag sets and steps', () => {
    const plan = loadPlanSync(REAL_PLAN);
    expect(plan.templates.video_tag_pairs.mysql).toContain('{{ident "tagging_taggeditem"}}');
    expect(plan.templates.video_tag_pairs.postgres).toBe(plan.templates.video_tag_pairs.mysql);
    expect(plan.tags.map((s) => s.name)).toEqual(['video', 'recorder']);
    expect(plan.steps.map((s) => s.name).slice(0, 6)).toEqual(['create-db', 'check-owner-paths', 'export', 'import', 'tags', 'verify']);
    for (const step of plan.steps) {
      expect(step.when).toBeDefined();
      expect(step).not.toHaveProperty('before');
      expect(step).not.toHaveProperty('after');
      expect(step).not.toHaveProperty('remove');
    }
    expect(plan.steps.find((s) => s.name === 'verify')?.when).toBe('always');
  });

  it('carries the schema comment for editors', () => {
    for (const file of [REAL_PLAN, path.join(REPO, 'plans', 'examples', 'univ-fork.yaml')]) {
      const firstLine = fs.readFileSync(file, 'utf8').split('\n')[0];
      expect(firstLine).toMatch(/^# yaml-language-server: \$schema=(\.\.\/)+schemas\/plan\.schema\.json$/);
      const schemaPath = path.resolve(path.dirname(file), firstLine.split('=')[1]);
      expect(fs.existsSync(schemaPath)).toBe(true);
    }
  });
});

describe('plan problems', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-migrate-plan-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };

  it('loadPlan rejects with a PlanValidationError listing every problem, sorted', async () => {
    const file = write('bad.yaml', 'version: 1\nname: bad\ntables:\n  - name: a\n    stratgy: skip\nstepz: []\n');
    const error: unknown = await loadPlan(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanValidationError);
    expect(error).toBeInstanceOf(PodMigrateError);
    const invalid = error as PlanValidationError;
    expect(invalid.code).toBe('PLAN_INVALID');
    expect(exitCodeFor(invalid)).toBe(2);
    expect(invalid.problems.map((p) => [p.line, p.column])).toEqual([
      [5, 5],
      [6, 1],
    ]);
    // Outside the working directory, files are named by their absolute path.
    expect(invalid.problems[0].file).toBe(file);
    expect(formatProblem(invalid.problems[0])).toBe(`${file}:5:5: unknown key "stratgy" in tables[0] (did you mean "strategy"?)`);
    expect(invalid.message).toContain('2 problems');
  });

  it('reports a missing plan file as a problem, without throwing', () => {
    const result = validatePlanFile(path.join(dir, 'none.yaml'));
    expect(result.plan).toBeUndefined();
    expect(result.problems).toEqual([
      { file: path.join(dir, 'none.yaml'), line: 1, column: 1, message: 'cannot read the plan: no such file' },
    ]);
  });

  it('refuses a file far larger than a plan (a dump given in its place) without parsing it', () => {
    const dump = path.join(dir, 'v3_exported_tables.json');
    fs.writeFileSync(dump, `{"video_video": [${'{"id":1,"title":"x"},'.repeat(250_000)}{"id":2}]}`);
    const result = validatePlanFile(dump);
    expect(result.plan).toBeUndefined();
    expect(result.problems).toEqual([
      {
        file: dump,
        line: 1,
        column: 1,
        message:
          'cannot read the plan: the file is 5.0 MB, too large for a plan (a YAML file of a few kilobytes); a dump file is given with --dump',
      },
    ]);
  });

  it('reports an empty file as not a mapping', () => {
    const result = validatePlanFile(write('empty.yaml', '# nothing\n'));
    expect(result.problems.map((p) => p.message)).toEqual(['the plan must be a mapping (got null)']);
  });

  it('accepts a template limited to one dialect with dialects:, and defaults the dump file', () => {
    const plan = loadPlanSync(write('one.yaml', 'version: 1\nname: one\ntemplates:\n  fix:\n    mysql: SELECT 1\n    dialects: [mysql]\n'));
    expect(plan.templates.fix).toEqual({ name: 'fix', mysql: 'SELECT 1', postgres: null, why: null });
    expect(plan.dump.file).toBe(DEFAULT_DUMP_FILE);
    expect(plan.source.pod).toBe('*');
  });

  it('reports a template missing the dialect listed in dialects:', () => {
    const result = validatePlanFile(
      write('two.yaml', 'version: 1\nname: two\ntemplates:\n  fix:\n    mysql: SELECT 1\n    dialects: [postgres]\n'),
    );
    expect(result.problems.map((p) => `${p.line}:${p.column}: ${p.message}`)).toEqual([
      '4:3: template "fix" has no postgres version: add postgres: (or any:), or list the dialects it supports in dialects:',
    ]);
  });

  it('applies defaults: to tables without their own strategy/orphans', () => {
    const plan = loadPlanSync(
      write(
        'defaults.yaml',
        'version: 1\nname: d\ndefaults: { strategy: skip, orphans: "null" }\ntables:\n  - a\n  - { name: b, strategy: replace, orphans: fail }\n  - { name: c, columns: { x: drop, y: { rename: z } } }\n',
      ),
    );
    expect(plan.tables.map((t) => [t.name, t.strategy, t.orphans])).toEqual([
      ['a', 'skip', 'null'],
      ['b', 'replace', 'fail'],
      ['c', 'skip', 'null'],
    ]);
    expect(plan.tables[2].columns).toEqual({ x: { drop: true }, y: { rename: 'z' } });
  });

  it('allows a swap of two column names, refuses two tables written to one target', () => {
    const swap = validatePlanFile(
      write('swap.yaml', 'version: 1\nname: s\ntables:\n  - name: t\n    columns:\n      a: { rename: b }\n      b: { rename: a }\n'),
    );
    expect(swap.problems).toEqual([]);
    const targets = validatePlanFile(write('targets.yaml', 'version: 1\nname: t\ntables:\n  - a\n  - { name: b, target: a }\n'));
    expect(targets.problems.map((p) => `${p.line}:${p.column}: ${p.message}`)).toEqual([
      '5:24: table "b" is written to "a", as is table "a"',
    ]);
  });
});
