import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@phonebank/config';
import { AppConfigModule } from './config/config.module';
import { AuthModule } from './auth/auth.module';
import { GatewayModule } from './gateway/gateway.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { DialerModule } from './dialer/dialer.module';
import { HealthModule } from './health/health.module';
import { PbxModule } from './pbx/pbx.module';
import { PowerDialModule } from './power-dial/power-dial.module';
import { QueueApiModule } from './queue-api/queue-api.module';
import { WebModule } from './web/web.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        DatabaseModule.forRoot(databaseUrl),
        PbxModule,
        DialerModule,
        HealthModule,
        QueueApiModule,
        PowerDialModule,
        AuthModule,
        GatewayModule,
        WebModule.forRoot(),
        DemoModule,
      ],
    };
  }
}
