import { Module } from '@nestjs/common';
import { ClockModule } from '../clock/clock.module';
import { SessionAuthGuard } from '../auth/session-auth.guard';
import {
  CampaignStaffController,
  ProjectAdminController,
  TeamsController,
  VoterImportsController,
} from './staff-api.controllers';
import { VoterImportsService } from './voter-imports.service';

/**
 * What the staff pages for projects and voters need beyond the queue API (issue 6): project
 * settings and figures, grants, people and teams, voter import jobs, targeting pickers. Admin
 * and organizer only. Needs a TypeORM `DataSource` in scope (DatabaseModule).
 */
@Module({
  imports: [ClockModule],
  controllers: [CampaignStaffController, ProjectAdminController, TeamsController, VoterImportsController],
  providers: [VoterImportsService, SessionAuthGuard],
})
export class StaffApiModule {}
