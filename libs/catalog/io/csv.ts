/** RFC 4180 CSV: comma separated, double-quoted fields with "" escapes, CRLF or LF line ends. */

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

/** Parses a CSV file with a header row into records keyed by header name. */
export function parseCsv(text: string): { header: string[]; records: CsvRecord[] } {
  const rows = parseRows(text.replace(/^\uFEFF/, ''));
  if (rows.length === 0) return { header: [], records: [] };
  const header = rows[0].fields.map((h) => h.trim());
  const records = rows.slice(1).map((r) => {
    if (r.fields.length !== header.length) {
      throw new CsvSyntaxError(r.line, `has ${r.fields.length} fields, the header has ${header.length}`);
    }
    const values: Record<string, string> = {};
    header.forEach((h, i) => (values[h] = r.fields[i]));
    return { line: r.line, values };
  });
  return { header, records };
}

function quote(v: string): string {
  return /[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Writes records with a header row; null/undefined become empty fields. Lines end with CRLF. */
export function formatCsv(header: string[], rows: Record<string, unknown>[]): string {
  const lines = [header.map(quote).join(',')];
  for (const r of rows) lines.push(header.map((h) => quote(r[h] == null ? '' : String(r[h]))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
