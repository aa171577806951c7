/**
 * How a trunk wants numbers and caller IDs (SPEC §7, "caller-ID rules"), and its codecs.
 *
 * Caller-ID rules, as a carrier states them:
 * - `allowedCallerIds`: the numbers the carrier lets this account present, as E.164 numbers or
 *   E.164 prefixes ending in `*` (`+1202555*`). Empty: any verified caller ID may go out.
 * - `defaultCallerId`: presented when the project's caller ID is not allowed on this trunk
 *   (e.g. the campaign's main number on the carrier). Without it such a call is refused, never
 *   sent with a caller ID the carrier would reject or flag.
 * - `callerIdFormat` and `dialFormat`: how the carrier wants the caller ID (From / P-Asserted-
 *   Identity) and the dialed number (Request-URI): `e164` (+12025550123), `e164-no-plus`
 *   (12025550123) or `nanp10` (2025550123, North American numbers only).
 * - `dialPrefix`: digits put before the dialed number (a carrier's tech prefix), 0–10 of 0-9 * #.
 */

export const NUMBER_FORMATS = ['e164', 'e164-no-plus', 'nanp10'] as const;
export type NumberFormat = (typeof NUMBER_FORMATS)[number];

/** Codecs a trunk may offer, by their Asterisk names (FreeSWITCH names are mapped by its adapter). */
export const KNOWN_CODECS = ['ulaw', 'alaw', 'g722', 'g729', 'opus', 'gsm', 'ilbc', 'speex', 'g726'] as const;
export type Codec = (typeof KNOWN_CODECS)[number];

export interface CallerIdRules {
  allowedCallerIds: readonly string[];
  defaultCallerId: string | null;
  callerIdFormat: NumberFormat;
  dialFormat: NumberFormat;
  dialPrefix: string;
}

const E164 = /^\+[1-9][0-9]{6,14}$/;
const E164_PREFIX = /^\+[1-9][0-9]{0,14}\*$/;
const DIAL_PREFIX = /^[0-9*#]{0,10}$/;

export function isCallerIdPattern(value: string): boolean {
  return E164.test(value) || E164_PREFIX.test(value);
}

export function isDialPrefix(value: string): boolean {
  return DIAL_PREFIX.test(value);
}

/** Does one allow-list entry (a number or a `prefix*`) admit this E.164 caller ID? */
export function callerIdMatches(pattern: string, callerId: string): boolean {
  return pattern.endsWith('*') ? callerId.startsWith(pattern.slice(0, -1)) : pattern === callerId;
}

/** Write an E.164 number the way the trunk wants it; null when it cannot be (nanp10 of a non-+1 number). */
export function formatNumber(e164: string, format: NumberFormat): string | null {
  if (!E164.test(e164)) return null;
  switch (format) {
    case 'e164':
      return e164;
    case 'e164-no-plus':
      return e164.slice(1);
    case 'nanp10':
      return /^\+1[2-9][0-9]{9}$/.test(e164) ? e164.slice(2) : null;
  }
}

export type CallerIdDecision =
  | { ok: true; callerId: string; presented: 'project' | 'trunk-default'; dialedNumber: string }
  | { ok: false; reason: string };

/**
 * The caller ID to present and the number to dial for one call through this trunk.
 * The project's (verified) caller ID goes out when the trunk allows it; else the trunk's
 * default; else the call is refused with a reason staff can act on.
 */
export function resolveCallerId(
  rules: CallerIdRules,
  projectCallerId: string,
  voterE164: string,
): CallerIdDecision {
  const allowed = (id: string) =>
    rules.allowedCallerIds.length === 0 || rules.allowedCallerIds.some((p) => callerIdMatches(p, id));
  let chosen: string;
  let presented: 'project' | 'trunk-default';
  if (allowed(projectCallerId)) {
    chosen = projectCallerId;
    presented = 'project';
  } else if (rules.defaultCallerId && allowed(rules.defaultCallerId)) {
    chosen = rules.defaultCallerId;
    presented = 'trunk-default';
  } else {
    return {
      ok: false,
      reason:
        `the caller ID ${projectCallerId} is not allowed on this trunk and the trunk has no default caller ID; ` +
        'telecom staff must add it to the trunk’s allowed caller IDs (or set a default)',
    };
  }
  const callerId = formatNumber(chosen, rules.callerIdFormat);
  if (callerId === null) {
    return { ok: false, reason: `the caller ID ${chosen} cannot be written as ${rules.callerIdFormat}` };
  }
  const number = formatNumber(voterE164, rules.dialFormat);
  if (number === null) {
    return {
      ok: false,
      reason: `the number cannot be dialed on a trunk that takes ${rules.dialFormat} numbers`,
    };
  }
  return { ok: true, callerId, presented, dialedNumber: `${rules.dialPrefix}${number}` };
}

/** Problems with a codec list: unknown names, duplicates, or none at all. Empty when fine. */
export function codecProblems(codecs: readonly string[]): string[] {
  const problems: string[] = [];
  if (codecs.length === 0) problems.push('a trunk needs at least one codec');
  const known = new Set<string>(KNOWN_CODECS);
  const seen = new Set<string>();
  for (const c of codecs) {
    if (!known.has(c)) problems.push(`unknown codec "${c}" (known: ${KNOWN_CODECS.join(', ')})`);
    if (seen.has(c)) problems.push(`codec "${c}" is listed twice`);
    seen.add(c);
  }
  return problems;
}
