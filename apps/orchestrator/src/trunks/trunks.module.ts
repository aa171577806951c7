import { Global, Module } from '@nestjs/common';
import { PbxModule } from '../pbx/pbx.module';
import { TrunkLineLimiter } from './trunk-line.limiter';
import { TrunksController } from './trunks.controller';
import { TrunksService } from './trunks.service';

/**
 * Trunks managed in the product (issue 6): the REST API, applying trunks to the PBX, and the
 * per-trunk line limiter every originate goes through. Global so the dialers find the limiter.
 */
@Global()
@Module({
  imports: [PbxModule],
  controllers: [TrunksController],
  providers: [TrunksService, TrunkLineLimiter],
  exports: [TrunkLineLimiter, TrunksService],
})
export class TrunksModule {}
