import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { MAX_VOICEMAIL_UPLOAD_BYTES } from '@phonebank/domain';
import type { VoicemailStatus } from '../../../../libs/contracts/src/project-audio.contract';
import { CurrentUser, type AuthedRequest } from '../queue-api/auth.guard';
import { ProjectCallError, ProjectCallErrorFilter } from '../project-calls/project-call.errors';
import { CallToRecordDto, UploadQueryDto } from './voicemail.dto';
import { VoicemailRecordingService } from './voicemail-recording.service';
import { Guarded } from '../auth/guarded.decorator';

type User = AuthedRequest['user'];

/** The project's voicemail message: record it by phone, upload it, listen to it (SPEC §4). */
@ApiTags('projects')
@Guarded(ProjectCallErrorFilter, 'admin', 'organizer')
@Controller('projects/:projectId/voicemail')
export class VoicemailController {
  constructor(private readonly voicemail: VoicemailRecordingService) {}

  @Get()
  @ApiOperation({ summary: 'The project’s voicemail recording and its latest "call me to record" call' })
  status(
    @CurrentUser() user: User,
    @Param('projectId', ParseUUIDPipe) projectId: string,
  ): Promise<VoicemailStatus> {
    return this.voicemail.status(user, projectId);
  }

  @Get('audio')
  @ApiProduces('audio/wav')
  @ApiOperation({ summary: 'The recording itself (8 kHz mono WAV), to listen to it' })
  async audio(
    @CurrentUser() user: User,
    @Param('projectId', ParseUUIDPipe) projectId: string,
    @Res() res: Response,
  ): Promise<void> {
    const audio = await this.voicemail.audio(user, projectId);
    res
      .status(200)
      .set({
        'Content-Type': 'audio/wav',
        'Content-Length': String(audio.length),
        'Cache-Control': 'private, no-cache',
      })
      .end(audio);
  }

  @Put('file')
  @ApiConsumes('audio/wav', 'audio/mpeg', 'application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOperation({
    summary: 'Upload a WAV or MP3 file (the request body) as the message; converted for the PBX',
  })
  async upload(
    @CurrentUser() user: User,
    @Param('projectId', ParseUUIDPipe) projectId: string,
    @Query() query: UploadQueryDto,
    @Req() req: AuthedRequest,
  ): Promise<VoicemailStatus> {
    const bytes = await readBody(req, MAX_VOICEMAIL_UPLOAD_BYTES);
    return this.voicemail.upload(user, projectId, bytes, query.name ?? null);
  }

  @Delete()
  @ApiOperation({ summary: 'Remove the message (the voicemail button goes away until a new one is kept)' })
  remove(
    @CurrentUser() user: User,
    @Param('projectId', ParseUUIDPipe) projectId: string,
  ): Promise<VoicemailStatus> {
    return this.voicemail.remove(user, projectId);
  }

  @Post('calls')
  @ApiOperation({
    summary: '"Call me to record": the engine calls this phone, records after the tone, 1 keeps, 2 redoes',
  })
  call(
    @CurrentUser() user: User,
    @Param('projectId', ParseUUIDPipe) projectId: string,
    @Body() body: CallToRecordDto,
  ): Promise<VoicemailStatus> {
    return this.voicemail.callToRecord(user, projectId, body.phone);
  }

  @Post('calls/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hang up the running recording call (nothing is kept)' })
  cancel(
    @CurrentUser() user: User,
    @Param('projectId', ParseUUIDPipe) projectId: string,
  ): Promise<VoicemailStatus> {
    return this.voicemail.cancelCall(user, projectId);
  }
}

/** The raw request body, refused past `limit` bytes (without reading it all first). */
function readBody(req: AuthedRequest, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.once('error', reject);
  });
}

function tooLarge(limit: number): ProjectCallError {
  return new ProjectCallError(
    'TOO_LARGE',
    `the file is larger than ${Math.round(limit / 1024 / 1024)} MB; shorten it or export it as MP3`,
  );
}
