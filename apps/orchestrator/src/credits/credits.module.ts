import { Module } from '@nestjs/common';
import { ClockModule } from '../clock/clock.module';
import { BearerAuthGuard } from '../queue-api/auth.guard';
import { CreditsController } from './credits.controller';

/** Prepaid credits over REST (issue 6). Needs DatabaseModule in scope. */
@Module({
  imports: [ClockModule],
  controllers: [CreditsController],
  providers: [BearerAuthGuard],
})
export class CreditsModule {}
