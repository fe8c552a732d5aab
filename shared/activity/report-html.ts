/**
 * A student's report as one self-contained HTML page: the topology as an
 * inline SVG picture, the score, each check with its result, detail, hint and
 * time. No scripts, no external resources; every piece of text is escaped
 * (student files are untrusted), and a Content-Security-Policy forbids
 * scripts even if something slipped through.
 */
import { toSvg } from '../formats/svg';
import type { StudentReport } from './score';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const STATUS_STYLE: Record<string, string> = {
  pass: '#15803d',
  fail: '#b91c1c',
  error: '#b45309',
  skipped: '#6b7280',
  'not run': '#6b7280',
};

/** The topology picture, or a note when it cannot be drawn. */
function picture(r: StudentReport): string {
  if (!r.topology) return '<p class="muted">No picture: the submission could not be read as a topology.</p>';
  try {
    // toSvg escapes every text from the file; the XML prolog is dropped for inline use.
    return toSvg(r.topology).replace(/^<\?xml[^>]*\?>\s*/, '');
  } catch {
    return '<p class="muted">No picture: the topology could not be drawn.</p>';
  }
}

/** The report page. */
export function reportHtml(r: StudentReport): string {
  const e = escapeHtml;
  const rows = r.checks
    .map((c) => {
      const tags = [
        c.hidden ? 'hidden' : '',
        c.breakIt ? 'break it (not counted)' : '',
        !c.graded && !c.breakIt ? 'not counted' : '',
      ]
        .filter(Boolean)
        .join(', ');
      return `<tr><td>${e(c.title)}<div class="muted">${e(c.id)}${tags ? ` · ${e(tags)}` : ''}</div></td><td style="color:${STATUS_STYLE[c.status] ?? '#000'};font-weight:600">${e(c.status)}</td><td>${c.graded ? `${c.earned}/${c.points}` : '—'}</td><td>${e(c.detail)}${c.hint ? `<div class="hint">Hint: ${e(c.hint)}</div>` : ''}</td><td class="muted">${e(c.at ?? '')}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${e(r.activity)} — ${e(r.student)}: ${r.score}/${r.max}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}.muted{color:#6b7280;font-size:.85em}
.hint{color:#1d4ed8;font-size:.9em;margin-top:.2rem}.score{font-size:2rem;font-weight:700}.refused{color:#b91c1c;font-weight:600}
svg{max-width:100%;height:auto;border:1px solid #eee}
</style></head><body>
<h1>${e(r.activity)}</h1>
<p>Student: <strong>${e(r.student)}</strong> · file <code>${e(r.file)}</code>${r.lab ? ` · graded as lab <code>${e(r.lab)}</code> (prefix <code>${e(r.prefix ?? '')}</code>)` : ''}</p>
<p class="score">${r.score} / ${r.max}</p>
${r.reason ? `<p class="refused">${r.status === 'refused' ? 'Not graded (score 0)' : 'Kernel error'}: ${e(r.reason)}</p>` : ''}
<p class="muted">Started ${e(r.startedAt)}, finished ${e(r.finishedAt)}.</p>
<h2>Topology</h2>
${picture(r)}
<h2>Checks</h2>
<table><thead><tr><th>check</th><th>result</th><th>points</th><th>what was seen</th><th>time</th></tr></thead><tbody>
${rows}
</tbody></table>
</body></html>
`;
}
