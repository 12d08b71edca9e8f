#!/usr/bin/env node
// @ts-check
/**
 * Regenerates src/dialects/mysql/generated/fold-tables.ts from a MariaDB server (≥ 10.10, with the Sequence engine):
 *
 *   npm run generate:fold-tables -- mysql://root@127.0.0.1:3306/mysql [out.ts]
 *
 * A maintainer's tool, not part of the shipped build (plain Node, no compile step; it needs only mysql2).
 * test/dialects/mysql-fold.test.ts uses readWeights to check the shipped tables against the server.
 *
 * For every code point, the server's WEIGHT_STRING in the collation (the primary weights a `_ci` UNIQUE index
 * compares) is read; code points of equal weight become one class whose representative is its smallest code
 * point; a code point whose weight is a sequence of class weights (an expansion: 'ß' → 'ss' in UCA) maps to the
 * sequence of their representatives; a code point without weight (ignorable) maps to nothing. Only the code
 * points that do not map to themselves are stored, in the encoding of src/dialects/mysql/fold-table-format.ts.
 */
// biome-ignore lint/suspicious/noRedundantUseStrict: a CommonJS script (Biome reads .js as a module)
'use strict';
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const GENERATED_COLLATIONS = ['utf8mb4_general_ci', 'utf8mb4_unicode_ci', 'utf8mb4_unicode_520_ci', 'utf8mb4_uca1400_ai_ci'];

const DEFAULT_OUT = join(__dirname, '..', 'src', 'dialects', 'mysql', 'generated', 'fold-tables.ts');

/** @typedef {{ query(sqlText: string): Promise<Array<Record<string, unknown>>> }} Queryable */
/** @typedef {{ runs: string; ignorable: string; expansions: string }} EncodedFoldTable */

/**
 * Code point → hex weight string, from the server, for every Unicode scalar value.
 * @param {Queryable} db
 * @param {string} collation
 * @returns {Promise<Map<number, string>>}
 */
async function readWeights(db, collation) {
  if (!/^[a-z0-9_]+$/.test(collation)) throw new Error(`bad collation name ${collation}`);
  const weights = new Map();
  for (let from = 0; from <= 0x10ffff; from += 0x10000) {
    const rows = await db.query(
      `SELECT seq AS cp, HEX(WEIGHT_STRING(CONVERT(CHAR(seq USING utf32) USING utf8mb4) COLLATE ${collation})) AS w
         FROM seq_${from}_to_${from + 0xffff} WHERE seq NOT BETWEEN 55296 AND 57343`,
    );
    for (const row of rows) weights.set(Number(row.cp), String(row.w ?? ''));
  }
  return weights;
}

/**
 * Code point → the code points it folds to (only those that differ from themselves).
 * @param {Map<number, string>} weights
 * @returns {Map<number, number[]>}
 */
function foldMapFromWeights(weights) {
  /** @type {Map<string, number>} weight → smallest code point carrying it */
  const byWeight = new Map();
  for (const [cp, w] of weights) {
    const known = byWeight.get(w);
    if (known === undefined || cp < known) byWeight.set(w, cp);
  }
  const representative = (/** @type {string} */ w) => /** @type {number} */ (byWeight.get(w));
  const out = new Map();
  for (const [cp, w] of weights) {
    /** @type {number[]} */
    let target;
    if (w === '') target = [];
    else if (w.length === 4) target = [representative(w)];
    else {
      const chunks = w.match(/.{4}/g) ?? [];
      target = chunks.every((k) => byWeight.has(k)) ? chunks.map(representative) : [representative(w)];
    }
    if (!(target.length === 1 && target[0] === cp)) out.set(cp, target);
  }
  return out;
}

/**
 * @param {Map<number, number[]>} map
 * @returns {EncodedFoldTable}
 */
function encodeFoldMap(map) {
  const entries = [...map].sort((a, b) => a[0] - b[0]);
  /** @type {Array<{ s: number; n: number; t: number; step: number }>} */
  const runs = [];
  /** @type {Array<{ s: number; n: number }>} */
  const ignorable = [];
  /** @type {Array<[number, number[]]>} */
  const expansions = [];
  for (const [cp, target] of entries) {
    if (target.length === 0) {
      const last = ignorable[ignorable.length - 1];
      if (last && cp === last.s + last.n) last.n += 1;
      else ignorable.push({ s: cp, n: 1 });
    } else if (target.length > 1) {
      expansions.push([cp, target]);
    } else {
      const t = target[0];
      const last = runs[runs.length - 1];
      if (last && cp === last.s + last.n) {
        if (last.n === 1 && (t === last.t || t === last.t + 1)) {
          last.step = t - last.t;
          last.n += 1;
          continue;
        }
        if (last.n > 1 && t === last.t + last.step * last.n) {
          last.n += 1;
          continue;
        }
      }
      runs.push({ s: cp, n: 1, t, step: 0 });
    }
  }
  const b36 = (/** @type {number} */ n) => n.toString(36);
  let previous = 0;
  return {
    runs: runs.map((r) => [r.s, r.n, r.t, r.step].map(b36).join(',')).join(';'),
    ignorable: ignorable.map((r) => `${b36(r.s)},${b36(r.n)}`).join(';'),
    expansions: expansions
      .map(([cp, target]) => {
        const delta = cp - previous;
        previous = cp;
        return `${b36(delta)}:${target.map(b36).join(',')}`;
      })
      .join(';'),
  };
}

/** @param {string} text */
function literal(text) {
  if (text === '') return "''";
  const parts = [];
  for (let i = 0; i < text.length; i += 110) parts.push(`'${text.slice(i, i + 110)}'`);
  return parts.join(' +\n    ');
}

/**
 * The generated module's text.
 * @param {Queryable} db
 * @param {string} serverVersion
 */
async function generateFoldTables(db, serverVersion) {
  let out =
    `// GENERATED by scripts/generate-fold-tables.js from the collation weights of ${serverVersion}: do not edit.\n` +
    '/**\n * How each code point folds in a UNIQUE index of the collation (see ../fold.ts); test/dialects/mysql-fold.test.ts\n' +
    ' * checks them against the server. Regenerate: npm run generate:fold-tables -- mysql://root@host:3306/mysql\n */\n' +
    "import type { EncodedFoldTable } from '../fold-table-format';\n\n" +
    'export const FOLD_TABLES: Record<string, EncodedFoldTable> = {\n';
  for (const collation of GENERATED_COLLATIONS) {
    const table = encodeFoldMap(foldMapFromWeights(await readWeights(db, collation)));
    out += `  ${collation}: {\n    runs:\n    ${literal(table.runs)},\n    ignorable:\n    ${literal(table.ignorable)},\n    expansions:\n    ${literal(table.expansions)},\n  },\n`;
  }
  return `${out}};\n`;
}

async function main() {
  const mysql = require('mysql2/promise');
  const url = process.argv[2] ?? 'mysql://root@127.0.0.1:3306/mysql';
  const out = process.argv[3] ?? DEFAULT_OUT;
  const conn = await mysql.createConnection(url);
  try {
    /** @type {Queryable} */
    const db = { query: async (sqlText) => /** @type {Array<Record<string, unknown>>} */ ((await conn.query(sqlText))[0]) };
    const [{ v }] = await db.query('SELECT VERSION() AS v');
    writeFileSync(out, await generateFoldTables(db, `MariaDB ${String(v)}`));
    process.stdout.write(`wrote ${out}\n`);
  } finally {
    await conn.end();
  }
}

module.exports = { GENERATED_COLLATIONS, readWeights, foldMapFromWeights, encodeFoldMap, generateFoldTables };

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`generate-fold-tables: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
