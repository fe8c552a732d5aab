/**
 * The grade sheet as CSV (RFC 4180: comma separated, CRLF line ends, fields
 * with a comma, quote or line break quoted, quotes doubled): one row per
 * student — student, score, max, status, reason, lab, then one column per
 * check id holding that check's result. And a reader for the same dialect
 * (tests and tools read the sheet back with it).
 */
import type { StudentReport } from './score';

/** Fixed leading columns of the sheet. */
const CSV_HEAD = ['student', 'score', 'max', 'status', 'reason', 'lab'] as const;

/**
 * Why cells that start with =, +, -, @ (or a tab/CR) get a leading quote:
 * spreadsheets run such cells as formulas, and student names and reasons come
 * from student files.
 */
function defuse(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** One CSV field. */
export function csvField(value: string | number): string {
  const s = typeof value === 'number' ? String(value) : defuse(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The whole sheet; check columns in the order of `checkIds`. */
export function gradesCsv(reports: readonly StudentReport[], checkIds: readonly string[]): string {
  const lines = [[...CSV_HEAD, ...checkIds].map(csvField).join(',')];
  for (const r of reports) {
    const byId = new Map(r.checks.map((c) => [c.id, c]));
    lines.push(
      [
        r.student,
        r.score,
        r.max,
        r.status,
        r.reason ?? '',
        r.lab ?? '',
        ...checkIds.map((id) => byId.get(id)?.status ?? 'not run'),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/** Reads CSV text (RFC 4180) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\r' && text[i + 1] === '\n') {
      endRow();
      i++;
    } else if (ch === '\n') endRow();
    else field += ch;
  }
  if (field !== '' || row.length) endRow();
  return rows;
}

/** The sheet read back as objects keyed by column name. */
export function readGradesCsv(text: string): Record<string, string>[] {
  const [head, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
}
