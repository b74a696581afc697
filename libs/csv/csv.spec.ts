import fc from 'fast-check';
import { CsvSyntaxError, formatCsv, neutraliseCell, parseCsv, restoreCell } from './csv';

describe('csv', () => {
  it('parses quotes, embedded commas and newlines, and reports line numbers', () => {
    const { header, records } = parseCsv('key,name\r\nehr,"EHR, ""main"""\npacs,"multi\nline"\nlis,Lab\n');
    expect(header).toEqual(['key', 'name']);
    expect(records.map((r) => [r.line, r.values.key, r.values.name])).toEqual([
      [2, 'ehr', 'EHR, "main"'],
      [3, 'pacs', 'multi\nline'],
      [5, 'lis', 'Lab'],
    ]);
  });

  it('rejects a row with the wrong number of fields, naming its line', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow(CsvSyntaxError);
    try {
      parseCsv('a,b\n1,2\n3\n');
    } catch (e) {
      expect((e as CsvSyntaxError).line).toBe(3);
    }
  });

  it('property: format then parse gives the rows back', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', ' ', 'é', 'x') });
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell), { maxLength: 10 }), (rows) => {
        const text = formatCsv(['x', 'y'], rows.map(([x, y]) => ({ x, y })));
        expect(parseCsv(text).records.map((r) => [r.values.x, r.values.y])).toEqual(rows);
      }),
    );
  });

  it('neutralises every cell a spreadsheet would run as a formula, and maps it back on read', () => {
    for (const v of ['=1+2 Test', '+1', '-1', '@SUM(A1)', '\tx', '\rx', "'=x", "''+x"]) {
      expect(neutraliseCell(v)).toBe(`'${v}`);
      expect(restoreCell(neutraliseCell(v))).toBe(v);
    }
    for (const v of ['Ann', "'quoted", "''", '', ' =x', '1-2']) {
      expect(neutraliseCell(v)).toBe(v);
      expect(restoreCell(v)).toBe(v);
    }
    const text = formatCsv(['name'], [{ name: '=1+2 Test' }, { name: '\r=cmd' }]);
    expect(text).toBe('name\r\n\'=1+2 Test\r\n"\'\r=cmd"\r\n');
    expect(parseCsv(text).records.map((r) => r.values.name)).toEqual(['=1+2 Test', '\r=cmd']);
  });

  it('property: no written cell starts a formula, and every value reads back exactly', () => {
    const cell = fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", 'a', ',', '"', '\n', ' ') });
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell), { maxLength: 10 }), (rows) => {
        const text = formatCsv(['x', 'y'], rows.map(([x, y]) => ({ x, y })));
        const raw = parseCellsRaw(text);
        for (const c of raw) expect(c).not.toMatch(/^[=+\-@\t\r]/);
        expect(parseCsv(text).records.map((r) => [r.values.x, r.values.y])).toEqual(rows);
      }),
    );
  });
});

/** The cells as a spreadsheet sees them: unquoted, but not mapped back. */
function parseCellsRaw(text: string): string[] {
  const out: string[] = [];
  const re = /("(?:[^"]|"")*"|[^,\r\n]*)(,|\r\n|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    const c = m[1];
    out.push(c.startsWith('"') ? c.slice(1, -1).replace(/""/g, '"') : c);
  }
  return out;
}
