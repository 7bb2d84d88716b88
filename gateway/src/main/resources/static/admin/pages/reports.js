// Evaluation and benchmark reports: GET /api/v1/admin/reports (the files ./rag eval and ./rag bench wrote to the
// gateway's rag.gateway.reports-dir), each with its chart (.png), metrics (.json) and text (.md).
import { api, enc } from '../api.js';
import { h, clear, problem, table, tableOr, num } from '../ui.js';

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
  if (chosen) await show(chosen, detail);
  return null;
}

async function show(r, out) {
  const parts = [h('h2', { tabindex: -1 }, r.name)];
  const file = (f) => `/api/v1/admin/reports/${enc(f)}`;
  try {
    if (r.files.png) {
      const blob = await api('GET', file(r.files.png), { as: 'blob' });
      parts.push(h('img.chart', { src: URL.createObjectURL(blob), alt: `Chart of ${r.name}: metrics per mode (values in the table below)` }));
    }
    if (r.files.json) {
      const j = await api('GET', file(r.files.json));
      parts.push(...summary(j));
    }
    if (r.files.md) {
      const md = await api('GET', file(r.files.md), { as: 'text' });
      parts.push(h('details', {}, h('summary', {}, 'Report text (Markdown)'), h('pre.passage', {}, md)));
    }
  } catch (e) {
    parts.push(problem(e, r.name));
  }
  clear(out, parts);
  out.querySelector('h2').focus();
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
