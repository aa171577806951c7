import { Module } from '@nestjs/common';
import { ClockModule } from '../clock/clock.module';
import { BearerAuthGuard } from './auth.guard';
import {
  AttemptsController,
  CampaignController,
  ProjectsController,
  VotersController,
} from './queue-api.controllers';
import { QueueAccessService } from './queue-api.service';
import { CampaignActivityNotifier } from '../dashboard/campaign-activity.notifier';

/**
 * Voters, projects and the call queue over REST (issue 3). Needs a TypeORM `DataSource`
 * provider in scope (TypeOrmModule.forRoot…, as DatabaseModule provides).
 */
@Module({
  imports: [ClockModule],
  controllers: [CampaignController, VotersController, ProjectsController, AttemptsController],
  providers: [QueueAccessService, BearerAuthGuard, CampaignActivityNotifier],
})
export class QueueApiModule {}
