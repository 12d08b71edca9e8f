/**
 * The console's renderers on a summary the size of the shipped plan's run (134 tables, 968,939 rows), without
 * a database: a screenful, the verdict last, findings always, the error once; the HTML report escapes text.
 */
import { renderRunEnd, verdictLine } from '../../src/cli/output/console';
import { runDocument } from '../../src/cli/output/document';
import { escapeHtml, renderHtmlReport } from '../../src/cli/output/html-report';
import { ConsoleReporter } from '../../src/cli/output/progress';
import { plainPaint } from '../../src/cli/output/style';
import type { RunSummary, TableTally } from '../../src/engine/summary';

const tables: TableTally[] = Array.from({ length: 134 }, (_, i) => ({
  table: `table_${i}`,
  read: i === 0 ? 968_939 - 133 * 7 : 7,
  written: i === 0 ? 968_939 - 133 * 7 : 7,
  skipped: 0,
  ms: 100 + i,
}));
const reminders = ['re-index', 'media root', 'move folders', 'USE_PODFILE'];

function summary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    plan: 'pod-3.8-to-4.0',
    dry: false,
    ok: true,
    steps: [
      {
        name: 'check-owner-paths',
        type: 'check',
        status: 'done',
        ms: 170,
        detail: 'found 2, fixed 2',
        tables: [],
        findings: [
          {
            kind: 'check',
            table: 'source database',
            constraint: 'check-owner-paths',
            count: 2,
            keys: ['79; change of owner; encoding videos/aaaa/0079/v.mp4 not in bbbb folder', '183; change of owner'],
            rule: 'fixed 2',
          },
        ],
      },
      { name: 'export', type: 'export', status: 'done', ms: 41_000, tables },
      {
        name: 'import',
        type: 'import',
        status: 'done',
        ms: 62_000,
        tables,
        findings: [
          {
            kind: 'orphan',
            table: 'video_video',
            constraint: 'video_video.owner_id → auth_user.id',
            count: 12,
            keys: Array.from({ length: 12 }, (_, i) => String(i + 1)),
            rule: 'orphans: skip',
          },
        ],
      },
      {
        name: 'verify',
        type: 'verify',
        status: 'done',
        ms: 38_000,
        tables: [],
        verify: tables.map((t) => ({ table: t.table, status: 'ok', sourceRows: t.read, targetRows: t.written })),
      },
    ],
    reminders,
    warnings: ['9 tagged item(s) of video_video point at deleted objects'],
    ms: 142_000,
    ...overrides,
  };
}

test('a successful run of the shipped plan: a screenful, the verdict last', () => {
  const lines: string[] = [];
  const live = new ConsoleReporter({ write: (t) => void lines.push(...t.split('\n').slice(0, -1)) });
  live.emit({
    type: 'gates',
    gates: [
      { role: 'source', database: 'mysql://pod@v3/pod', detected: 'Pod 3.8.4', range: '>=3.8.2 <3.9', passed: true },
      { role: 'target', database: 'postgres://pod@v4/pod', detected: 'Pod 4.0.3', range: '>=4.0.0 <4.2', passed: true },
    ],
  });
  for (const step of summary().steps) {
    live.emit({ type: 'step-start', step: step.name, stepType: step.type, description: '' });
    for (const t of step.tables) {
      live.emit({ type: 'table-start', step: step.name, table: t.table, totalRows: t.read });
      live.emit({ type: 'table-end', step: step.name, table: t.table, rows: t.read, ms: t.ms });
    }
    live.emit({
      type: 'step-end',
      step: step.name,
      status: 'done',
      ms: step.ms,
      detail: step.detail,
      figures: step.tables.length ? { tables: 134, rows: 968_939 } : undefined,
    });
  }
  const end = renderRunEnd(summary(), { paint: plainPaint }).split('\n');
  expect(lines).toEqual([
    '✓ source             Pod 3.8.4 (plan: >=3.8.2 <3.9) — mysql://pod@v3/pod',
    '✓ target             Pod 4.0.3 (plan: >=4.0.0 <4.2) — postgres://pod@v4/pod',
    '✓ check-owner-paths    0.17s  found 2, fixed 2',
    '✓ export               41.0s  134 tables, 968,939 rows',
    '✓ import               1m02s  134 tables, 968,939 rows',
    '✓ verify               38.0s',
  ]);
  expect(lines.length + end.length).toBeLessThanOrEqual(30);
  expect(end[end.length - 1]).toBe(
    'OK — 968,939 rows in 134 tables, verify passed (0 differ), 2 findings, 1 warning, 4 things to do by hand, 2m22s',
  );
  // Findings always: ids on one line (ten, then how many more), report lines one per line.
  expect(end).toContain(
    '  import: orphan video_video (video_video.owner_id → auth_user.id): 12, orphans: skip — ids 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 … 2 more (-v, --json or --report)',
  );
  expect(end).toContain('      79; change of owner; encoding videos/aaaa/0079/v.mp4 not in bbbb folder');
  // -v: the per-table tallies too (134 rows per table step).
  expect(renderRunEnd(summary(), { paint: plainPaint, verbose: true }).split('\n').length).toBeGreaterThan(268);
  // --quiet: the verdict alone.
  expect(renderRunEnd(summary(), { paint: plainPaint, quiet: true })).toBe(end[end.length - 1]);
});

