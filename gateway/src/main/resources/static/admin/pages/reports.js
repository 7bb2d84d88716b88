// Evaluation and benchmark reports: GET /api/v1/admin/reports (the files ./rag eval and ./rag bench wrote to the
// gateway's rag.gateway.reports-dir), each with its chart (.png), metrics (.json) and text (.md).
import { api, enc } from '../api.js';
import { h, clear, problem, table, tableOr, num, field } from '../ui.js';
import { markdown } from '../markdown.js';

export async function render(main, params) {
  main.append(h('h1', {}, 'Evaluation reports'));
  const detail = h('div', { 'aria-live': 'polite' });
  let listing;
  try {
    listing = await api('GET', '/api/v1/admin/reports');
  } catch (e) {
    main.append(problem(e, 'Reports'));
    return null;
  }
  if (!listing.available) {
    main.append(h('p.note', {}, `Not available: ${listing.detail}`));
    return null;
  }
  main.append(h('p.note', {}, `From ${listing.directory}.`),
    tableOr('No reports yet: run ./rag eval <suite> or ./rag bench <what>.', ['report', 'suite', 'time', 'files'], listing.reports.map((r) => h('tr', {},
        h('td', {}, h('a', { href: `#/reports?name=${enc(r.name)}` }, r.name)), h('td', {}, r.suite),
        h('td', {}, r.time ? r.time.replace('T', ' ') : '–'), h('td', {}, Object.keys(r.files).join(', '))))),
    detail);
  const chosen = listing.reports.find((r) => r.name === params.get('name'));
  const other = listing.reports.find((r) => r.name === params.get('compare'));
  if (chosen) await show(chosen, detail, listing.reports, other, params.get('query'));
  return null;
}

const file = (f) => `/api/v1/admin/reports/${enc(f)}`;

async function show(r, out, all, other, query) {
  const parts = [h('h2', { tabindex: -1 }, r.name)];
  // another run of the same suite beside this one: metrics side by side with their differences
  const peers = all.filter((x) => x.name !== r.name && x.files.json && (x.suite === r.suite || !r.suite));
  if (r.files.json && peers.length) {
    const pick = h('select', { id: 'report-compare' }, h('option', { value: '' }, 'choose a run'),
      peers.map((x) => h('option', { value: x.name, selected: other && x.name === other.name }, x.name)));
    parts.push(h('form.toolbar', { onsubmit: (e) => {
      e.preventDefault();
      location.hash = `#/reports?name=${enc(r.name)}${pick.value ? `&compare=${enc(pick.value)}` : ''}`;
    } }, field('Compare with', pick), h('button', { type: 'submit' }, 'Compare')));
  }
  try {
    if (r.files.png) {
      const blob = await api('GET', file(r.files.png), { as: 'blob' });
      parts.push(h('img.chart', { src: URL.createObjectURL(blob), alt: `Chart of ${r.name}: metrics per mode (values in the table below)` }));
    }
    if (r.files.json) {
      const j = await api('GET', file(r.files.json));
      if (other) parts.push(compare(r, j, other, await api('GET', file(other.files.json))));
      parts.push(...summary(j), perQuery(r, j, query));
    }
    if (r.files.md) {
      const md = await api('GET', file(r.files.md), { as: 'text' });
      parts.push(h('details', { open: !r.files.json, id: 'report-text' }, h('summary', {}, 'Report text'), markdown(md)));
    }
  } catch (e) {
    parts.push(problem(e, r.name));
  }
  clear(out, parts);
  out.querySelector('h2').focus();
}

