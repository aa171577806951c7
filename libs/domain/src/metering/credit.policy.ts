/**
 * Prepaid credit checks for power dialing (SPEC §6, issue 4): with no credit left, power dialing
 * refuses to start, and a running session ends after its current call.
 *
 * "Credit left" is the campaign's ledger balance minus what its open legs have used but the
 * ledger does not show yet. We keep a **reserve** of one minute of leg time by default: a
 * session may start only with at least that much left, and a running session is told to end
 * after its current call once less than that is left. The session is never cut mid-call for
 * billing, so the ledger may end slightly negative (at most the rest of each session's current
 * call); the next top-up covers it. Several sessions of one campaign share the balance: pass the
 * campaign's balance and the unbilled usage of all its open legs.
 */
import { MeteringError, type Millicents } from './leg-charge.policy';

/** One minute of leg time is kept in reserve by default. */
export const DEFAULT_CREDIT_RESERVE_MINUTES = 1;

export interface CreditPosition {
  /** The campaign's ledger balance: credits bought minus charges entered so far. */
  balanceMillicents: Millicents;
  /** Usage of the campaign's open legs not yet entered in the ledger (default 0). */
  unbilledMillicents?: Millicents;
}

export interface CreditOptions {
  /** Minutes of leg time that must remain; default 1. */
  reserveMinutes?: number;
}

export type PowerDialingCreditCheck =
  | { allowed: true; remainingMillicents: Millicents }
  | {
      allowed: false;
      /** `no-credit`: nothing left at all; `below-reserve`: less than the reserve left. */
      reason: 'no-credit' | 'below-reserve';
      remainingMillicents: Millicents;
      requiredMillicents: Millicents;
    };

/** Credit left once unbilled usage is counted (may be negative). */
export function remainingCredit(position: CreditPosition): Millicents {
  const unbilled = position.unbilledMillicents ?? 0;
  if (!Number.isSafeInteger(position.balanceMillicents) || !Number.isSafeInteger(unbilled) || unbilled < 0) {
    throw new MeteringError(
      'INVALID_AMOUNT',
      'balance and unbilled usage must be whole millicents (unbilled >= 0)',
    );
  }
  return position.balanceMillicents - unbilled;
}

/** Millicents that must remain: `reserveMinutes` of leg time at the rate. */
export function creditReserve(rateMillicentsPerMinute: number, options: CreditOptions = {}): Millicents {
  const reserveMinutes = options.reserveMinutes ?? DEFAULT_CREDIT_RESERVE_MINUTES;
  if (!Number.isFinite(reserveMinutes) || reserveMinutes < 0) {
    throw new MeteringError('INVALID_AMOUNT', `reserve must be >= 0 minutes, got ${reserveMinutes}`);
  }
  if (!Number.isSafeInteger(rateMillicentsPerMinute) || rateMillicentsPerMinute < 0) {
    throw new MeteringError('INVALID_RATE', `a rate must be whole millicents per minute >= 0`);
  }
  return Math.ceil(rateMillicentsPerMinute * reserveMinutes);
}

/**
 * May a volunteer start (or resume) power dialing? Needs at least the reserve left, and, when
 * dialing costs anything, a positive amount. A free rate (0) only needs a balance that is not
 * negative.
 */
export function canStartPowerDialing(
  position: CreditPosition,
  rateMillicentsPerMinute: number,
  options: CreditOptions = {},
): PowerDialingCreditCheck {
  const remainingMillicents = remainingCredit(position);
  const requiredMillicents = creditReserve(rateMillicentsPerMinute, options);
  const nothingLeft = rateMillicentsPerMinute > 0 ? remainingMillicents <= 0 : remainingMillicents < 0;
  if (nothingLeft) return { allowed: false, reason: 'no-credit', remainingMillicents, requiredMillicents };
  if (remainingMillicents < requiredMillicents) {
    return { allowed: false, reason: 'below-reserve', remainingMillicents, requiredMillicents };
  }
  return { allowed: true, remainingMillicents };
}

/**
 * Should a running session stop after its current call? Exactly when it could not start now;
 * the adapter then feeds the dial session `credits-exhausted`.
 */
export function shouldEndAfterCurrentCall(
  position: CreditPosition,
  rateMillicentsPerMinute: number,
  options: CreditOptions = {},
): boolean {
  return !canStartPowerDialing(position, rateMillicentsPerMinute, options).allowed;
}

/** Whole minutes of leg time the credit still buys (null when dialing is free). */
export function minutesOfCreditLeft(
  position: CreditPosition,
  rateMillicentsPerMinute: number,
): number | null {
  if (rateMillicentsPerMinute === 0) return null;
  creditReserve(rateMillicentsPerMinute, { reserveMinutes: 0 }); // validates the rate
  return Math.max(0, Math.floor(remainingCredit(position) / rateMillicentsPerMinute));
}
