/**
 * Metering of power dialing (SPEC §6): what a volunteer leg costs.
 *
 * ## What is billed
 * Only the time a volunteer's persistent leg is connected (from joining their bridge to hanging
 * up), at the campaign's rate; outbound calls to voters cost nothing extra. A leg that drops and
 * dials in again is two legs, each billed on its own.
 *
 * ## Units
 * Money is an integer number of **millicents** (1/1000 of a cent, 1/100 000 of a dollar). Rates
 * are integer millicents per minute: the default 2.9 cents/min is 2 900. Integers keep the
 * append-only ledger exact: sums never drift, and every entry is reproducible from its inputs.
 *
 * ## Rounding (decide once, apply everywhere)
 * - Connected time is billed in **started 6-second increments** ("6/6 billing", the usual North
 *   American telecom practice): a leg of 0 s costs nothing, 1–6 s is billed as 6 s, 6.001 s as
 *   12 s. The most a leg is over-billed is just under 6 s (0.29 cents at the default rate).
 * - The price of the billed seconds is `billedSeconds × rate / 60`, rounded **up** to a whole
 *   millicent, once per leg (never per increment, so nothing compounds). At the default rate an
 *   increment is exactly 290 millicents and no rounding happens at all.
 * - A leg still connected is charged as it runs (`chargeDueSoFar`): each ledger entry is the
 *   cost of the leg so far minus what was already charged. Because the cost only grows with
 *   time, entries are never negative, and they always add up to exactly the one-shot charge of
 *   the finished leg.
 * - The rate is taken when the leg connects; a rate change applies to legs that connect later.
 */

/** Money, in 1/1000 of a cent. Always an integer. */
export type Millicents = number;

/** 2.9 cents per minute (SPEC §6), in millicents. */
export const DEFAULT_RATE_MILLICENTS_PER_MINUTE = 2_900;

/** Connected time is billed in started increments of this many seconds. */
export const BILLING_INCREMENT_SECONDS = 6;

export class MeteringError extends Error {
  constructor(
    readonly code: 'INVALID_RATE' | 'INVALID_INTERVAL' | 'INVALID_AMOUNT' | 'INVALID_INCREMENT',
    message: string,
  ) {
    super(message);
    this.name = 'MeteringError';
  }
}

/**
 * A rate typed by staff as cents per minute (e.g. 2.9), as integer millicents per minute.
 * Rounded to the nearest millicent; negative or non-finite rates are refused.
 */
export function rateFromCentsPerMinute(centsPerMinute: number): number {
  if (!Number.isFinite(centsPerMinute) || centsPerMinute < 0) {
    throw new MeteringError(
      'INVALID_RATE',
      `a rate must be a finite number of cents >= 0, got ${centsPerMinute}`,
    );
  }
  return Math.round(centsPerMinute * 1000);
}

export interface LegConnection {
  connectedAt: Date;
  disconnectedAt: Date;
}

export interface LegCharge {
  /** Measured connected time. */
  connectedMs: number;
  /** Started billing increments. */
  billedIncrements: number;
  /** `billedIncrements × incrementSeconds`. */
  billedSeconds: number;
  /** What the leg costs, rounded up to a whole millicent. */
  millicents: Millicents;
}

export interface BillingOptions {
  /** Increment in whole seconds: 6 by default; 1 bills per second, 60 per started minute. */
  incrementSeconds?: number;
}

/** The charge for `connectedMs` of leg time at `rateMillicentsPerMinute`. */
export function chargeForConnectedTime(
  connectedMs: number,
  rateMillicentsPerMinute: number,
  options: BillingOptions = {},
): LegCharge {
  assertRate(rateMillicentsPerMinute);
  const incrementSeconds = options.incrementSeconds ?? BILLING_INCREMENT_SECONDS;
  if (!Number.isInteger(incrementSeconds) || incrementSeconds < 1) {
    throw new MeteringError('INVALID_INCREMENT', `an increment must be a whole number of seconds >= 1`);
  }
  if (!Number.isFinite(connectedMs) || connectedMs < 0) {
    throw new MeteringError('INVALID_INTERVAL', `connected time must be >= 0 ms, got ${connectedMs}`);
  }
  const billedIncrements = Math.ceil(connectedMs / (incrementSeconds * 1000));
  const billedSeconds = billedIncrements * incrementSeconds;
  const millicents = ceilDiv(billedSeconds * rateMillicentsPerMinute, 60);
  return { connectedMs, billedIncrements, billedSeconds, millicents };
}

/** The charge for one finished leg. A disconnect before the connect is refused. */
export function chargeForLeg(
  leg: LegConnection,
  rateMillicentsPerMinute: number,
  options: BillingOptions = {},
): LegCharge {
  const connectedMs = leg.disconnectedAt.getTime() - leg.connectedAt.getTime();
  if (!(connectedMs >= 0)) {
    throw new MeteringError(
      'INVALID_INTERVAL',
      `leg disconnected (${leg.disconnectedAt.toISOString()}) before it connected (${leg.connectedAt.toISOString()})`,
    );
  }
  return chargeForConnectedTime(connectedMs, rateMillicentsPerMinute, options);
}

/**
 * The next ledger entry for a leg that is still connected (or has just disconnected, with `now`
 * its disconnect time): the cost of the leg up to `now` minus what was already charged for it.
 * Never negative; the entries of one leg add up to `chargeForLeg` of the whole leg.
 */
export function chargeDueSoFar(
  connectedAt: Date,
  now: Date,
  rateMillicentsPerMinute: number,
  alreadyChargedMillicents: Millicents,
  options: BillingOptions = {},
): Millicents {
  if (!Number.isInteger(alreadyChargedMillicents) || alreadyChargedMillicents < 0) {
    throw new MeteringError('INVALID_AMOUNT', `already charged must be whole millicents >= 0`);
  }
  const soFar = chargeForLeg(
    { connectedAt, disconnectedAt: now },
    rateMillicentsPerMinute,
    options,
  ).millicents;
  return Math.max(0, soFar - alreadyChargedMillicents);
}

function assertRate(rateMillicentsPerMinute: number): void {
  if (!Number.isSafeInteger(rateMillicentsPerMinute) || rateMillicentsPerMinute < 0) {
    throw new MeteringError(
      'INVALID_RATE',
      `a rate must be whole millicents per minute >= 0, got ${rateMillicentsPerMinute}`,
    );
  }
}

/** ceil(a / b) for non-negative integers, exact. */
function ceilDiv(a: number, b: number): number {
  const remainder = a % b;
  const quotient = (a - remainder) / b;
  return remainder === 0 ? quotient : quotient + 1;
}
