import {
  BILLING_INCREMENT_SECONDS,
  DEFAULT_RATE_MILLICENTS_PER_MINUTE,
  MeteringError,
  chargeDueSoFar,
  chargeForConnectedTime,
  chargeForLeg,
  rateFromCentsPerMinute,
} from './leg-charge.policy';

const T0 = Date.parse('2026-03-02T15:00:00Z');
const at = (ms: number): Date => new Date(T0 + ms);
const RATE = DEFAULT_RATE_MILLICENTS_PER_MINUTE;

describe('rates', () => {
  it('defaults to 2.9 cents a minute, billed in 6 s increments', () => {
    expect(RATE).toBe(2_900);
    expect(BILLING_INCREMENT_SECONDS).toBe(6);
  });

  it.each([
    [2.9, 2_900],
    [0, 0],
    [1.2345, 1_235],
    [10, 10_000],
    [0.0004, 0],
  ])('reads %p cents/min as %p millicents/min', (cents, millicents) => {
    expect(rateFromCentsPerMinute(cents)).toBe(millicents);
  });

  it.each([-0.1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a rate of %p', (cents) => {
    expect(() => rateFromCentsPerMinute(cents)).toThrow(MeteringError);
  });

  it.each([-1, 2.5, Number.NaN])('refuses %p millicents/min when charging', (rate) => {
    expect(() => chargeForConnectedTime(1000, rate)).toThrow(
      expect.objectContaining({ code: 'INVALID_RATE' }),
    );
  });
});

describe('chargeForConnectedTime: started 6-second increments, rounded up once', () => {
  it.each([
    // connected ms, increments, billed s, millicents at 2.9 c/min
    [0, 0, 0, 0],
    [1, 1, 6, 290],
    [999, 1, 6, 290],
    [6_000, 1, 6, 290],
    [6_001, 2, 12, 580],
    [59_999, 10, 60, 2_900],
    [60_000, 10, 60, 2_900],
    [60_001, 11, 66, 3_190],
    [3_600_000, 600, 3_600, 174_000], // an hour: $1.74
    [8 * 3_600_000, 4_800, 28_800, 1_392_000],
  ])('%p ms → %p increments, %p s, %p millicents', (ms, increments, seconds, millicents) => {
    expect(chargeForConnectedTime(ms, RATE)).toEqual({
      connectedMs: ms,
      billedIncrements: increments,
      billedSeconds: seconds,
      millicents,
    });
  });

  it.each([
    // a rate whose increment is not a whole millicent: 2 901/10 = 290.1 per increment
    [2_901, 6_000, 291],
    [2_901, 60_000, 2_901],
    [2_901, 12_000, 581], // 580.2 → 581, rounded once per leg, not 291 + 291
    [1, 6_000, 1], // 0.1 → 1
    [0, 3_600_000, 0],
  ])('at %p millicents/min, %p ms costs %p millicents', (rate, ms, millicents) => {
    expect(chargeForConnectedTime(ms, rate).millicents).toBe(millicents);
  });

  it.each([
    [1, 6_001, 7, 339], // per second: 7 s × 2900 / 60 = 338.33 → 339
    [60, 6_001, 60, 2_900], // per started minute
  ])(
    'with %p-second increments, %p ms bills %p s = %p millicents',
    (incrementSeconds, ms, seconds, millicents) => {
      expect(chargeForConnectedTime(ms, RATE, { incrementSeconds })).toMatchObject({
        billedSeconds: seconds,
        millicents,
      });
    },
  );

  it.each([0, -6, 1.5])('refuses an increment of %p s', (incrementSeconds) => {
    expect(() => chargeForConnectedTime(1000, RATE, { incrementSeconds })).toThrow(
      expect.objectContaining({ code: 'INVALID_INCREMENT' }),
    );
  });

  it.each([-1, Number.NaN])('refuses %p ms of connected time', (ms) => {
    expect(() => chargeForConnectedTime(ms, RATE)).toThrow(
      expect.objectContaining({ code: 'INVALID_INTERVAL' }),
    );
  });
});

describe('chargeForLeg', () => {
  it('bills the time between connect and disconnect', () => {
    expect(chargeForLeg({ connectedAt: at(0), disconnectedAt: at(90_500) }, RATE)).toEqual({
      connectedMs: 90_500,
      billedIncrements: 16,
      billedSeconds: 96,
      millicents: 4_640,
    });
  });

  it('refuses a leg that disconnected before it connected', () => {
    expect(() => chargeForLeg({ connectedAt: at(10), disconnectedAt: at(0) }, RATE)).toThrow(
      expect.objectContaining({ code: 'INVALID_INTERVAL' }),
    );
  });
});

describe('chargeDueSoFar: ledger entries for a running leg', () => {
  it('charges the difference since the last entry', () => {
    expect(chargeDueSoFar(at(0), at(60_000), RATE, 0)).toBe(2_900);
    expect(chargeDueSoFar(at(0), at(120_000), RATE, 2_900)).toBe(2_900);
    expect(chargeDueSoFar(at(0), at(121_000), RATE, 5_800)).toBe(290);
  });

  it('never goes negative', () => {
    expect(chargeDueSoFar(at(0), at(1_000), RATE, 10_000)).toBe(0);
  });

  it.each([-1, 0.5])('refuses %p as already charged', (already) => {
    expect(() => chargeDueSoFar(at(0), at(1), RATE, already)).toThrow(
      expect.objectContaining({ code: 'INVALID_AMOUNT' }),
    );
  });

  it.each([
    [2_900, 1],
    [2_901, 2],
    [1, 3],
    [7_777, 4],
  ])('at %p millicents/min, entries add up to the one-shot charge (seed %p)', (rate, seed) => {
    let x = seed;
    const rand = (): number => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (let trial = 0; trial < 50; trial++) {
      const end = Math.floor(rand() * 4 * 3_600_000);
      let charged = 0;
      let t = 0;
      while (t < end) {
        t = Math.min(end, t + Math.floor(rand() * 90_000));
        const entry = chargeDueSoFar(at(0), at(t), rate, charged);
        expect(entry).toBeGreaterThanOrEqual(0);
        charged += entry;
      }
      expect(charged).toBe(chargeForLeg({ connectedAt: at(0), disconnectedAt: at(end) }, rate).millicents);
    }
  });
});