test('a failed run: FAILED, the step, the error once; the steps not run listed', () => {
  const failed = summary({
    ok: false,
    reminders: [],
    steps: [
      { name: 'export', type: 'export', status: 'done', ms: 41_000, tables },
      {
        name: 'import',
        type: 'import',
        status: 'failed',
        ms: 3_000,
        tables: [],
        error: { code: 'INTEGRITY', message: 'step import: orphan rows', step: 'import' },
      },
      { name: 'verify', type: 'verify', status: 'not run', ms: 0, tables: [] },
    ],
    failure: { code: 'INTEGRITY', message: 'step import: orphan rows', step: 'import' },
  });
  const end = renderRunEnd(failed, { paint: plainPaint }).split('\n');
  expect(end[end.length - 1]).toBe('FAILED — step import: orphan rows');
  expect(end).toContain('Not run: verify');
  expect(end.join('\n').match(/orphan rows/g)).toHaveLength(1);
  expect(verdictLine({ ...failed, failure: { code: 'VERSION_GATE', message: 'swapped' } }, plainPaint)).toBe(
    'FAILED — version gate: swapped',
  );
});

test('the HTML report escapes every text and holds no external resource', () => {
  const hostile = summary({ reminders: ['<img src=x onerror=alert(1)> & "quotes"'], warnings: ["<b>bold</b> 'single'"] });
  const html = renderHtmlReport(runDocument('plan run', hostile, undefined));
  expect(html).toContain('&#60;img src=x onerror=alert(1)&#62; &#38; &#34;quotes&#34;');
  expect(html).toContain('&#60;b&#62;bold&#60;/b&#62; &#39;single&#39;');
  expect(html).not.toMatch(/<img|<b>|<script|<link|="https?:|url\(/);
  expect(escapeHtml('a<b>&"\'')).toBe('a&#60;b&#62;&#38;&#34;&#39;');
  // The chart: a bar per step and the ten slowest tables.
  expect(html.match(/<rect /g)).toHaveLength(4 + 10);
});

test('a phase (no table moving) gets a plain line while it lasts, none once a table starts; at once with --verbose', async () => {
  const lines: string[] = [];
  const live = new ConsoleReporter({ write: (t) => void lines.push(...t.split('\n').slice(0, -1)) }, { plainEveryMs: 30 });
  live.emit({ type: 'step-start', step: 'import', stepType: 'import', description: '' });
  live.emit({ type: 'phase', step: 'import', message: 'reading the whole dump once to check it' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  live.emit({ type: 'table-start', step: 'import', table: 'auth_user', totalRows: 3 });
  const during = lines.length;
  await new Promise((resolve) => setTimeout(resolve, 100));
  live.close();
  expect(during).toBeGreaterThanOrEqual(2);
  expect(lines.length).toBe(during);
  expect(lines[0]).toMatch(/^ {2}… import: reading the whole dump once to check it \([\d.]+ ?m?s\)$/);

  const verbose: string[] = [];
  const told = new ConsoleReporter({ write: (t) => void verbose.push(...t.split('\n').slice(0, -1)) }, { verbose: true });
  told.emit({ type: 'phase', step: 'verify', message: 'reading the whole dump once to count its rows' });
  told.close();
  expect(verbose).toEqual(['  … verify: reading the whole dump once to count its rows']);
});
