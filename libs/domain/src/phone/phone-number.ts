/**
 * Phone numbers are stored in E.164. Parsing is NANP-centric: a number written without a
 * country code is read in the default region, +1 (US/Canada). Numbers written with a "+"
 * and another country code are accepted as E.164 if their length is plausible (8–15 digits),
 * but no NANP checks apply to them and no time zone can be inferred from them.
 */
export type PhoneRejection =
  | 'empty'
  | 'invalid_characters'
  | 'too_short'
  | 'too_long'
  | 'invalid_area_code'
  | 'invalid_exchange'
  | 'service_code'
  | 'fictional_number';

export type PhoneParseResult =
  | { ok: true; e164: string; areaCode: string | null }
  | { ok: false; reason: PhoneRejection; message: string };

const MESSAGES: Record<PhoneRejection, string> = {
  empty: 'no number given',
  invalid_characters: 'contains characters other than digits, spaces, + . - ( )',
  too_short: 'too few digits for a phone number',
  too_long: 'too many digits for a phone number',
  invalid_area_code: 'area code must start with 2-9',
  invalid_exchange: 'exchange (digits 4-6) must start with 2-9',
  service_code: 'N11 service codes (411, 911, …) are not phone numbers',
  fictional_number: '555-01XX numbers are reserved for fiction',
};

const reject = (reason: PhoneRejection): PhoneParseResult => ({
  ok: false,
  reason,
  message: MESSAGES[reason],
});

/** Normalize a phone number as typed in a voter file into E.164, or say why it is rejected. */
export function normalizePhone(raw: string, defaultCountryCode = '1'): PhoneParseResult {
  const trimmed = raw.trim();
  if (trimmed === '') return reject('empty');
  if (!/^\+?[0-9 ().\-/]+$/.test(trimmed)) return reject('invalid_characters');
  const international = trimmed.startsWith('+');
  let digits = trimmed.replace(/[^0-9]/g, '');
  if (digits === '') return reject('empty');
  if (international && !digits.startsWith('1')) {
    if (digits.length < 8) return reject('too_short');
    if (digits.length > 15) return reject('too_long');
    return { ok: true, e164: `+${digits}`, areaCode: null };
  }
  if (!international && defaultCountryCode !== '1') {
    if (digits.length + defaultCountryCode.length > 15) return reject('too_long');
    return { ok: true, e164: `+${defaultCountryCode}${digits}`, areaCode: null };
  }
  if (digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1);
  if (digits.length < 10) return reject('too_short');
  if (digits.length > 10) return reject('too_long');
  const area = digits.slice(0, 3);
  const exchange = digits.slice(3, 6);
  if (area[0] === '0' || area[0] === '1') return reject('invalid_area_code');
  if (area[1] === '1' && area[2] === '1') return reject('service_code');
  if (exchange[0] === '0' || exchange[0] === '1') return reject('invalid_exchange');
  if (exchange[1] === '1' && exchange[2] === '1') return reject('service_code');
  if (exchange === '555' && digits.slice(6, 8) === '01') return reject('fictional_number');
  return { ok: true, e164: `+1${digits}`, areaCode: area };
}

/** The NANP area code of an E.164 number, or null when it is not a +1 number. */
export function areaCodeOf(e164: string): string | null {
  return /^\+1[2-9]\d{9}$/.test(e164) ? e164.slice(2, 5) : null;
}

export type LineType = 'landline' | 'cell' | 'voip' | 'unknown';
const LINE_TYPES: Record<string, LineType> = {
  landline: 'landline',
  land: 'landline',
  l: 'landline',
  home: 'landline',
  fixed: 'landline',
  cell: 'cell',
  mobile: 'cell',
  wireless: 'cell',
  c: 'cell',
  m: 'cell',
  voip: 'voip',
  v: 'voip',
  unknown: 'unknown',
  '': 'unknown',
};

/** Read a line type as written in a voter file; null when it is not a known word. */
export function parseLineType(raw: string): LineType | null {
  return LINE_TYPES[raw.trim().toLowerCase()] ?? null;
}
