// The Markdown the eval and bench reports are written in, rendered as DOM nodes (never as HTML, so a report cannot
// inject markup): headings, paragraphs, lists, tables, fenced code, inline code, bold, italics and links.
import { h } from './ui.js';

export function markdown(text) {
  const lines = String(text || '').replace(/\r\n?/g, '\n').split('\n');
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^```/.test(line)) {
      const code = [];
      for (i++; i < lines.length && !/^```/.test(lines[i]); i++) code.push(lines[i]);
      i++;
      out.push(h('pre', {}, h('code', {}, code.join('\n'))));
    } else if (/^#{1,6}\s/.test(line)) {
      const level = Math.min(6, line.match(/^#+/)[0].length + 2); // a report's # sits under the page's h2
      out.push(h(`h${Math.min(level, 6)}`, {}, inline(line.replace(/^#+\s*/, ''))));
      i++;
    } else if (/^\s*\|/.test(line)) {
      const rows = [];
      for (; i < lines.length && /^\s*\|/.test(lines[i]); i++) rows.push(cells(lines[i]));
      const body = rows.filter((r, j) => !(j === 1 && r.every((c) => /^:?-{2,}:?$/.test(c.trim()))));
      const [head, ...rest] = body;
      out.push(h('table', {}, h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, inline(c))))),
        h('tbody', {}, rest.map((r) => h('tr', {}, r.map((c) => h(/^\s*[-+]?[\d.,]+\s*(%|ms|s)?\s*$/.test(c) ? 'td.num' : 'td', {}, inline(c))))))));
    } else if (/^\s*([-*]|\d+\.)\s/.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const items = [];
      for (; i < lines.length && /^\s*([-*]|\d+\.)\s/.test(lines[i]); i++) {
        let item = lines[i].replace(/^\s*([-*]|\d+\.)\s+/, '');
        // continuation lines, indented
        for (; i + 1 < lines.length && /^\s{2,}\S/.test(lines[i + 1]) && !/^\s*([-*]|\d+\.)\s/.test(lines[i + 1]); i++) {
          item += ` ${lines[i + 1].trim()}`;
        }
        items.push(h('li', {}, inline(item)));
      }
      out.push(h(ordered ? 'ol' : 'ul', {}, items));
    } else if (!line.trim()) {
      i++;
    } else {
      const para = [];
      for (; i < lines.length && lines[i].trim() && !/^(#{1,6}\s|```|\s*\||\s*([-*]|\d+\.)\s)/.test(lines[i]); i++) para.push(lines[i].trim());
      out.push(h('p', {}, inline(para.join(' '))));
    }
  }
  return h('div.markdown', {}, out);
}

function cells(line) {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
}

/** `code`, **bold**, *italics* and [text](http…) within a line. */
function inline(text) {
  const parts = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    if (m[1] !== undefined) parts.push(h('code', {}, m[1]));
    else if (m[2] !== undefined) parts.push(h('strong', {}, m[2]));
    else if (m[3] !== undefined) parts.push(h('em', {}, m[3]));
    else parts.push(/^https?:\/\//.test(m[5]) ? h('a', { href: m[5], rel: 'noopener noreferrer' }, m[4]) : m[4]);
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
