/**
 * The per-trunk line limiter's policy (SPEC §7): a trunk never carries more than its maximum
 * concurrent calls, nor sends INVITEs faster than its maximum calls per second.
 *
 * Pure: the adapter reads the trunk row under a row lock (so every orchestrator instance sees
 * the same numbers), asks `decideLine`, and writes the decision back in the same transaction.
 * Calls per second are enforced with a "next free send slot" kept with the trunk: each granted
 * call takes the slot and pushes it 1/CPS seconds further, so two calls are never sent closer
 * together than the trunk allows, whatever instance sends them.
 */

export interface TrunkLimits {
  enabled: boolean;
  /** Whole number ≥ 1. */
  maxConcurrentCalls: number;
  /** Greater than 0; fractions allowed (0.5 = one call every 2 s). */
  maxCallsPerSecond: number;
}

export interface TrunkLineState {
  /** Calls holding a line on this trunk now (every instance). */
  liveCalls: number;
  /** The earliest time the next INVITE may leave; null when never used. */
  nextSendAt: Date | null;
}

export type LineDecision =
  /** Take the line now and send the INVITE at `sendAt`; store `nextSendAt` with the trunk. */
  | { kind: 'granted'; sendAt: Date; nextSendAt: Date }
  /** Every line is busy: wait for a call to end. */
  | { kind: 'full'; liveCalls: number; maxConcurrentCalls: number }
  /** The next send slot is further away than the caller is willing to wait from now. */
  | { kind: 'rate-limited'; retryAfterMs: number }
  | { kind: 'disabled' };

/** The spacing between two INVITEs on a trunk, in whole milliseconds (at least 1). */
export function sendSpacingMs(maxCallsPerSecond: number): number {
  if (!(maxCallsPerSecond > 0)) throw new RangeError('maxCallsPerSecond must be greater than 0');
  return Math.max(1, Math.ceil(1000 / maxCallsPerSecond));
}

/**
 * May one more call take a line on this trunk now?
 * `maxSlotWaitMs`: the longest the caller will sleep for its send slot; a slot further away is
 * not taken (it would hold a line while waiting), the caller retries later instead.
 */
export function decideLine(
  limits: TrunkLimits,
  state: TrunkLineState,
  now: Date,
  maxSlotWaitMs: number,
): LineDecision {
  if (!limits.enabled) return { kind: 'disabled' };
  if (state.liveCalls >= limits.maxConcurrentCalls) {
    return { kind: 'full', liveCalls: state.liveCalls, maxConcurrentCalls: limits.maxConcurrentCalls };
  }
  const earliest = state.nextSendAt && state.nextSendAt.getTime() > now.getTime() ? state.nextSendAt : now;
  const waitMs = earliest.getTime() - now.getTime();
  if (waitMs > maxSlotWaitMs) return { kind: 'rate-limited', retryAfterMs: waitMs - maxSlotWaitMs };
  return {
    kind: 'granted',
    sendAt: earliest,
    nextSendAt: new Date(earliest.getTime() + sendSpacingMs(limits.maxCallsPerSecond)),
  };
}

/** How long to sleep before asking again after a refusal (bounded, never busy-looping). */
export function retryDelayMs(decision: LineDecision, remainingMs: number): number {
  const base = decision.kind === 'rate-limited' ? Math.min(decision.retryAfterMs, 500) : 200;
  return Math.max(20, Math.min(base, remainingMs));
}

/** What the call screen and the logs say when no line came free in time. */
export function describeLineRefusal(trunk: string, decision: LineDecision, waitedMs: number): string {
  const waited = `${Math.round(waitedMs / 1000)} s`;
  switch (decision.kind) {
    case 'disabled':
      return `trunk ${trunk} is disabled; telecom staff must enable it (or pick another trunk for the project)`;
    case 'full':
      return (
        `all ${decision.maxConcurrentCalls} lines of trunk ${trunk} stayed busy for ${waited}; ` +
        'the phone goes back to the queue, click Call again in a moment'
      );
    case 'rate-limited':
      return (
        `trunk ${trunk} is at its calls-per-second limit and no send slot came free in ${waited}; ` +
        'click Call again in a moment'
      );
    case 'granted':
      return `trunk ${trunk} has a free line`;
  }
}
