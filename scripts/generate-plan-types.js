// @ts-check
/**
 * Writes src/plan/generated/plan-schema.ts, the plan format's TypeScript types, from schemas/plan.schema.json
 * (`npm run generate:plan-types`), so that the format is stated once: the schema. A test
 * (test/plan/schema-types.test.ts) runs the same generation (`--stdout`) and fails when the committed file differs,
 * so the build never needs the generator. A script, outside src/: it is not part of the shipped build.
 *
 *   node scripts/generate-plan-types.js [--stdout] [--schema FILE]
 *
 * `--stdout` prints the text instead of writing the file; `--schema` reads another schema (the test's altered copy).
 * The test runs it as a process of its own: json-schema-to-typescript formats with prettier, which jest cannot load.
 */
const fs = require('node:fs');
const path = require('node:path');
const { compile } = require('json-schema-to-typescript');

const ROOT = path.resolve(__dirname, '..');
const SCHEMA_PATH = path.join(ROOT, 'schemas', 'plan.schema.json');
const OUTPUT_PATH = path.join(ROOT, 'src', 'plan', 'generated', 'plan-schema.ts');

const BANNER = [
  '// Generated from schemas/plan.schema.json by json-schema-to-typescript (npm run generate:plan-types): do not edit.',
  '/* Change the schema and run the script again; src/plan/types.ts narrows these types where the code needs it. */',
].join('\n');

/**
 * @param {unknown} node
 * @returns {node is { if: unknown }}
 */
function isConditional(node) {
  return node !== null && typeof node === 'object' && 'if' in node;
}

/**
 * The schema as json-schema-to-typescript should type it. The generator ignores if/then/else; the plan schema
 * uses them (for ajv's clear errors) to say "one of these shapes", so here:
 * - `if: … then: A, else: B` (tableEntry, columnRuleEntry) is typed `A | B`;
 * - an `allOf` made only of `if: … then: A` dispatches (step: one per step type) is typed as the union of the
 *   `then`s, the properties beside it being the branches' own too. An `else` alone there only adds a constraint.
 * @param {unknown} node
 * @returns {unknown}
 */
function asUnions(node) {
  if (Array.isArray(node)) return node.map(asUnions);
  if (node === null || typeof node !== 'object') return node;
  const { allOf, ...rest } = /** @type {Record<string, unknown>} */ (node);
  if (Array.isArray(allOf) && allOf.length > 0 && allOf.every(isConditional)) {
    const { properties, required, type, ...kept } = rest;
    return { ...mapValues(kept), anyOf: allOf.filter((branch) => branch.then !== undefined).map((branch) => asUnions(branch.then)) };
  }
  if (isConditional(rest)) {
    const { if: condition, then, else: otherwise, ...kept } = rest;
    return { ...mapValues(kept), anyOf: [then, otherwise].filter((branch) => branch !== undefined).map(asUnions) };
  }
  return mapValues(node);
}

/** @param {object} node */
function mapValues(node) {
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, asUnions(value)]));
}

/**
 * The generated file's text, from the schema's text.
 * @param {string} schemaText
 * @returns {Promise<string>}
 */
async function planTypesSource(schemaText) {
  const schema = /** @type {import('json-schema-to-typescript').JSONSchema} */ (asUnions(JSON.parse(schemaText)));
  return compile(schema, 'PodMigratePlan', {
    bannerComment: BANNER,
    // A mapping is open only where the schema says so (params): no `[k: string]: unknown` added by default.
    additionalProperties: false,
    // Lists typed T[] (not [T, ...T[]] for minItems: 1): the code builds and filters them.
    ignoreMinAndMaxItems: true,
    unreachableDefinitions: true,
    // The project's style (biome.jsonc), though Biome leaves generated files alone.
    style: { singleQuote: true, printWidth: 140, trailingComma: 'all' },
  });
}

const args = process.argv.slice(2);
const schemaIndex = args.indexOf('--schema');
const schemaPath = schemaIndex >= 0 ? path.resolve(args[schemaIndex + 1]) : SCHEMA_PATH;
planTypesSource(fs.readFileSync(schemaPath, 'utf8')).then(
  (text) => {
    if (args.includes('--stdout')) {
      process.stdout.write(text);
      return;
    }
    fs.mkdirSync(path.dirname(OUTPUT_PATH), { recursive: true });
    fs.writeFileSync(OUTPUT_PATH, text);
    console.log(`wrote ${path.relative(process.cwd(), OUTPUT_PATH)}`);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
