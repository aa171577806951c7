import 'reflect-metadata';
import { Logger, ValidationPipe, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { join } from 'node:path';
import { ConfigError, loadConfig, type AppConfig } from '@phonebank/config';
import { resolveDatabaseUrl } from '@phonebank/persistence';
import { AppModule } from './app.module';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

function readConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

async function bootstrap(): Promise<void> {
  const config = readConfig();
  const logger = new Logger('Orchestrator');
  const levels = LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1);

  if (!config.databaseUrl) logger.log('DATABASE_URL is not set: starting the embedded PostgreSQL…');
  const db = await resolveDatabaseUrl(
    config.databaseUrl ? { DATABASE_URL: config.databaseUrl.reveal() } : {},
    { dataDir: join(config.dataDir, 'postgres') },
  );
  if (db.embedded) logger.log(`embedded PostgreSQL is running (data in ${join(config.dataDir, 'postgres')})`);

  const app = await NestFactory.create(AppModule.forRoot(config, db.url), { logger: levels });
  app.setGlobalPrefix('api', { exclude: ['health', 'metrics'] });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  const openApi = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Phone bank engine')
      .setDescription('Campaigns, voters, projects, the call queue and power dialing.')
      .setVersion('0.1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, openApi);

  // On SIGINT/SIGTERM: stop taking work, let modules end cleanly, then stop the embedded
  // PostgreSQL (if this process started it), then exit.
  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: shutting down`);
    await app.close().catch((e: unknown) => logger.error(`shutdown: ${String(e)}`));
    await db.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen(config.http.port, config.http.host);
  const url = `http://${config.http.host}:${config.http.port}`;
  logger.log(`listening on ${url} (API docs: ${url}/api/docs, health: ${url}/health)`);
}

bootstrap().catch((error: unknown) => {
  console.error(
    `The orchestrator could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
