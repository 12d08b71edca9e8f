/**
 * The plan format is stated once, in schemas/plan.schema.json: its TypeScript types are generated from it
 * (scripts/generate-plan-types.js). This test generates them again and fails when the committed file differs, so
 * that a schema change without `npm run generate:plan-types` (or a hand edit of the generated file) never lands,
 * and the build never needs the generator. The generator runs as a process of its own (prettier, which it
 * formats with, is an ES module jest cannot load).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'generate-plan-types.js');
const SCHEMA_PATH = path.join(ROOT, 'schemas', 'plan.schema.json');
const GENERATED_PATH = path.join(ROOT, 'src', 'plan', 'generated', 'plan-schema.ts');

function generate(schemaPath = SCHEMA_PATH): string {
  return execFileSync(process.execPath, [SCRIPT, '--stdout', '--schema', schemaPath], { cwd: ROOT, encoding: 'utf8' });
}

describe('the plan types generated from the schema', () => {
  const committed = fs.readFileSync(GENERATED_PATH, 'utf8');
  let generated: string;
  beforeAll(() => {
    generated = generate();
  });

  it('are the committed src/plan/generated/plan-schema.ts', () => {
    expect(committed.split('\n')[0]).toMatch(/^\/\/ Generated from schemas\/plan\.schema\.json by json-schema-to-typescript/);
    // On failure: run `npm run generate:plan-types` and commit the result with the schema change.
    expect(committed).toBe(generated);
  });

  it('change when the schema changes (the comparison above can fail)', () => {
    const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')) as {
      definitions: Record<string, { properties: Record<string, object> }>;
    };
    schema.definitions.tagSet.properties.colour = { type: 'string' };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-schema-'));
    try {
      const altered = path.join(dir, 'plan.schema.json');
      fs.writeFileSync(altered, JSON.stringify(schema));
      const changed = generate(altered);
      expect(changed).not.toBe(committed);
      const tagSet = changed.slice(changed.indexOf('export interface TagSet {'));
      expect(tagSet.slice(0, tagSet.indexOf('\n}'))).toContain('colour?: string;');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("type the schema's if/then/else and its step dispatch as unions", () => {
    expect(generated).toContain('export type TableEntry = TableName | Table;');
    expect(generated).toContain("export type ColumnRuleEntry = 'drop' | ColumnRule;");
    expect(generated).toContain(
      'export type Step = StepRemoval | ExportStep | ImportStep | TagsStep | VerifyStep | SqlStep | CheckStep | CommandStep | ReminderStep;',
    );
  });
});
