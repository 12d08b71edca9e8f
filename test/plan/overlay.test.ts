import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { explainPlan, formatProblem, loadPlanSync, mysqlFlavor, postgresFlavor, validatePlanFile } from '../../src/plan';

const REPO = path.resolve(__dirname, '..', '..');
const REAL_PLAN = path.join(REPO, 'plans', 'v3-to-v4.yaml');
const FORK = path.join(REPO, 'plans', 'examples', 'univ-fork.yaml');

describe('plans/examples/univ-fork.yaml (an overlay of the real plan)', () => {
  const base = loadPlanSync(REAL_PLAN);
  const fork = loadPlanSync(FORK);

  it('validates', () => {
    expect(validatePlanFile(FORK).problems.map(formatProblem)).toEqual([]);
  });

  it('lists its files base first, and replaces name and description', () => {
    expect(fork.files).toEqual([REAL_PLAN, FORK]);
    expect(fork.name).toBe('univ-example-fork');
    expect(fork.description).toMatch(/University of Example/);
    expect(fork.source).toEqual(base.source);
    expect(fork.target).toEqual(base.target);
  });

  it('appends its own tables after the base tables', () => {
    expect(fork.tables).toHaveLength(base.tables.length + 2);
    expect(fork.tables.slice(0, base.tables.length).map((t) => t.name)).toEqual(base.tables.map((t) => t.name));
    expect(fork.tables.slice(-2).map((t) => [t.name, t.strategy, t.orphans])).toEqual([
      ['lecture_lecture', 'replace', 'fail'],
      ['lecture_lecture_videos', 'replace', 'skip'],
    ]);
  });

  it('adds a column rule to video_video, keeping the base rules and its place', () => {
    const index = base.tables.findIndex((t) => t.name === 'video_video');
    expect(fork.tables[index].name).toBe('video_video');
    const columns = fork.tables[index].columns;
    expect(Object.keys(columns)).toEqual(['tags', 'order', 'legacy_code']);
    expect(columns.legacy_code).toMatchObject({ drop: true });
    expect(columns.tags).toEqual(base.tables[index].columns.tags);
  });

  it('places its reminder right after verify', () => {
    const names = fork.steps.map((s) => s.name);
    expect(names).toEqual([...base.steps.map((s) => s.name)].flatMap((n) => (n === 'verify' ? [n, 'lecture-catalogue'] : [n])));
    expect(fork.steps.find((s) => s.name === 'lecture-catalogue')).toEqual({
      name: 'lecture-catalogue',
      type: 'reminder',
      when: 'always',
      text: expect.stringContaining('lecture_rebuild_cache'),
    });
  });

  it('explains as the merged plan', () => {
    const text = explainPlan(fork, postgresFlavor);
    expect(text).toContain('Plan univ-example-fork');
    expect(text).toContain('Plan files (base first):\n    plans/v3-to-v4.yaml\n    plans/examples/univ-fork.yaml');
    expect(text).toMatch(/134\. lecture_lecture_videos +replace; orphans: skip\n +why: links to videos deleted/);
    expect(text).toMatch(/column legacy_code: dropped \(exported, not written\) — our v3 branch's catalogue code/);
    expect(text).toMatch(/6\. verify +\[verify, always\]\n[^\n]*\n[^\n]*\n +7\. lecture-catalogue +\[reminder, always\]/);
  });
});

describe('extends', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-migrate-extends-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };

  const C = `version: 1
name: c
description: the root
source: { pod: "3.8" }
dump: { file: c.json }
tables:
  - a
  - { name: b, columns: { x: drop, y: { default: 1 } } }
  - { name: gone }
templates:
  q: { any: "SELECT 1" }
steps:
  - { name: export, type: export }
  - { name: import, type: import }
  - { name: old, type: reminder, text: old }
  - { name: verify, type: verify }
`;

  it('follows a chain (A extends B extends C), each overlay matching by name', () => {
    write('base/c.yaml', C);
    write(
      'mid/b.yaml',
      `version: 1
name: b
extends: ../base/c.yaml
defaults: { orphans: skip }
tables:
  - { name: b, strategy: skip, columns: { y: { rename: z }, w: drop } }
  - { name: gone, remove: true }
  - d
steps:
  - { name: old, remove: true }
  - { name: first, type: reminder, text: hello, before: export }
`,
    );
    const a = write(
      'a.yaml',
      `version: 1
name: a
extends: mid/b.yaml
dump: {}
templates:
  q: { mysql: "SELECT 2", postgres: "SELECT 3" }
steps:
  - { name: import, type: import, when: not-onlytags }
  - { name: export, type: export, after: verify }
`,
    );
    const plan = loadPlanSync(a);
    expect(plan.files).toEqual([path.join(dir, 'base/c.yaml'), path.join(dir, 'mid/b.yaml'), a]);
    expect(plan.name).toBe('a');
    expect(plan.description).toBe('the root');
    expect(plan.source.pod).toBe('3.8');
    // dump: {} replaces the base's dump, so the default file applies.
    expect(plan.dump.file).toBe('data_from_v3_to_v4/v3_exported_tables.json');
    expect(plan.tables.map((t) => [t.name, t.strategy, t.orphans])).toEqual([
      ['a', 'replace', 'skip'],
      ['b', 'skip', 'skip'],
      ['d', 'replace', 'skip'],
    ]);
    expect(plan.tables[1].columns).toEqual({ x: { drop: true }, y: { rename: 'z' }, w: { drop: true } });
    expect(plan.templates.q).toEqual({ name: 'q', mysql: 'SELECT 2', postgres: 'SELECT 3', why: null });
    expect(plan.steps.map((s) => `${s.name}:${s.when}`)).toEqual(['first:always', 'import:not-onlytags', 'verify:always', 'export:always']);
  });

  it('points errors of a base file into the base file', () => {
    write('base/c.yaml', C.replace('  - a\n', '  - a\n  - { name: a2, strategy: merge }\n'));
    const a = write('a.yaml', 'version: 1\nname: a\nextends: base/c.yaml\ntables:\n  - { name: a2, why: mine }\n');
    const { problems } = validatePlanFile(a);
    expect(problems).toEqual([
      {
        file: path.join(dir, 'base/c.yaml'),
        line: 8,
        column: 27,
        message: 'table "a2": strategy merge needs key: [columns that identify a row]',
      },
    ]);
  });

  it('lets an overlay fix a base table (merge gets its key in the overlay)', () => {
    write('base/c.yaml', C.replace('  - a\n', '  - a\n  - { name: a2, strategy: merge }\n'));
    const a = write('a.yaml', 'version: 1\nname: a\nextends: base/c.yaml\ntables:\n  - { name: a2, key: [id] }\n');
    expect(validatePlanFile(a).problems).toEqual([]);
  });

  it('reports a cycle of one file', () => {
    const self = write('self.yaml', 'version: 1\nname: self\nextends: ./self.yaml\n');
    expect(validatePlanFile(self).problems).toEqual([{ file: self, line: 3, column: 10, message: `extends cycle: ${self} → ${self}` }]);
  });

  it('explains a plan in either dialect', () => {
    const plan = loadPlanSync(write('c.yaml', C));
    expect(explainPlan(plan, mysqlFlavor)).toContain('SQL shown for: MariaDB/MySQL');
    expect(explainPlan(plan, postgresFlavor)).toContain('SQL shown for: PostgreSQL');
  });
});
