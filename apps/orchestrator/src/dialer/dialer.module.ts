import { Module } from '@nestjs/common';
import { PbxModule } from '../pbx/pbx.module';
import { VoterCallService } from './voter-call.service';

@Module({ imports: [PbxModule], providers: [VoterCallService], exports: [VoterCallService] })
export class DialerModule {}
