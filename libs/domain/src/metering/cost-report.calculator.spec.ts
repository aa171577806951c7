import {
  DEFAULT_PHONES_PER_HOUR,
  costFigures,
  costReportByProject,
  estimateCostForPhones,
  formatMillicentsAsDollars,
} from './cost-report.calculator';
import { DEFAULT_RATE_MILLICENTS_PER_MINUTE, MeteringError } from './leg-charge.policy';

const HOUR = 3_600_000;

describe('costFigures', () => {
  it('gives cost per hour of calling and per 100 phones', () => {
    expect(costFigures({ chargedMillicents: 174_000, connectedMs: HOUR, phonesCalled: 60 })).toEqual({
      chargedMillicents: 174_000,
      connectedMs: HOUR,
      phonesCalled: 60,
      perHourMillicents: 174_000,
      per100PhonesMillicents: 290_000,
    });
  });

  it('rounds half up to a whole millicent', () => {
    // 10 / 3 per phone → 333.33 per 100 → 333; 20 / 3 → 666.67 → 667; 1 over 2 h → 0.5 → 1
    expect(
      costFigures({ chargedMillicents: 10, connectedMs: HOUR, phonesCalled: 3 }).per100PhonesMillicents,
    ).toBe(333);
    expect(
      costFigures({ chargedMillicents: 20, connectedMs: HOUR, phonesCalled: 3 }).per100PhonesMillicents,
    ).toBe(667);
    expect(
      costFigures({ chargedMillicents: 1, connectedMs: 2 * HOUR, phonesCalled: 1 }).perHourMillicents,
    ).toBe(1);
  });

  it('stays exact for large campaigns', () => {
    const big = costFigures({ chargedMillicents: 9_000_000_000_000, connectedMs: 7 * HOUR, phonesCalled: 7 });
    expect(big.perHourMillicents).toBe(1_285_714_285_714); // 9e12 / 7 = 1 285 714 285 714.28…
    expect(big.per100PhonesMillicents).toBe(128_571_428_571_429); // 9e14 / 7 = …428.57 → …429
  });

  it('has no ratio without a denominator', () => {
    expect(costFigures({ chargedMillicents: 0, connectedMs: 0, phonesCalled: 0 })).toMatchObject({
      perHourMillicents: null,
      per100PhonesMillicents: null,
    });
  });

  it.each([
    [{ chargedMillicents: -1, connectedMs: 0, phonesCalled: 0 }],
    [{ chargedMillicents: 0, connectedMs: 1.5, phonesCalled: 0 }],
    [{ chargedMillicents: 0, connectedMs: 0, phonesCalled: Number.NaN }],
  ])('refuses %j', (usage) => {
    expect(() => costFigures(usage)).toThrow(MeteringError);
  });
});

describe('costReportByProject', () => {
  it('reports each project and the campaign total, adding up repeated rows', () => {
    const report = costReportByProject([
      { projectId: 'p1', chargedMillicents: 174_000, connectedMs: HOUR, phonesCalled: 60 },
      { projectId: 'p2', chargedMillicents: 87_000, connectedMs: HOUR / 2, phonesCalled: 20 },
      { projectId: 'p1', chargedMillicents: 174_000, connectedMs: HOUR, phonesCalled: 40 },
    ]);
    expect(report.projects).toEqual([
      {
        projectId: 'p1',
        chargedMillicents: 348_000,
        connectedMs: 2 * HOUR,
        phonesCalled: 100,
        perHourMillicents: 174_000,
        per100PhonesMillicents: 348_000,
      },
      {
        projectId: 'p2',
        chargedMillicents: 87_000,
        connectedMs: HOUR / 2,
        phonesCalled: 20,
        perHourMillicents: 174_000,
        per100PhonesMillicents: 435_000,
      },
    ]);
    expect(report.total).toEqual({
      chargedMillicents: 435_000,
      connectedMs: 2.5 * HOUR,
      phonesCalled: 120,
      perHourMillicents: 174_000,
      per100PhonesMillicents: 362_500,
    });
  });

  it('reports an empty campaign', () => {
    expect(costReportByProject([])).toEqual({
      projects: [],
      total: {
        chargedMillicents: 0,
        connectedMs: 0,
        phonesCalled: 0,
        perHourMillicents: null,
        per100PhonesMillicents: null,
      },
    });
  });
});

describe('estimateCostForPhones', () => {
  it('matches the rule of thumb: $2.90 per 100 phones at 60 an hour and 2.9 cents/min', () => {
    expect(DEFAULT_PHONES_PER_HOUR).toBe(60);
    expect(estimateCostForPhones(100, DEFAULT_RATE_MILLICENTS_PER_MINUTE)).toBe(290_000);
    expect(estimateCostForPhones(60, DEFAULT_RATE_MILLICENTS_PER_MINUTE)).toBe(174_000);
    expect(estimateCostForPhones(0, DEFAULT_RATE_MILLICENTS_PER_MINUTE)).toBe(0);
    expect(estimateCostForPhones(100, DEFAULT_RATE_MILLICENTS_PER_MINUTE, 40)).toBe(435_000);
    expect(estimateCostForPhones(1, 1, 7)).toBe(9); // 60/7 = 8.57 → 9
  });

  it.each([
    [-1, 2_900, 60],
    [1, -1, 60],
    [1, 2_900, 0],
    [1.5, 2_900, 60],
  ])('refuses phones %p, rate %p, %p an hour', (phones, rate, perHour) => {
    expect(() => estimateCostForPhones(phones, rate, perHour)).toThrow(MeteringError);
  });
});

describe('formatMillicentsAsDollars', () => {
  it.each([
    [0, '$0.00'],
    [290_000, '$2.90'],
    [174_000, '$1.74'],
    [500, '$0.01'],
    [499, '$0.00'],
    [123_456_789, '$1234.57'],
    [-500, '-$0.01'],
    [-174_000, '-$1.74'],
  ])('%p → %p', (millicents, text) => {
    expect(formatMillicentsAsDollars(millicents)).toBe(text);
  });

  it('refuses fractions', () => {
    expect(() => formatMillicentsAsDollars(0.5)).toThrow(MeteringError);
  });
});
