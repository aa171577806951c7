import { Module } from '@nestjs/common';
import { ClockModule } from '../clock/clock.module';
import { BearerAuthGuard } from '../queue-api/auth.guard';
import { DncController } from './dnc.controller';

/** The campaign's do-not-call list over REST (issue 6). Needs DatabaseModule in scope. */
@Module({
  imports: [ClockModule],
  controllers: [DncController],
  providers: [BearerAuthGuard],
})
export class DncModule {}
