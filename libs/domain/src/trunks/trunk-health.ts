/**
 * Per-trunk health from the call records (SPEC §7), in the words a telecom engineer uses:
 * - ASR (answer-seizure ratio): answered calls / seizures (calls that left on the trunk).
 * - ACD (average call duration): mean answered-to-end time of answered calls.
 * - PDD (post-dial delay): INVITE sent → first ringing (180/183), mean and 95th percentile.
 * - SIP cause mix: how calls ended, by SIP response (the recorded one, else the one the Q.850
 *   cause stands for, RFC 3398 as Asterisk maps it), with the share of each.
 *
 * The SQL aggregates; this turns the aggregates into figures and flags. Pure.
 */

export interface TrunkHealthAggregate {
  seizures: number;
  answered: number;
  /** Sum over answered calls that ended, and how many those were. */
  talkSecondsTotal: number;
  talkCallsEnded: number;
  /** Post-dial delays in ms of the calls that rang (for mean and percentile). */
  postDialDelaysMs: readonly number[];
  /** Ended calls by recorded cause (Q.850 and SIP when known) and whether they were answered. */
  causes: readonly { q850: number | null; sip: number | null; answered: boolean; calls: number }[];
}

export interface SipCauseShare {
  /** The SIP response (200 for answered calls that ended normally), or null when nothing is known. */
  sip: number | null;
  label: string;
  calls: number;
  share: number;
}

export interface TrunkHealth {
  seizures: number;
  answered: number;
  /** 0..1, null without seizures. */
  asr: number | null;
  /** Seconds, null without an ended answered call. */
  acdSeconds: number | null;
  pddMeanMs: number | null;
  pddP95Ms: number | null;
  causeMix: SipCauseShare[];
  /** Plain-language warnings (empty when nothing looks wrong, or too few calls to say). */
  warnings: string[];
}

/** Minimum seizures before ratios are judged (a handful of calls says nothing). */
export const HEALTH_MIN_SEIZURES = 20;

const SIP_OF_Q850: Readonly<Record<number, number>> = {
  1: 404, // unallocated number
  2: 404,
  3: 404,
  17: 486, // user busy
  18: 408, // no user responding
  19: 480, // no answer
  20: 480, // subscriber absent
  21: 603, // call rejected
  22: 410, // number changed
  27: 502, // destination out of order
  28: 484, // invalid number format
  29: 501,
  31: 480,
  34: 503, // no circuit available
  38: 503, // network out of order
  41: 503, // temporary failure
  42: 503, // switching equipment congestion
  47: 503,
  55: 403,
  57: 403,
  58: 503,
  65: 488,
  69: 501,
  79: 501,
  88: 488,
  102: 504, // recovery on timer expiry
  111: 500,
  127: 500,
};

const SIP_LABEL: Readonly<Record<number, string>> = {
  200: '200 answered',
  403: '403 Forbidden',
  404: '404 Not Found',
  408: '408 Request Timeout',
  410: '410 Gone',
  480: '480 Temporarily Unavailable',
  484: '484 Address Incomplete',
  486: '486 Busy Here',
  487: '487 Request Terminated (cancelled)',
  488: '488 Not Acceptable Here',
  500: '500 Server Internal Error',
  501: '501 Not Implemented',
  502: '502 Bad Gateway',
  503: '503 Service Unavailable',
  504: '504 Server Time-out',
  603: '603 Decline',
};

/**
 * The SIP response a call ended with: the recorded one, else the one its Q.850 cause stands
 * for. An answered call cleared normally (16) is "200"; an unanswered 16 is a cancel (487).
 */
export function sipCauseOf(q850: number | null, sip: number | null, answered: boolean): number | null {
  if (sip !== null) return sip;
  if (q850 === null || q850 === 0) return null;
  if (q850 === 16) return answered ? 200 : 487;
  return SIP_OF_Q850[q850] ?? null;
}

export function sipCauseLabel(sip: number | null): string {
  if (sip === null) return 'unknown';
  return SIP_LABEL[sip] ?? `${sip}`;
}

function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** Figures and warnings from the aggregates. */
export function computeTrunkHealth(agg: TrunkHealthAggregate): TrunkHealth {
  const asr = agg.seizures > 0 ? agg.answered / agg.seizures : null;
  const acdSeconds = agg.talkCallsEnded > 0 ? agg.talkSecondsTotal / agg.talkCallsEnded : null;
  const delays = [...agg.postDialDelaysMs].filter((d) => Number.isFinite(d) && d >= 0).sort((a, b) => a - b);
  const pddMeanMs = delays.length ? delays.reduce((s, d) => s + d, 0) / delays.length : null;
  const pddP95Ms = delays.length ? percentile(delays, 95) : null;

  const bySip = new Map<number | null, number>();
  for (const c of agg.causes) {
    const sip = sipCauseOf(c.q850, c.sip, c.answered);
    bySip.set(sip, (bySip.get(sip) ?? 0) + c.calls);
  }
  const ended = [...bySip.values()].reduce((s, n) => s + n, 0);
  const causeMix = [...bySip.entries()]
    .map(([sip, calls]) => ({ sip, label: sipCauseLabel(sip), calls, share: ended ? calls / ended : 0 }))
    .sort((a, b) => b.calls - a.calls || (a.sip ?? 999) - (b.sip ?? 999));

  const warnings: string[] = [];
  if (agg.seizures >= HEALTH_MIN_SEIZURES) {
    if (asr !== null && asr < 0.15) {
      warnings.push(
        `low answer-seizure ratio (${Math.round(asr * 100)}%): check the carrier, the caller ID's spam label, or the list`,
      );
    }
    const failures = causeMix
      .filter((c) => c.sip !== null && c.sip >= 500 && c.sip !== 603)
      .reduce((s, c) => s + c.calls, 0);
    if (ended > 0 && failures / ended > 0.1) {
      warnings.push(
        `${Math.round((failures / ended) * 100)}% of calls ended with a 5xx from the carrier: it may be congested or refusing the account`,
      );
    }
    const forbidden = causeMix.filter((c) => c.sip === 403).reduce((s, c) => s + c.calls, 0);
    if (forbidden > 0)
      warnings.push(`${forbidden} calls were refused with 403: check credentials and the caller ID`);
  }
  if (pddMeanMs !== null && delays.length >= 5 && pddMeanMs > 5000) {
    warnings.push(`slow post-dial delay (mean ${(pddMeanMs / 1000).toFixed(1)} s)`);
  }
  return {
    seizures: agg.seizures,
    answered: agg.answered,
    asr,
    acdSeconds,
    pddMeanMs,
    pddP95Ms,
    causeMix,
    warnings,
  };
}
