/** Quotes a CSV field when it holds a separator, quote or line break. */
export function csvField(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
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
