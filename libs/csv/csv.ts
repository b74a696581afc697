/**
 * RFC 4180 CSV: comma separated, double-quoted fields with "" escapes, CRLF or LF line ends.
 *
 * Every CSV the product writes goes through `formatCsv` / `csvLine`, which neutralise cells a
 * spreadsheet would run as a formula, and every CSV it reads goes through `parseCsv`, which maps
 * them back (docs/csv.md).
 */

/** A cell a spreadsheet would evaluate: it starts with = + - @ tab or CR, after any leading quotes. */
const FORMULA_START = /^'*[=+\-@\t\r]/;
/** A neutralised cell: one added apostrophe before the original (which may itself start with apostrophes). */
const NEUTRALISED = /^'+[=+\-@\t\r]/;

/**
 * Neutralises formula injection (OWASP "CSV injection"): a value that would start a formula gets
 * one leading apostrophe, which spreadsheets show as text. Values already starting with
 * apostrophes before such a character get one more, so `restoreCell` is an exact inverse.
 */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The inverse of `neutraliseCell`: drops the one apostrophe it added. Other values are unchanged. */
export function restoreCell(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}

export interface CsvRecord {
  /** 1-based line number of the record's first line in the file (the header is line 1). */
  line: number;
  values: Record<string, string>;
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

function parseRows(text: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        if (c === '\n') line++;
        field += c;
        i++;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n') {
      endRow();
      line++;
      rowLine = line;
    } else if (!(c === '\r' && text[i + 1] === '\n')) {
      field += c;
    }
    i++;
  }
  if (quoted) throw new CsvSyntaxError(rowLine, 'unterminated quoted field');
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

/**
 * Parses a CSV file with a header row into records keyed by header name. Cells are mapped back
 * from their neutralised form (`restoreCell`); with `trim`, edge whitespace is dropped first, so a
 * neutralised cell that starts with a tab keeps it.
 */
export function parseCsv(text: string, options: { trim?: boolean } = {}): { header: string[]; records: CsvRecord[] } {
  const rows = parseRows(text.replace(/^\uFEFF/, ''));
  if (rows.length === 0) return { header: [], records: [] };
  const read = (cell: string) => restoreCell(options.trim ? cell.trim() : cell);
  const header = rows[0].fields.map((h) => restoreCell(h.trim()));
  const records = rows.slice(1).map((r) => {
    if (r.fields.length !== header.length) {
      throw new CsvSyntaxError(r.line, `has ${r.fields.length} fields, the header has ${header.length}`);
    }
    const values: Record<string, string> = {};
    header.forEach((h, i) => (values[h] = read(r.fields[i])));
    return { line: r.line, values };
  });
  return { header, records };
}

/** One cell as written: neutralised, then quoted when it holds a quote, comma, line break or edge space. */
export function csvCell(value: unknown): string {
  const text = value == null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const v = neutraliseCell(text);
  return /[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One record (no line end): `values` in column order, null/undefined as empty cells. */
export function csvLine(values: unknown[]): string {
  return values.map(csvCell).join(',');
}

/** Writes records with a header row; null/undefined become empty fields. Lines end with CRLF. */
export function formatCsv(header: string[], rows: Record<string, unknown>[]): string {
  const lines = [csvLine(header)];
  for (const r of rows) lines.push(csvLine(header.map((h) => r[h])));
  return `${lines.join('\r\n')}\r\n`;
}
