import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createDataSource, runMigrations, warmPool } from '@phonebank/persistence';

/**
 * PostgreSQL through TypeORM. The schema comes from migrations, run at start under an
 * advisory lock (several orchestrators may start at once); never `synchronize`.
 */
@Module({})
export class DatabaseModule {
  static forRoot(databaseUrl: string, poolSize = 20): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({}),
          dataSourceFactory: async () => {
            const logger = new Logger('Database');
            const ds = createDataSource(databaseUrl, {
              applicationName: 'phonebank-orchestrator',
              poolSize,
              keepConnections: true,
            });
            await ds.initialize();
            const ran = await runMigrations(ds);
            await warmPool(ds, poolSize);
            logger.log(ran.length ? `applied migrations: ${ran.join(', ')}` : 'schema is up to date');
            return ds;
          },
        }),
      ],
    };
  }
}
