import {
  normalizePhone,
  parseBirthday,
  parseLineType,
  resolveCallingZone,
  callingZoneKey,
  isValidTimeZone,
  US_STATE_CODES,
} from '@phonebank/domain';

/** The columns a voter file may have (after normalizing header names). */
export const REQUIRED_COLUMNS = ['voter_id', 'first_name', 'last_name'] as const;
const OPTIONAL_COLUMNS = [
  'middle_name',
  'address_line1',
  'address_line2',
  'city',
  'state',
  'zip',
  'birthday',
  'time_zone',
  'tags',
  'notes',
] as const;
const ALIASES: Record<string, string> = {
  id: 'voter_id',
  external_id: 'voter_id',
  voterid: 'voter_id',
  first: 'first_name',
  firstname: 'first_name',
  last: 'last_name',
  lastname: 'last_name',
  middle: 'middle_name',
  middlename: 'middle_name',
  address: 'address_line1',
  address1: 'address_line1',
  street: 'address_line1',
  address2: 'address_line2',
  zip_code: 'zip',
  zipcode: 'zip',
  postal_code: 'zip',
  dob: 'birthday',
  birthdate: 'birthday',
  date_of_birth: 'birthday',
  birth_date: 'birthday',
  timezone: 'time_zone',
  tz: 'time_zone',
};
const MAX_PHONES = 9;

export interface ColumnMap {
  names: string[];
  index: Map<string, number>;
  phoneSlots: { number: number; score: number | undefined; type: number | undefined }[];
}

export interface RowError {
  line: number;
  column?: string;
  message: string;
}

/** Map the header row; every problem is reported against line 1. */
export function mapHeader(header: string[]): { map?: ColumnMap; errors: RowError[] } {
  const errors: RowError[] = [];
  const names = header.map((h) => {
    const n = h
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_');
    return ALIASES[n] ?? n;
  });
  const index = new Map<string, number>();
  const phones = new Map<number, { number?: number; score?: number; type?: number }>();
  names.forEach((name, i) => {
    if (index.has(name)) {
      errors.push({ line: 1, column: name, message: `column "${name}" appears twice` });
      return;
    }
    index.set(name, i);
    const ph = /^phone(\d?)(?:_(score|accuracy|accuracy_score|type|line_type))?$/.exec(name);
    if (ph) {
      const slot = ph[1] ? Number(ph[1]) : 1;
      if (slot < 1 || slot > MAX_PHONES) {
        errors.push({ line: 1, column: name, message: `phone columns go from phone1 to phone${MAX_PHONES}` });
        return;
      }
      const p = phones.get(slot) ?? {};
      if (!ph[2]) p.number = i;
      else if (ph[2] === 'type' || ph[2] === 'line_type') p.type = i;
      else p.score = i;
      phones.set(slot, p);
      return;
    }
    if (
      !(REQUIRED_COLUMNS as readonly string[]).includes(name) &&
      !(OPTIONAL_COLUMNS as readonly string[]).includes(name)
    ) {
      errors.push({ line: 1, column: h(header[i]), message: `unknown column "${header[i]}"` });
    }
  });
  for (const r of REQUIRED_COLUMNS)
    if (!index.has(r)) errors.push({ line: 1, column: r, message: `missing required column "${r}"` });
  const phoneSlots: ColumnMap['phoneSlots'] = [];
  for (const [slot, p] of [...phones].sort((a, b) => a[0] - b[0])) {
    if (p.number === undefined)
      errors.push({
        line: 1,
        column: `phone${slot}`,
        message: `phone${slot} details given without a phone${slot} column`,
      });
    else phoneSlots.push({ number: p.number, score: p.score, type: p.type });
  }
  return errors.length ? { errors } : { map: { names, index, phoneSlots }, errors };
}

const h = (s: string | undefined): string => (s ?? '').trim();

export interface ParsedVoter {
  externalId: string;
  firstName: string;
  middleName: string | null;
  lastName: string;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  birthday: string | null;
  timeZone: string | null;
  tags: string[];
  notes: string | null;
  zoneKey: string;
  phones: { e164: string; score: number; type: string }[];
}

const zoneCache = new Map<string, string>();
const tzValid = new Map<string, boolean>();

