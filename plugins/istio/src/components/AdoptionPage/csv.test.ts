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
