import { Module } from '@nestjs/common';
import { ClockModule } from '../clock/clock.module';
import { BearerAuthGuard } from '../queue-api/auth.guard';
import { CampaignActivityNotifier } from './campaign-activity.notifier';
import { DashboardController } from './dashboard.controller';
import { DashboardGateway } from './dashboard.gateway';
import { DashboardService } from './dashboard.service';

/**
 * The live dashboard for campaign staff (issue 6): Socket.IO namespace /dashboard and
 * GET /api/dashboard. Needs DatabaseModule in scope. Changes reach it through PostgreSQL NOTIFY
 * (CampaignActivityNotifier, and a trigger on dial_sessions), so it depends on no other module.
 */
@Module({
  imports: [ClockModule],
  controllers: [DashboardController],
  providers: [BearerAuthGuard, DashboardService, DashboardGateway, CampaignActivityNotifier],
  exports: [CampaignActivityNotifier],
})
export class DashboardModule {}
