import { Module } from '@nestjs/common';
import { BearerAuthGuard } from '../queue-api/auth.guard';
import { PbxModule } from '../pbx/pbx.module';
import { CallerIdController } from './caller-id.controller';
import { CallerIdVerificationService } from './caller-id-verification.service';

/** Caller-ID verification calls (needs DatabaseModule and AppConfigModule in scope). */
@Module({
  imports: [PbxModule],
  controllers: [CallerIdController],
  providers: [CallerIdVerificationService, BearerAuthGuard],
  exports: [CallerIdVerificationService],
})
export class CallerIdModule {}
