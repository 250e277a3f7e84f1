// A spreadsheet runs a cell starting with one of these as a formula (CSV
// injection): =, +, -, @, tab, carriage return.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field. Quoted when it holds a separator, quote or line break.
 * Text a spreadsheet would run as a formula is neutralised as OWASP advises:
 * prefixed with a single quote and quoted, so it opens as the text it is.
 * Values that are real numbers (`-3`, `12.5`) are written as numbers: a
 * spreadsheet reads them as numbers, never as formulas, and they must stay
 * summable. Text that only looks like a number (`'-3'`) is neutralised.
 */
export function csvField(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  const text = value === undefined || value === null ? '' : String(value);
  const escaped = text.replace(/"/g, '""');
  if (FORMULA_START.test(text)) return `"'${escaped}"`;
  return /[",\r\n]/.test(text) ? `"${escaped}"` : text;
}

/** RFC 4180 CSV: a header line, then one line per row, CRLF separated. */
export function toCsv<T>(
  columns: Array<{ title: string; value: (row: T) => unknown }>,
  rows: T[],
): string {
  const lines = [
    columns.map(c => csvField(c.title)).join(','),
    ...rows.map(r => columns.map(c => csvField(c.value(r))).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** Saves text as a file from the browser, without a server round trip. */
export function downloadCsv(filename: string, csv: string): void {
  const blob = new Blob([csv], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  URL.revokeObjectURL(url);
}
