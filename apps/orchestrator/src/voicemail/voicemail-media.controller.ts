import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { voicemailAudioByToken } from '@phonebank/persistence';
import { VOICEMAIL_MEDIA_PATH } from './voicemail-media.service';

const FILE = /^([A-Za-z0-9_-]{43})\.wav$/;

/**
 * The recordings the PBX plays, fetched by Asterisk over HTTP. No login: the name is a random
 * 256-bit token nobody can guess (and changes with every new recording); nothing lists them.
 */
@ApiExcludeController()
@Controller(VOICEMAIL_MEDIA_PATH)
export class VoicemailMediaController {
  constructor(private readonly db: DataSource) {}

  @Get(':file')
  async file(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const token = FILE.exec(file)?.[1];
    const audio = token ? await voicemailAudioByToken(this.db, token) : undefined;
    if (!audio) throw new NotFoundException({ code: 'NOT_FOUND', message: 'no such recording' });
    res
      .status(200)
      .set({
        'Content-Type': 'audio/wav',
        'Content-Length': String(audio.length),
        // A token names one recording forever: caches may keep it.
        'Cache-Control': 'private, max-age=86400, immutable',
      })
      .end(audio);
  }
}
