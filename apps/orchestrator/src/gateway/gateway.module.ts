import { Module } from '@nestjs/common';
import { PowerDialModule } from '../power-dial/power-dial.module';
import { CallsGateway } from './calls.gateway';

/** Socket.IO pushes to call screens (needs DatabaseModule in scope, like the HTTP modules). */
@Module({
  imports: [PowerDialModule],
  providers: [CallsGateway],
})
export class GatewayModule {}
