/**
 * `--report FILE.html`: the migration report to attach to a change ticket. One self-contained file — inline
 * CSS, an inline SVG chart, no script, no external resource — that opens offline in any browser. Every text
 * that comes from the run (table names, messages, plan fields) is HTML-escaped; passwords are never in the
 * document it renders.
 */
import type { StepTally, TableTally } from '../../engine/summary';
import type { TableVerdict } from '../../engine/verify';
import type { RunDocument } from './document';
import { count, duration } from './style';

export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1d2330}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #d6dae3;padding-bottom:.2em}
.verdict{font-size:1.1em;padding:.6em .9em;border-radius:6px;font-weight:600}
.ok{background:#e6f4ea;color:#0b5a24}.failed{background:#fde8e8;color:#8a1111}
table{border-collapse:collapse;margin:.5em 0;font-size:13px}th,td{border:1px solid #d6dae3;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f2f4f8}td.n{text-align:right;font-variant-numeric:tabular-nums}
.status-done,.status-ok{color:#0b5a24}.status-failed,.status-differs,.status-missing{color:#8a1111;font-weight:600}.status-lossy{color:#8a5a00}
code{font:12px ui-monospace,Menlo,Consolas,monospace;background:#f2f4f8;padding:1px 3px;border-radius:3px;word-break:break-all}
ul.checklist{list-style:none;padding-left:0}ul.checklist li{margin:.3em 0}
.muted{color:#5b6476}svg text{font:12px system-ui,sans-serif;fill:#1d2330}
@media print{body{margin:0}h2{break-after:avoid}}
`;

export function renderHtmlReport(doc: RunDocument, generatedAt = new Date()): string {
  const steps = doc.steps ?? [];
  const title = `pod-migrate report — ${doc.plan?.name ?? doc.command} — ${doc.ok ? 'OK' : 'FAILED'}`;
  const sections = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="muted">${escapeHtml(`pod-migrate ${doc.tool.version}, ${doc.command}${doc.dry ? ' --dry (nothing written)' : ''}, ${generatedAt.toISOString()}${doc.ms !== undefined ? `, ${duration(doc.ms)}` : ''}`)}</p>`,
    `<p class="verdict ${doc.ok ? 'ok' : 'failed'}">${escapeHtml(doc.verdict ?? (doc.ok ? 'OK' : `FAILED: ${doc.error?.message ?? ''}`))}</p>`,
    section(
      'Plan and databases',
      keyValues([
        ['plan', doc.plan ? `${doc.plan.name} (${doc.plan.file})` : undefined],
        ['plan sha256', doc.plan?.sha256],
        ['source', doc.source],
        ['target', doc.target],
      ]),
    ),
    section(
      'Version gates',
      table(
        ['database', 'role', 'detected', "plan's range", 'gate'],
        (doc.gates ?? []).map((g) => [g.database, g.role, g.detected, g.range, g.passed ? 'passed' : 'outside the range (--force)']),
      ),
    ),
    section(
      'Steps',
      table(
        ['step', 'type', 'status', 'time', 'detail'],
        steps.map((s) => [
          s.name,
          s.type,
          statusCell(s.status),
          s.status === 'not run' ? '' : num(duration(s.ms)),
          s.error ? `${s.error.code}: ${s.error.message}` : (s.detail ?? ''),
        ]),
      ),
    ),
    section('Where the time went', timeChart(steps)),
    section('Tables', tablesSection(steps)),
    section('Findings', findingsSection(steps)),
    section(
      'Tags',
      table(
        ['tag set', 'tags', 'links', 'spellings merged', 'slug collisions', 'tagged objects missing'],
        steps
          .flatMap((s) => s.tagSets ?? [])
          .map((t) => [
            t.set,
            num(count(t.tags)),
            num(count(t.links)),
            num(count(t.spellingsMerged)),
            num(count(t.slugCollisions)),
            num(count(t.missingObjects)),
          ]),
      ),
    ),
    section('Warnings', list(doc.warnings ?? [])),
    section(doc.dry ? 'To do by hand, after the live run' : 'To do by hand', checklist(doc.reminders ?? [])),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
${sections.join('\n')}
</body>
</html>
`;
}

/** Raw HTML (already escaped) in a cell: marks what `table` must not escape again. */
interface Html {
  html: string;
}
type Cell = string | number | undefined | Html;

const num = (text: string): Html => ({ html: `<td class="n">${escapeHtml(text)}</td>` });
const statusCell = (status: string): Html => ({
  html: `<td class="status-${escapeHtml(status.replace(/\s/g, '-'))}">${escapeHtml(status)}</td>`,
});

function cell(c: Cell): string {
  return typeof c === 'object' ? c.html : `<td>${escapeHtml(c)}</td>`;
}

function table(headers: string[], rows: Cell[][]): string {
  if (rows.length === 0) return '<p class="muted">none</p>';
  return `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>\n${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('\n')}\n</tbody></table>`;
}

function keyValues(pairs: Array<[string, string | undefined]>): string {
  const rows = pairs.filter(([, v]) => v !== undefined).map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`);
  return `<table><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function section(heading: string, body: string): string {
  return `<section><h2>${escapeHtml(heading)}</h2>\n${body}\n</section>`;
}

function list(items: string[]): string {
  return items.length === 0 ? '<p class="muted">none</p>' : `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
}

function checklist(items: string[]): string {
  return items.length === 0
    ? '<p class="muted">nothing</p>'
    : `<ul class="checklist">${items.map((i) => `<li><label><input type="checkbox"> ${escapeHtml(i)}</label></li>`).join('')}</ul>`;
}

/** Horizontal bars: each step's time, then the ten slowest tables (any step). */
function timeChart(steps: StepTally[]): string {
  const bars = [
    ...steps
      .filter((s) => s.status !== 'not run' && s.type !== 'reminder')
      .map((s) => ({ label: `step ${s.name}`, ms: s.ms, kind: 'step' })),
    ...steps
      .flatMap((s) => s.tables.map((t) => ({ label: `${s.name} ${t.table}`, ms: t.ms, kind: 'table' })))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 10),
  ];
  if (bars.length === 0) return '<p class="muted">no step ran</p>';
  const labelWidth = 360;
  // Long table names are cut in the chart (whole in the bar's tooltip and in the tables below).
  const cut = (label: string) => (label.length > 52 ? `${label.slice(0, 51)}…` : label);
  const barWidth = 420;
  const rowHeight = 22;
  const max = Math.max(1, ...bars.map((b) => b.ms));
  const rows = bars.map((b, i) => {
    const y = i * rowHeight;
    const w = Math.max(1, Math.round((b.ms / max) * barWidth));
    return (
      `<text x="${labelWidth - 6}" y="${y + 15}" text-anchor="end">${escapeHtml(cut(b.label))}</text>` +
      `<rect x="${labelWidth}" y="${y + 3}" width="${w}" height="${rowHeight - 6}" fill="${b.kind === 'step' ? '#3b6fd8' : '#8fb0ee'}"><title>${escapeHtml(`${b.label}: ${duration(b.ms)}`)}</title></rect>` +
      `<text x="${labelWidth + w + 6}" y="${y + 15}">${escapeHtml(duration(b.ms))}</text>`
    );
  });
  const height = bars.length * rowHeight;
  return `<svg role="img" aria-label="time per step and ten slowest tables" width="${labelWidth + barWidth + 80}" height="${height}" viewBox="0 0 ${labelWidth + barWidth + 80} ${height}">${rows.join('')}</svg>
<p class="muted">Dark bars: steps; light bars: the ten slowest tables.</p>`;
}

/** One row per table: rows read by the export, written / skipped by the import, and verify's verdict. */
function tablesSection(steps: StepTally[]): string {
  const exported = new Map<string, TableTally>(
    steps.filter((s) => s.type === 'export').flatMap((s) => s.tables.map((t) => [t.table, t] as const)),
  );
  const imported = new Map<string, TableTally>(
    steps.filter((s) => s.type === 'import' || s.type === 'tags').flatMap((s) => s.tables.map((t) => [t.table, t] as const)),
  );
  const verified = new Map<string, TableVerdict>(steps.flatMap((s) => (s.verify ?? []).map((v) => [v.table, v] as const)));
  const names = [...new Set([...exported.keys(), ...imported.keys(), ...verified.keys()])].sort();
  const rows = names.map((name): Cell[] => {
    const e = exported.get(name);
    const i = imported.get(name);
    const v = verified.get(name);
    return [
      name,
      num(e ? count(e.read) : ''),
      num(i ? count(i.written) : ''),
      num(i ? count(i.skipped) : ''),
      v ? statusCell(v.status) : '',
      [v?.detail, v?.keys?.length ? `keys: ${v.keys.join(', ')}` : undefined, i?.note].filter(Boolean).join('; '),
    ];
  });
  return table(['table', 'rows read (export)', 'rows written (import)', 'skipped', 'verify', 'detail'], rows);
}

function findingsSection(steps: StepTally[]): string {
  const rows = steps.flatMap((s) =>
    (s.findings ?? []).map((f): Cell[] => [
      s.name,
      f.kind,
      f.table,
      f.constraint,
      num(count(f.count)),
      f.rule,
      { html: `<td><code>${escapeHtml(f.keys.join(', '))}</code></td>` },
    ]),
  );
  return table(['step', 'kind', 'table', 'constraint', 'rows', 'rule', 'ids'], rows);
}
