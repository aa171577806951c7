import { Module } from '@nestjs/common';
import { BearerAuthGuard } from '../queue-api/auth.guard';
import { PbxModule } from '../pbx/pbx.module';
import { AudioConverter } from './audio-converter';
import { VoicemailController } from './voicemail.controller';
import { VoicemailMediaModule } from './voicemail-media.module';
import { VoicemailRecordingService } from './voicemail-recording.service';

/** The project's voicemail message: call me to record, uploads, listening (needs DatabaseModule). */
@Module({
  imports: [PbxModule, VoicemailMediaModule],
  controllers: [VoicemailController],
  providers: [VoicemailRecordingService, AudioConverter, BearerAuthGuard],
  exports: [VoicemailRecordingService],
})
export class VoicemailModule {}
