import type { CallOutcome, PhoneStatus } from '../outcome/call-outcome';
import { normalizePhone } from '../phone/phone-number';

/**
 * A campaign's do-not-call list, managed by staff (SPEC §3, issue 6): reasons, the CSV import's
 * columns and lines, and what a phone's status becomes when its number leaves the list.
 */

/** A reason is required for every change to the list, and kept in the audit. */
export const DNC_REASON_MAX_LENGTH = 500;

export type DncReasonCheck = { ok: true; reason: string } | { ok: false; message: string };

export function checkDncReason(raw: string | null | undefined): DncReasonCheck {
  const reason = (raw ?? '').replace(/\s+/g, ' ').trim();
  if (reason === '') return { ok: false, message: 'give a reason (it is kept in the audit log)' };
  if (reason.length > DNC_REASON_MAX_LENGTH)
    return { ok: false, message: `the reason is longer than ${DNC_REASON_MAX_LENGTH} characters` };
  return { ok: true, reason };
}

/** Header names accepted for the number column and the (optional) reason column. */
const NUMBER_HEADERS = new Set([
  'phone',
  'number',
  'phone_number',
  'phonenumber',
  'e164',
  'telephone',
  'tel',
]);
const REASON_HEADERS = new Set(['reason', 'note', 'notes', 'comment']);

export interface DncColumns {
  number: number;
  reason: number | null;
  /** The first record is a header (false: a bare list of numbers, the first record is data). */
  hasHeader: boolean;
}

export interface DncLineError {
  line: number;
  column?: string;
  message: string;
}

/**
 * The columns of a DNC file from its first record: a header naming the number column
 * (phone, number, e164…) and optionally a reason column; or, when the first field of the first
 * record is itself a phone number, a bare list with the number in the first column.
 */
export function mapDncColumns(first: readonly string[]): { ok: true; columns: DncColumns } | DncLineError {
  const names = first.map((h) =>
    h
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  );
  const number = names.findIndex((n) => NUMBER_HEADERS.has(n));
  if (number >= 0) {
    const reason = names.findIndex((n) => REASON_HEADERS.has(n));
    return { ok: true, columns: { number, reason: reason >= 0 ? reason : null, hasHeader: true } };
  }
  if (first.length > 0 && normalizePhone(first[0] ?? '').ok)
    return { ok: true, columns: { number: 0, reason: null, hasHeader: false } };
  return {
    line: 1,
    message:
      'no number column: name it "phone" (and optionally add a "reason" column), or give one number per line',
  };
}

export type DncRecordResult = { ok: true; e164: string; reason: string } | { ok: false; error: DncLineError };

/** One data record of a DNC file: its number in E.164 and its reason (the file's default if none). */
export function parseDncRecord(
  record: readonly string[],
  columns: DncColumns,
  line: number,
  defaultReason: string,
): DncRecordResult {
  const raw = record[columns.number] ?? '';
  const phone = normalizePhone(raw);
  if (!phone.ok)
    return {
      ok: false,
      error: { line, column: 'phone', message: `"${raw.trim().slice(0, 40)}": ${phone.message}` },
    };
  const given = columns.reason === null ? '' : (record[columns.reason] ?? '').trim();
  const reason = checkDncReason(given === '' ? defaultReason : given);
  if (!reason.ok) return { ok: false, error: { line, column: 'reason', message: reason.message } };
  return { ok: true, e164: phone.e164, reason: reason.reason };
}

/**
 * What a phone's status becomes when its number leaves the DNC list. DNC overrides every other
 * status while it lasts (SPEC §3: "DNC is never downgraded"), so the status it hid is found
 * again from the phone's own history: a call that was successful, left a voicemail or was
 * refused still retires the phone; otherwise it is active again.
 *
 * @param outcomes the outcomes recorded on the phone, most recent first
 */
export function phoneStatusAfterDncRemoval(outcomes: readonly CallOutcome[]): PhoneStatus {
  for (const outcome of outcomes) {
    if (outcome === 'successful') return 'complete';
    if (outcome === 'voicemail') return 'voicemail_left';
    if (outcome === 'refused') return 'refused';
  }
  return 'active';
}
