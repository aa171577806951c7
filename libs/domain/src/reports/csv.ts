/**
 * CSV for the report exports (RFC 4180): fields with a comma, quote, CR or LF are quoted and
 * their quotes doubled; lines end with CRLF. Text fields starting with `=`, `+`, `-` or `@`
 * (and tab or CR, which some spreadsheets strip before reading a formula) get a leading `'`,
 * so a spreadsheet never runs a voter's or volunteer's text as a formula (CSV injection).
 * Numbers are written as they are.
 */
export type CsvValue = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
