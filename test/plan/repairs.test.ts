/** Repair rules in plans: the shipped rules, switching one off in an overlay, and what validation refuses. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { explainPlan, formatProblem, loadPlanSync, postgresFlavor, validatePlanFile } from '../../src/plan';

const REAL_PLAN = path.resolve(__dirname, '..', '..', 'plans', 'v3-to-v4.yaml');

describe('repair rules', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-migrate-repairs-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (text: string) => {
    const file = path.join(dir, 'fork.yaml');
    fs.writeFileSync(file, `version: 1\nname: fork\nextends: ${JSON.stringify(REAL_PLAN)}\n${text}`);
    return file;
  };

  test("the real plan ships Pod 4.4's two rules, on, each saying it matches Pod 4.4 and why it loses nothing", () => {
    const plan = loadPlanSync(REAL_PLAN);
    const rules = plan.tables.flatMap((t) => t.repairs.map((r) => [t.name, r.name, r.enabled ?? true] as const));
    expect(rules).toEqual([
      ['meeting', 'recurring-until-not-before-start', true],
      ['video_videotodelete', 'merge-duplicate-deletion-dates', true],
    ]);
    for (const rule of plan.tables.flatMap((t) => t.repairs))
      expect(rule.why).toMatch(/Pod 4\.4's exporter.*#1510.*(loses nothing|nothing is lost)/s);
    const text = explainPlan(plan, postgresFlavor);
    expect(text).toMatch(
      /repair recurring-until-not-before-start: where recurring_until < start_at: set recurring_until = start_at — matches Pod 4\.4/,
    );
    expect(text).toMatch(
      /repair merge-duplicate-deletion-dates: merge rows sharing \(date_deletion\) into the lowest id, re-pointing video_videotodelete_video\.videotodelete_id/,
    );
  });

  test('an overlay switches a rule off by name, keeping the rest of it', () => {
    const file = write(`tables:\n  - name: meeting\n    repairs:\n      - { name: recurring-until-not-before-start, enabled: false }\n`);
    expect(validatePlanFile(file).problems.map(formatProblem)).toEqual([]);
    const [rule] = loadPlanSync(file).tables.find((t) => t.name === 'meeting')!.repairs;
    expect(rule).toMatchObject({
      name: 'recurring-until-not-before-start',
      enabled: false,
      set: { column: 'recurring_until', fromColumn: 'start_at' },
    });
    expect(explainPlan(loadPlanSync(file), postgresFlavor)).toMatch(/set recurring_until = start_at \[switched off\]/);
  });

  test('validation: a why, exactly one action, conditions that say what they compare, templates that exist', () => {
    const file = write(`tables:
  - name: video_video
    repairs:
      - { name: no-why, where: [{ column: title, op: "=", value: "" }], drop: true }
      - { name: two-actions, why: w, where: [{ column: title, op: "=", value: "" }], drop: true, set: { column: title, value: x } }
      - { name: no-operand, why: w, where: [{ column: title, op: "<" }], drop: true }
      - { name: set-without-where, why: w, set: { column: title, value: x } }
      - { name: unknown-template, why: w, sql: nope }
`);
    const problems = validatePlanFile(file).problems.map(formatProblem).join('\n');
    expect(problems).toMatch(/repair "no-why": needs a why/);
    expect(problems).toMatch(/repair "two-actions": needs exactly one action .*has set, drop/);
    expect(problems).toMatch(/repair "no-operand": where title <: give value or otherColumn/);
    expect(problems).toMatch(/repair "set-without-where": set needs where/);
    expect(problems).toMatch(/repair "unknown-template": sql: no template named "nope"/);
    const badOp = write(
      `tables:\n  - name: video_video\n    repairs:\n      - { name: bad-op, why: w, where: [{ column: title, op: "~" }], drop: true }\n`,
    );
    expect(validatePlanFile(badOp).problems.map(formatProblem).join('\n')).toMatch(
      /op must be one of: =, !=, <, <=, >, >=, is-null, not-null/,
    );
  });
});
