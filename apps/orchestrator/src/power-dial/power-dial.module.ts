import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { PbxModule } from '../pbx/pbx.module';
import { TrunksModule } from '../trunks/trunks.module';
import { VoicemailMediaModule } from '../voicemail/voicemail-media.module';
import { ClockModule } from '../clock/clock.module';
import { DialInHandler } from './dial-in.handler';
import { DialSessionService } from './dial-session.service';
import { MetricsController } from './metrics.controller';
import { PowerDialController } from './power-dial.controller';
import { PowerDialMetrics } from './power-dial.metrics';

/** Power dialing: dial-in with PIN, dial sessions, voicemail drop, metering, metrics. */
@Module({
  imports: [ClockModule, PbxModule, TrunksModule, VoicemailMediaModule],
  controllers: [PowerDialController, MetricsController],
  providers: [PowerDialMetrics, DialSessionService, DialInHandler],
  exports: [DialSessionService, PowerDialMetrics],
})
export class PowerDialModule implements OnApplicationBootstrap {
  constructor(private readonly sessions: DialSessionService) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sessions.recoverAfterRestart();
  }
}
