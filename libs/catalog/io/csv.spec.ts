import fc from 'fast-check';
import { CsvSyntaxError, formatCsv, parseCsv } from './csv';

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
});
