import { PbxError } from './pbx.port';

const E164 = /^\+[1-9][0-9]{6,14}$/;
const TRUNK = /^[A-Za-z0-9_-]{1,64}$/;
/** A number as a trunk wants it dialed: its tech prefix and digits, maybe a leading +. */
const DIALED = /^\+?[0-9*#]{1,40}$/;

/** True for a number in a form a trunk may be sent (see OriginateRequest.dialedNumber). */
export function isDialedNumber(value: string): boolean {
  return DIALED.test(value);
}

/** True for a name usable as a trunk (PJSIP endpoint / sofia gateway). */
export function isTrunkName(value: string): boolean {
  return TRUNK.test(value);
}

/** True for a syntactically valid E.164 number (+ and 7 to 15 digits). */
export function isE164(value: string): boolean {
  return E164.test(value);
}

/**
 * Build an Asterisk PJSIP dial string. Only validated E.164 numbers and configured trunk
 * names get here, so nothing a user typed can inject dial-string syntax (&, /, @, ;).
 */
export function pjsipDialString(trunk: string, number: string, dialedNumber?: string): string {
  if (!TRUNK.test(trunk)) throw new PbxError('invalid-request', `not a trunk name: ${JSON.stringify(trunk)}`);
  if (!E164.test(number))
    throw new PbxError('invalid-request', 'the number is not in E.164 form (+ and digits)');
  if (dialedNumber !== undefined && !DIALED.test(dialedNumber)) {
    throw new PbxError(
      'invalid-request',
      'the dialed number may hold only digits, * and # (and a leading +)',
    );
  }
  return `PJSIP/${dialedNumber ?? number}@${trunk}`;
}
