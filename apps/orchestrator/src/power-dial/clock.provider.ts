import { systemClock } from '@phonebank/domain';

/** The clock port (libs/domain/src/clock.ts); tests may provide a ManualClock instead. */
export const CLOCK = Symbol('CLOCK');
export const clockProvider = { provide: CLOCK, useValue: systemClock };
