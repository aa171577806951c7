import {
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '@phonebank/config';
import { AriPbxAdapter, EslPbxAdapter, type PbxPort } from '@phonebank/pbx';
import { APP_CONFIG } from '../config/config.module';

export const PBX_PORT = Symbol('PBX_PORT');

function createPbx(config: AppConfig): PbxPort {
  const logger = new Logger('Pbx');
  const log = {
    log: (m: string) => logger.log(m),
    warn: (m: string) => logger.warn(m),
    error: (m: string) => logger.error(m),
  };
  if (config.pbx.kind === 'freeswitch') {
    const fs = config.pbx;
    // Never run against a real FreeSWITCH here (none in Debian); see freeswitch/README.md.
    return new EslPbxAdapter({ url: () => fs.eslUrl.reveal(), logger: log, gatewayDir: fs.gatewayDir });
  }
  const pbx = config.pbx;
  return new AriPbxAdapter({
    url: pbx.ariUrl,
    user: pbx.ariUser,
    password: () => pbx.ariPassword.reveal(),
    app: pbx.app,
    logger: log,
  });
}

/** Holds the one PBX connection of this orchestrator and keeps it up while the app runs. */
@Module({
  providers: [{ provide: PBX_PORT, useFactory: createPbx, inject: [APP_CONFIG] }],
  exports: [PBX_PORT],
})
export class PbxModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(PBX_PORT) private readonly pbx: PbxPort) {}

  async onApplicationBootstrap(): Promise<void> {
    // Does not throw when Asterisk is down: the adapter keeps retrying in the background.
    await this.pbx.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pbx.stop();
  }
}
