/**
 * A step type is declared in three places that must agree: its definition and dispatch in
 * schemas/plan.schema.json, its entry in the plan's registry (src/plan/step-kinds.ts: what `plan explain` says,
 * the databases it uses, what validation checks) and its handler in the engine (src/engine/step-handlers.ts).
 * The compiler checks the registries against the generated types; this test checks the schema's own parts.
 */
import fs from 'node:fs';
import { STEP_HANDLERS } from '../../src/engine/step-handlers';
import { PLAN_SCHEMA_PATH } from '../../src/plan';
import { STEP_KINDS } from '../../src/plan/step-kinds';
import type { ResolvedPlan } from '../../src/plan/types';

interface SchemaNode {
  $ref?: string;
  const?: unknown;
  enum?: unknown[];
  type?: string;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  allOf?: Array<{ if?: SchemaNode; then?: SchemaNode }>;
}

const schema = JSON.parse(fs.readFileSync(PLAN_SCHEMA_PATH, 'utf8')) as { definitions: Record<string, SchemaNode> };
const definitions = schema.definitions;
const schemaKinds = (definitions.stepType.enum ?? []).map(String).sort();

/** The step dispatch: kind → the definition its `then` refers to. */
const dispatch = new Map<string, string | undefined>();
for (const branch of definitions.step.allOf ?? []) {
  const kind = branch.if?.properties?.type?.const;
  if (typeof kind === 'string') dispatch.set(kind, branch.then?.$ref);
}

describe('step types', () => {
  it('the schema lists some (the checks below are not vacuous)', () => {
    expect(schemaKinds).toEqual(expect.arrayContaining(['export', 'import', 'verify', 'sql']));
  });

  it('have a plan registry entry and an engine handler for every kind of the schema, and no other', () => {
    expect(Object.keys(STEP_KINDS).sort()).toEqual(schemaKinds);
    expect(Object.keys(STEP_HANDLERS).sort()).toEqual(schemaKinds);
    for (const kind of schemaKinds) {
      const entry = STEP_KINDS[kind as keyof typeof STEP_KINDS];
      expect([kind, typeof entry.explain, typeof entry.databases]).toEqual([kind, 'function', 'function']);
      expect([kind, typeof STEP_HANDLERS[kind as keyof typeof STEP_HANDLERS]]).toEqual([kind, 'function']);
    }
  });

  it('are each dispatched to their own definition, `<kind>Step`, whose type is the kind', () => {
    expect([...dispatch.keys()].sort()).toEqual(schemaKinds);
    for (const kind of schemaKinds) {
      expect([kind, dispatch.get(kind)]).toEqual([kind, `#/definitions/${kind}Step`]);
      const definition = definitions[`${kind}Step`];
      expect([kind, definition.properties?.type]).toEqual([kind, { const: kind }]);
      expect(definition.required).toEqual(expect.arrayContaining(['name', 'type']));
    }
    // A step definition the dispatch does not reach would never be used.
    const stepDefinitions = Object.keys(definitions).filter((name) => /^[a-z]+Step$/.test(name));
    expect(stepDefinitions.sort()).toEqual(schemaKinds.map((kind) => `${kind}Step`).sort());
  });

  it('are each explained in one line, for a step with only its required keys', () => {
    const plan = { dump: { file: 'dump.json' }, tables: [], tags: [] } as unknown as ResolvedPlan;
    for (const kind of schemaKinds) {
      const definition = definitions[`${kind}Step`];
      const step: Record<string, unknown> = { name: `a-${kind}`, type: kind };
      for (const key of definition.required ?? []) {
        if (key in step) continue;
        const property = definition.properties?.[key] ?? {};
        step[key] = property.enum?.[0] ?? property.const ?? (property.type === 'array' ? ['x'] : 'x');
      }
      const text = STEP_KINDS[kind as keyof typeof STEP_KINDS].explain(step as never, plan);
      expect([kind, text.length > 0 && !text.includes('\n')]).toEqual([kind, true]);
    }
  });
});