/** Validate one data row; all problems of the row are reported, each with the line number. */
export function parseVoterRow(
  record: string[],
  line: number,
  map: ColumnMap,
  today: Date,
): { voter?: ParsedVoter; errors: RowError[] } {
  const errors: RowError[] = [];
  if (record.length !== map.names.length) {
    return { errors: [{ line, message: `expected ${map.names.length} fields, found ${record.length}` }] };
  }
  const get = (c: string): string => {
    const i = map.index.get(c);
    return i === undefined ? '' : (record[i] ?? '').trim();
  };
  const opt = (c: string): string | null => get(c) || null;
  const externalId = get('voter_id');
  if (!externalId) errors.push({ line, column: 'voter_id', message: 'voter_id is empty' });
  else if (externalId.length > 64)
    errors.push({ line, column: 'voter_id', message: 'voter_id is longer than 64 characters' });
  const firstName = get('first_name');
  const lastName = get('last_name');
  if (!firstName) errors.push({ line, column: 'first_name', message: 'first_name is empty' });
  if (!lastName) errors.push({ line, column: 'last_name', message: 'last_name is empty' });
  let state = opt('state');
  if (state) {
    state = state.toUpperCase();
    if (!US_STATE_CODES.has(state))
      errors.push({ line, column: 'state', message: `state "${state}" is not a US state code` });
  }
  const zip = opt('zip');
  if (zip && !/^\d{5}(-?\d{4})?$/.test(zip))
    errors.push({ line, column: 'zip', message: `zip "${zip}" is not a ZIP code` });
  let birthday: string | null = null;
  const rawBirthday = get('birthday');
  if (rawBirthday) {
    const b = parseBirthday(rawBirthday, today);
    if (b.ok) birthday = b.iso;
    else errors.push({ line, column: 'birthday', message: b.message });
  }
  const timeZone = opt('time_zone');
  if (timeZone) {
    let valid = tzValid.get(timeZone);
    if (valid === undefined) tzValid.set(timeZone, (valid = isValidTimeZone(timeZone)));
    if (!valid)
      errors.push({ line, column: 'time_zone', message: `time zone "${timeZone}" is not an IANA zone` });
  }
  const tagsRaw = get('tags');
  const tags = tagsRaw
    ? [
        ...new Set(
          tagsRaw
            .split(/[;|]/)
            .map((t) => t.trim())
            .filter(Boolean),
        ),
      ]
    : [];
  const phones: ParsedVoter['phones'] = [];
  const areaCodes: (string | null)[] = [];
  map.phoneSlots.forEach((slot, k) => {
    const col = `phone${k + 1}`;
    const raw = (record[slot.number] ?? '').trim();
    const rawScore = slot.score === undefined ? '' : (record[slot.score] ?? '').trim();
    const rawType = slot.type === undefined ? '' : (record[slot.type] ?? '').trim();
    if (!raw) return;
    const n = normalizePhone(raw);
    if (!n.ok) {
      errors.push({ line, column: col, message: `phone "${raw}" rejected: ${n.message}` });
      return;
    }
    let score = 0;
    if (rawScore) {
      score = Number(rawScore);
      if (!/^\d{1,3}$/.test(rawScore) || score > 100) {
        errors.push({
          line,
          column: `${col}_score`,
          message: `accuracy score "${rawScore}" must be an integer 0-100`,
        });
        return;
      }
    }
    const type = parseLineType(rawType);
    if (!type) {
      errors.push({
        line,
        column: `${col}_type`,
        message: `line type "${rawType}" must be landline, cell, voip or unknown`,
      });
      return;
    }
    if (!phones.some((p) => p.e164 === n.e164)) phones.push({ e164: n.e164, score, type });
    areaCodes.push(n.areaCode);
  });
  if (errors.length) return { errors };
  const cacheKey = `${timeZone ?? ''}|${state ?? ''}|${state || timeZone ? '' : areaCodes.join(',')}`;
  let zoneKey = zoneCache.get(cacheKey);
  if (!zoneKey) {
    zoneKey = callingZoneKey(resolveCallingZone({ timeZone, state, areaCodes }));
    zoneCache.set(cacheKey, zoneKey);
  }
  return {
    voter: {
      externalId,
      firstName,
      middleName: opt('middle_name'),
      lastName,
      addressLine1: opt('address_line1'),
      addressLine2: opt('address_line2'),
      city: opt('city'),
      state,
      zip,
      birthday,
      timeZone,
      tags,
      notes: opt('notes'),
      zoneKey,
      phones,
    },
    errors,
  };
}
