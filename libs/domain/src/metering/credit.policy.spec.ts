import {
  DEFAULT_CREDIT_RESERVE_MINUTES,
  canStartPowerDialing,
  creditReserve,
  minutesOfCreditLeft,
  remainingCredit,
  shouldEndAfterCurrentCall,
} from './credit.policy';
import { DEFAULT_RATE_MILLICENTS_PER_MINUTE, MeteringError } from './leg-charge.policy';

const RATE = DEFAULT_RATE_MILLICENTS_PER_MINUTE;

describe('remainingCredit', () => {
  it('subtracts usage the ledger does not show yet', () => {
    expect(remainingCredit({ balanceMillicents: 10_000 })).toBe(10_000);
    expect(remainingCredit({ balanceMillicents: 10_000, unbilledMillicents: 2_500 })).toBe(7_500);
    expect(remainingCredit({ balanceMillicents: 1_000, unbilledMillicents: 2_500 })).toBe(-1_500);
  });

  it.each([
    [{ balanceMillicents: 1.5 }],
    [{ balanceMillicents: Number.NaN }],
    [{ balanceMillicents: 0, unbilledMillicents: -1 }],
    [{ balanceMillicents: 0, unbilledMillicents: 0.5 }],
  ])('refuses %j', (position) => {
    expect(() => remainingCredit(position)).toThrow(MeteringError);
  });
});

describe('creditReserve', () => {
  it('is one minute of leg time by default', () => {
    expect(DEFAULT_CREDIT_RESERVE_MINUTES).toBe(1);
    expect(creditReserve(RATE)).toBe(2_900);
    expect(creditReserve(RATE, { reserveMinutes: 2.5 })).toBe(7_250);
    expect(creditReserve(RATE, { reserveMinutes: 0 })).toBe(0);
    expect(creditReserve(0)).toBe(0);
  });

  it.each([-1, Number.NaN])('refuses a reserve of %p minutes', (reserveMinutes) => {
    expect(() => creditReserve(RATE, { reserveMinutes })).toThrow(MeteringError);
  });

  it('refuses a bad rate', () => {
    expect(() => creditReserve(-5)).toThrow(expect.objectContaining({ code: 'INVALID_RATE' }));
  });
});

describe('canStartPowerDialing', () => {
  it.each([
    // balance, unbilled, rate, reserve minutes, expected
    [
      0,
      0,
      RATE,
      undefined,
      { allowed: false, reason: 'no-credit', remainingMillicents: 0, requiredMillicents: 2_900 },
    ],
    [
      -50,
      0,
      RATE,
      undefined,
      { allowed: false, reason: 'no-credit', remainingMillicents: -50, requiredMillicents: 2_900 },
    ],
    [
      2_899,
      0,
      RATE,
      undefined,
      { allowed: false, reason: 'below-reserve', remainingMillicents: 2_899, requiredMillicents: 2_900 },
    ],
    [2_900, 0, RATE, undefined, { allowed: true, remainingMillicents: 2_900 }],
    [
      5_000,
      2_200,
      RATE,
      undefined,
      { allowed: false, reason: 'below-reserve', remainingMillicents: 2_800, requiredMillicents: 2_900 },
    ],
    [5_000, 3_000, RATE, 0, { allowed: true, remainingMillicents: 2_000 }],
    [1, 0, RATE, 0, { allowed: true, remainingMillicents: 1 }],
    [0, 0, RATE, 0, { allowed: false, reason: 'no-credit', remainingMillicents: 0, requiredMillicents: 0 }],
    [0, 0, 0, undefined, { allowed: true, remainingMillicents: 0 }], // free dialing
    [
      -1,
      0,
      0,
      undefined,
      { allowed: false, reason: 'no-credit', remainingMillicents: -1, requiredMillicents: 0 },
    ],
  ] as const)(
    'balance %p, unbilled %p, rate %p, reserve %p min → %j',
    (balance, unbilled, rate, reserveMinutes, expected) => {
      const position = { balanceMillicents: balance, unbilledMillicents: unbilled };
      expect(
        canStartPowerDialing(position, rate, reserveMinutes === undefined ? {} : { reserveMinutes }),
      ).toEqual(expected);
    },
  );
});

describe('shouldEndAfterCurrentCall', () => {
  it('says stop once less than the reserve is left', () => {
    expect(shouldEndAfterCurrentCall({ balanceMillicents: 100_000, unbilledMillicents: 90_000 }, RATE)).toBe(
      false,
    );
    expect(shouldEndAfterCurrentCall({ balanceMillicents: 100_000, unbilledMillicents: 97_100 }, RATE)).toBe(
      false,
    );
    expect(shouldEndAfterCurrentCall({ balanceMillicents: 100_000, unbilledMillicents: 97_101 }, RATE)).toBe(
      true,
    );
    expect(shouldEndAfterCurrentCall({ balanceMillicents: 0 }, RATE)).toBe(true);
  });

  it('agrees with canStartPowerDialing everywhere (no start-then-stop gap)', () => {
    for (let balance = -3_000; balance <= 9_000; balance += 37) {
      const position = { balanceMillicents: balance };
      expect(shouldEndAfterCurrentCall(position, RATE)).toBe(!canStartPowerDialing(position, RATE).allowed);
    }
  });
});

describe('minutesOfCreditLeft', () => {
  it.each([
    [174_000, 0, RATE, 60],
    [174_000, 2_901, RATE, 58],
    [-10, 0, RATE, 0],
    [1_000, 0, 0, null],
  ])('balance %p, unbilled %p at %p → %p minutes', (balance, unbilled, rate, minutes) => {
    expect(minutesOfCreditLeft({ balanceMillicents: balance, unbilledMillicents: unbilled }, rate)).toBe(
      minutes,
    );
  });
});
