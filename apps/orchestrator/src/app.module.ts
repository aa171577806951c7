import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@phonebank/config';
import { AppConfigModule } from './config/config.module';
import { AuthModule } from './auth/auth.module';
import { CallerIdModule } from './caller-id/caller-id.module';
import { GatewayModule } from './gateway/gateway.module';
import { CreditsModule } from './credits/credits.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DatabaseModule } from './database/database.module';
import { DncModule } from './dnc/dnc.module';
import { DemoModule } from './demo/demo.module';
import { DialerModule } from './dialer/dialer.module';
import { HealthModule } from './health/health.module';
import { PbxModule } from './pbx/pbx.module';
import { PowerDialModule } from './power-dial/power-dial.module';
import { QueueApiModule } from './queue-api/queue-api.module';
import { TrunksModule } from './trunks/trunks.module';
import { ReportsModule } from './reports/reports.module';
import { StaffApiModule } from './staff-api/staff-api.module';
import { VoicemailModule } from './voicemail/voicemail.module';
import { WebModule } from './web/web.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        DatabaseModule.forRoot(databaseUrl, config.databasePoolSize),
        PbxModule,
        DialerModule,
        HealthModule,
        QueueApiModule,
        StaffApiModule,
        ReportsModule,
        DncModule,
        CreditsModule,
        DashboardModule,
        TrunksModule,
        PowerDialModule,
        CallerIdModule,
        VoicemailModule,
        AuthModule,
        GatewayModule,
        WebModule.forRoot(),
        DemoModule,
      ],
    };
  }
}
