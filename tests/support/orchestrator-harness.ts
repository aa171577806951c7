import { Test } from '@nestjs/testing';
import { ValidationPipe, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@phonebank/config';
import type { DialSessionView } from '@phonebank/domain';
import type { PbxPort } from '@phonebank/pbx';
import { AppConfigModule } from '../../apps/orchestrator/src/config/config.module';
import { DatabaseModule } from '../../apps/orchestrator/src/database/database.module';
import { PBX_PORT } from '../../apps/orchestrator/src/pbx/pbx.module';
import { CLOCK } from '../../apps/orchestrator/src/clock/clock.module';
import {
  DialSessionService,
  type SessionUpdate,
} from '../../apps/orchestrator/src/power-dial/dial-session.service';
import { PowerDialModule } from '../../apps/orchestrator/src/power-dial/power-dial.module';
import { PowerDialMetrics } from '../../apps/orchestrator/src/power-dial/power-dial.metrics';
import { CollectingLogger } from './collecting-logger';
import { daytimeClock } from './daytime-clock';
import { eventually } from './eventually';
import { ariSettings } from './local-asterisk';

/** One orchestrator (power dialing + HTTP API) on a test database and the local Asterisk. */
export class OrchestratorHarness {
  readonly updates: SessionUpdate[] = [];
  private constructor(
    readonly app: INestApplication,
    readonly base: string,
    readonly logs: CollectingLogger,
  ) {
    this.sessions.onUpdate((u) => this.updates.push(u));
  }

  static async start(
    databaseUrl: string,
    env: Record<string, string> = {},
    /** More feature modules beside power dialing (e.g. the caller-ID and voicemail modules). */
    modules: NonNullable<ModuleMetadata['imports']> = [],
  ): Promise<OrchestratorHarness> {
    const ari = ariSettings();
    const config = loadConfig({
      ASTERISK_ARI_URL: ari.url,
      ASTERISK_ARI_USER: ari.user,
      ASTERISK_ARI_PASSWORD: ari.password,
      ASTERISK_ARI_APP: ari.app,
      RING_TIMEOUT_SECONDS: '6',
      ...env,
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppConfigModule.forRoot(config),
        DatabaseModule.forRoot(databaseUrl, config.databasePoolSize),
        PowerDialModule,
        ...modules,
      ],
    })
      .overrideProvider(CLOCK)
      .useValue(daytimeClock())
      .compile();
    const logs = new CollectingLogger(process.env.TEST_LOG ? ['error', 'warn', 'log', 'debug'] : ['error']);
    const app = moduleRef.createNestApplication({ logger: logs });
    app.setGlobalPrefix('api', { exclude: ['health', 'metrics'] });
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const h = new OrchestratorHarness(app, base, logs);
    await eventually('ARI connection', () => h.pbx.isConnected(), 15_000);
    return h;
  }

  get sessions(): DialSessionService {
    return this.app.get(DialSessionService);
  }

  get pbx(): PbxPort {
    return this.app.get<PbxPort>(PBX_PORT);
  }

  async api<T>(
    token: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.base}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** The current value of one of the engine's gauges (as /metrics would show it). */
  async gauge(name: string): Promise<number> {
    const metric = this.app.get(PowerDialMetrics).registry.getSingleMetric(name);
    if (!metric) throw new Error(`no metric ${name}`);
    return (await metric.get()).values[0]?.value ?? 0;
  }

  viewsOf(sessionId: string): DialSessionView[] {
    return this.updates.filter((u) => u.sessionId === sessionId).map((u) => u.view);
  }

  lastView(sessionId: string): DialSessionView | undefined {
    return this.viewsOf(sessionId).at(-1);
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}
