import { adoptionReport } from '../../testing/fixtures';
import { csvField, toCsv } from './csv';
import { ownershipRows, visibleRows } from './OwnershipTable';

describe('csv', () => {
  it('quotes fields with separators, quotes and line breaks', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(undefined)).toBe('');
    expect(toCsv([{ title: 'n', value: (r: number) => r }], [1, 2])).toBe(
      'n\r\n1\r\n2\r\n',
    );
  });

  it.each([
    [
      '=',
      '=HYPERLINK("http://x.example","open")',
      `"'=HYPERLINK(""http://x.example"",""open"")"`,
    ],
    ['+', '+1+cmd|calc', `"'+1+cmd|calc"`],
    ['-', '-2+3', `"'-2+3"`],
    ['@', '@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
    ['tab', '\t=1+1', `"'\t=1+1"`],
    ['carriage return', '\r=1+1', `"'\r=1+1"`],
  ])(
    'neutralises a cell starting with %s so it opens as text',
    (_lead, value, expected) => {
      expect(csvField(value)).toBe(expected);
    },
  );

  it('keeps ordinary values and real numbers, negative ones too, as they are', () => {
    expect(csvField('group:default/team-a')).toBe('group:default/team-a');
    expect(csvField('team-a')).toBe('team-a');
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(0)).toBe('0');
    // Text that merely looks like a number is still text.
    expect(csvField('-3')).toBe(`"'-3"`);
    expect(
      toCsv(
        [
          { title: 'Name', value: (r: [string, number]) => r[0] },
          { title: 'Delta', value: (r: [string, number]) => r[1] },
        ],
        [
          ['=cmd|"/C calc"!A0', -2],
          ['team-a', 4],
        ],
      ),
    ).toBe(`Name,Delta\r\n"'=cmd|""/C calc""!A0",-2\r\nteam-a,4\r\n`);
  });

  it('exports only the rows the search keeps, as the table shows them', () => {
    const rows = ownershipRows(adoptionReport(), 'owner');
    expect(visibleRows(rows, 'owner', 'team-b').map(r => r.name)).toEqual([
      'group:default/team-b',
    ]);
    expect(
      visibleRows(rows, 'owner', '', { column: 1, direction: 'desc' }).map(
        r => r.workloads,
      ),
    ).toEqual([5, 4, 1]);
  });
});
