import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@phonebank/config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Provides the one validated configuration object (loaded once in main.ts or a test). */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
