import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@phonebank/config';
import { voicemailRecordingIdOf } from '@phonebank/domain';
import { voicemailMediaToken } from '@phonebank/persistence';
import { APP_CONFIG } from '../config/config.module';

/** The path (under the API prefix) the PBX fetches a recording from. */
export const VOICEMAIL_MEDIA_PATH = 'media/voicemail';

/**
 * Where the PBX fetches what it plays. Recordings live in PostgreSQL; at a voicemail drop the
 * project's `voicemail:<id>` becomes `url:<base>/api/media/voicemail/<token>.wav`, which
 * Asterisk downloads (res_http_media_cache) from this orchestrator. The base is MEDIA_BASE_URL
 * for a remote PBX, else this process's own HTTP port on loopback.
 */
export function mediaBaseUrl(
  config: Pick<AppConfig, 'http' | 'mediaBaseUrl'>,
  listeningPort: number,
): string {
  if (config.mediaBaseUrl) return config.mediaBaseUrl;
  const host = config.http.host;
  const loopback = ['0.0.0.0', '::', '', 'localhost'].includes(host) ? '127.0.0.1' : host;
  return `http://${loopback.includes(':') ? `[${loopback}]` : loopback}:${listeningPort}`;
}

@Injectable()
export class VoicemailMediaService {
  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly http: HttpAdapterHost,
  ) {}

  /** What the PBX plays for a project's voicemail reference (PBX media names pass through). */
  async playable(ref: string): Promise<string> {
    const id = voicemailRecordingIdOf(ref);
    if (!id) return ref;
    const token = await voicemailMediaToken(this.db, id);
    if (!token) throw new Error(`the project's voicemail recording ${id} is gone; record or upload it again`);
    return `url:${this.baseUrl()}/api/${VOICEMAIL_MEDIA_PATH}/${token}.wav`;
  }

  private baseUrl(): string {
    const server = this.http.httpAdapter?.getHttpServer() as
      { address(): AddressInfo | string | null } | undefined;
    const address = server?.address();
    const port = typeof address === 'object' && address ? address.port : this.config.http.port;
    return mediaBaseUrl(this.config, port);
  }
}
