import { Controller, Get, Inject } from '@nestjs/common';
import type { PbxPort } from '@phonebank/pbx';
import { PBX_PORT } from '../pbx/pbx.module';

@Controller('health')
export class HealthController {
  constructor(@Inject(PBX_PORT) private readonly pbx: PbxPort) {}

  @Get()
  health(): { status: 'ok' | 'degraded'; pbx: { kind: string; connected: boolean } } {
    const connected = this.pbx.isConnected();
    return { status: connected ? 'ok' : 'degraded', pbx: { kind: this.pbx.kind, connected } };
  }
}
