/**
 * Cost figures for campaign staff (SPEC §6): cost per project, per hour of calling, and per 100
 * phones called. Inputs are already-summed usage (the ledger's charges and the legs' connected
 * time attributed to a project through its sessions, and the distinct phones attempted); this
 * file only divides and rounds. Ratios are rounded half-up to a whole millicent with exact
 * integer arithmetic. A phone called in two projects counts once in each.
 */
import { MeteringError, type Millicents } from './leg-charge.policy';

/** The webElect rule of thumb: a power-dialing volunteer calls about 60 phones an hour. */
export const DEFAULT_PHONES_PER_HOUR = 60;

const MS_PER_HOUR = 3_600_000;

export interface Usage {
  /** Sum of ledger charges. */
  chargedMillicents: Millicents;
  /** Sum of volunteer-leg connected time. */
  connectedMs: number;
  /** Distinct phones with at least one attempt. */
  phonesCalled: number;
}

export interface ProjectUsage extends Usage {
  projectId: string;
}

export interface CostFigures extends Usage {
  /** What one hour of volunteer calling cost; null without any leg time. */
  perHourMillicents: Millicents | null;
  /** What 100 phones cost; null when no phone was called. */
  per100PhonesMillicents: Millicents | null;
}

export interface ProjectCostFigures extends CostFigures {
  projectId: string;
}

export interface CostReport {
  /** One line per project, in the order first seen; repeated project ids are added up. */
  projects: ProjectCostFigures[];
  /** The whole campaign. */
  total: CostFigures;
}

export function costFigures(usage: Usage): CostFigures {
  assertUsage(usage);
  return {
    ...usage,
    perHourMillicents:
      usage.connectedMs === 0 ? null : ratioHalfUp(usage.chargedMillicents, MS_PER_HOUR, usage.connectedMs),
    per100PhonesMillicents:
      usage.phonesCalled === 0 ? null : ratioHalfUp(usage.chargedMillicents, 100, usage.phonesCalled),
  };
}

export function costReportByProject(usages: readonly ProjectUsage[]): CostReport {
  const byProject = new Map<string, Usage>();
  for (const usage of usages) {
    assertUsage(usage);
    const seen = byProject.get(usage.projectId) ?? { chargedMillicents: 0, connectedMs: 0, phonesCalled: 0 };
    byProject.set(usage.projectId, add(seen, usage));
  }
  const projects = [...byProject].map(([projectId, usage]) => ({ projectId, ...costFigures(usage) }));
  const total = [...byProject.values()].reduce(add, {
    chargedMillicents: 0,
    connectedMs: 0,
    phonesCalled: 0,
  });
  return { projects, total: costFigures(total) };
}

/**
 * "How much does it cost to call N phones?" — N phones at `phonesPerHour` (default 60), billed at
 * the rate: at 2.9 cents/min that is $1.74 an hour, about $2.90 per 100 phones.
 */
export function estimateCostForPhones(
  phones: number,
  rateMillicentsPerMinute: number,
  phonesPerHour = DEFAULT_PHONES_PER_HOUR,
): Millicents {
  if (!Number.isSafeInteger(phones) || phones < 0)
    throw new MeteringError('INVALID_AMOUNT', 'phones must be >= 0');
  if (!Number.isSafeInteger(rateMillicentsPerMinute) || rateMillicentsPerMinute < 0) {
    throw new MeteringError('INVALID_RATE', 'a rate must be whole millicents per minute >= 0');
  }
  if (!Number.isSafeInteger(phonesPerHour) || phonesPerHour < 1) {
    throw new MeteringError('INVALID_AMOUNT', 'phones per hour must be a whole number >= 1');
  }
  return ratioHalfUp(phones * 60, rateMillicentsPerMinute, phonesPerHour);
}

/** Millicents as dollars for people, half-up to the cent: 290000 → "$2.90", -500 → "-$0.01". */
export function formatMillicentsAsDollars(millicents: Millicents): string {
  if (!Number.isSafeInteger(millicents))
    throw new MeteringError('INVALID_AMOUNT', 'millicents must be whole');
  const sign = millicents < 0 ? '-' : '';
  const cents = ratioHalfUp(Math.abs(millicents), 1, 1000);
  return `${sign}$${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** round-half-up(a × b / c) for non-negative integers, exact (BigInt). */
function ratioHalfUp(a: number, b: number, c: number): number {
  const numerator = BigInt(a) * BigInt(b) * 2n + BigInt(c);
  return Number(numerator / (BigInt(c) * 2n));
}

function add(a: Usage, b: Usage): Usage {
  return {
    chargedMillicents: a.chargedMillicents + b.chargedMillicents,
    connectedMs: a.connectedMs + b.connectedMs,
    phonesCalled: a.phonesCalled + b.phonesCalled,
  };
}

function assertUsage(usage: Usage): void {
  const fields: [string, number][] = [
    ['chargedMillicents', usage.chargedMillicents],
    ['connectedMs', usage.connectedMs],
    ['phonesCalled', usage.phonesCalled],
  ];
  for (const [name, value] of fields) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new MeteringError('INVALID_AMOUNT', `${name} must be a whole number >= 0, got ${value}`);
    }
  }
}
