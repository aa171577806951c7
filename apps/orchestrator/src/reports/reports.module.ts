import { Module } from '@nestjs/common';
import { ClockModule } from '../clock/clock.module';
import { SessionAuthGuard } from '../auth/session-auth.guard';
import { ReportsController } from './reports.controller';

/** Reports for campaign staff (issue 6). Needs a TypeORM `DataSource` provider in scope. */
@Module({
  imports: [ClockModule],
  controllers: [ReportsController],
  providers: [SessionAuthGuard],
})
export class ReportsModule {}
