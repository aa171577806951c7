import { Module } from '@nestjs/common';
import { PbxModule } from '../pbx/pbx.module';
import { HealthController } from './health.controller';

@Module({ imports: [PbxModule], controllers: [HealthController] })
export class HealthModule {}