/** Two runs' metrics per mode side by side, with this run's difference (better or worse coloured). */
function compare(r, a, o, b) {
  const modes = [...new Set([...Object.keys(a.metrics || {}), ...Object.keys(b.metrics || {})])];
  const rows = [];
  for (const m of modes) {
    const names = [...new Set([...Object.keys((a.metrics || {})[m] || {}), ...Object.keys((b.metrics || {})[m] || {})])];
    for (const n of names) {
      const x = ((a.metrics || {})[m] || {})[n];
      const y = ((b.metrics || {})[m] || {})[n];
      const d = typeof x === 'number' && typeof y === 'number' ? x - y : null;
      rows.push(h('tr', {}, h('th', { scope: 'row' }, m), h('td', {}, n), h('td.num', {}, num(x, 4)), h('td.num', {}, num(y, 4)),
        h(`td.num${d > 0 ? '.better' : d < 0 ? '.worse' : ''}`, {}, d === null ? '–' : `${d > 0 ? '+' : ''}${num(d, 4)}`)));
    }
  }
  return h('section', { id: 'report-comparison', 'aria-label': `${r.name} compared with ${o.name}` },
    h('h3', {}, `Compared with ${o.name}`),
    table(['mode', 'metric', { label: r.name, num: true }, { label: o.name, num: true }, { label: 'difference', num: true }], rows,
      'higher is better for every quality metric; the difference is this run minus the other'));
}

/**
 * Per-query results, where the report holds them ({perQuery: {mode: [{id, query, metrics, found, relevant}]}}):
 * the worst queries of each mode first, each opening to what was found and what was expected.
 */
function perQuery(r, j, chosen) {
  const per = j.perQuery;
  if (!per || typeof per !== 'object' || !Object.keys(per).length) {
    return h('p.note', { id: 'report-per-query' }, 'This report holds no per-query results (a report with a perQuery '
      + 'section, {mode: [{id, query, metrics, found, relevant}]}, opens to each query here).');
  }
  const sections = Object.entries(per).map(([mode, queries]) => {
    const names = Object.keys((queries[0] && queries[0].metrics) || {});
    const metric = names[0];
    const sorted = [...queries].sort((x, y) => ((x.metrics || {})[metric] ?? 0) - ((y.metrics || {})[metric] ?? 0));
    return h('details', { open: Boolean(chosen) }, h('summary', {}, `${mode}: ${queries.length} queries, worst ${metric} first`),
      table(['query', ...names.map((n) => ({ label: n, num: true }))],
        sorted.map((q) => h('tr', { dataset: { query: q.id } },
          h('td', {}, h('details', { open: chosen === String(q.id) }, h('summary', {}, q.query || q.id),
            h('div.note', {}, 'expected: ', (q.relevant || []).join(', ') || '–'),
            h('ol', {}, (q.found || []).map((f) => h(`li${(q.relevant || []).includes(f) ? '.relevant' : ''}`, {}, f))))),
          names.map((n) => h('td.num', {}, num((q.metrics || {})[n], 4)))))));
  });
  return h('section', { id: 'report-per-query', 'aria-label': 'Per-query results' }, h('h3', {}, 'Per query'), sections);
}

function summary(j) {
  const parts = [];
  const meta = [['command', j.command], ['revision', j.revision], ['date', j.date], ['model', j.model], ['collection', j.collection]]
    .filter(([, v]) => v);
  if (meta.length) parts.push(h('dl.settings', {}, meta.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))])));
  if (j.metrics && typeof j.metrics === 'object') {
    const modes = Object.keys(j.metrics);
    const names = [...new Set(modes.flatMap((m) => Object.keys(j.metrics[m] || {})))];
    const lat = j.latencyMs || {};
    const latNames = [...new Set(modes.flatMap((m) => Object.keys(lat[m] || {})))];
    parts.push(table(['mode', ...names.map((n) => ({ label: n, num: true })), ...latNames.map((n) => ({ label: `${n} ms`, num: true }))],
      modes.map((m) => h('tr', {}, h('th', { scope: 'row' }, m),
        names.map((n) => h('td.num', {}, num(j.metrics[m][n], 4))),
        latNames.map((n) => h('td.num', {}, num((lat[m] || {})[n], 1))))), 'metrics per mode'));
  }
  if (j.details) parts.push(h('p.note', {}, Object.entries(j.details).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ')));
  return parts;
}
