import { Module } from '@nestjs/common';
import { CallerIdModule } from '../caller-id/caller-id.module';
import { PowerDialModule } from '../power-dial/power-dial.module';
import { VoicemailModule } from '../voicemail/voicemail.module';
import { CallsGateway } from './calls.gateway';

/** Socket.IO pushes to call screens (needs DatabaseModule in scope, like the HTTP modules). */
@Module({
  imports: [PowerDialModule, CallerIdModule, VoicemailModule],
  providers: [CallsGateway],
})
export class GatewayModule {}
