import { Module } from '@nestjs/common';
import { VoicemailMediaController } from './voicemail-media.controller';
import { VoicemailMediaService } from './voicemail-media.service';

/** Serves project recordings to the PBX and turns `voicemail:<id>` into what it plays. */
@Module({
  controllers: [VoicemailMediaController],
  providers: [VoicemailMediaService],
  exports: [VoicemailMediaService],
})
export class VoicemailMediaModule {}
