import { Module } from '@nestjs/common';
import { systemClock } from '@phonebank/domain';

/**
 * The clock port (libs/domain/src/clock.ts): everything that decides by the time of day
 * (calling hours, leases, reports) asks `@Inject(CLOCK)`, so tests can provide another clock.
 */
export const CLOCK = Symbol('CLOCK');

@Module({ providers: [{ provide: CLOCK, useValue: systemClock }], exports: [CLOCK] })
export class ClockModule {}
