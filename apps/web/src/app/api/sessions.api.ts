import { Injectable, inject } from '@angular/core';
import { ApiClient } from './api.client';
import type {
  AddNoteRequest,
  CallSessionInfo,
  ClaimedPhone,
  DialMode,
  MuteRequest,
  RecordOutcomeRequest,
  StartSessionRequest,
} from './api.types';

/** The calling-session routes (see api.types.ts). Every method rejects with an ApiError. */
@Injectable({ providedIn: 'root' })
export class SessionsApi {
  private readonly http = inject(ApiClient);

  start(projectId: string, mode: DialMode): Promise<CallSessionInfo> {
    const body: StartSessionRequest = { mode };
    return this.http.post<CallSessionInfo>(
      `/api/projects/${enc(projectId)}/sessions`,
      body,
      'start a calling session',
    );
  }

  /** The next phone from the queue, or null when the queue has nothing to hand out now (204). */
  async next(sessionId: string): Promise<ClaimedPhone | null> {
    return (
      (await this.http.post<ClaimedPhone | null>(
        `/api/sessions/${enc(sessionId)}/next`,
        {},
        'get the next number',
      )) ?? null
    );
  }

  async call(sessionId: string): Promise<void> {
    await this.http.post<null>(`/api/sessions/${enc(sessionId)}/call`, {}, 'place the call');
  }

  async hangUp(sessionId: string): Promise<void> {
    await this.http.post<null>(`/api/sessions/${enc(sessionId)}/hangup`, {}, 'hang up');
  }

  async startVoicemail(sessionId: string): Promise<void> {
    await this.http.post<null>(`/api/sessions/${enc(sessionId)}/voicemail`, {}, 'start the voicemail');
  }

  async mute(sessionId: string, muted: boolean): Promise<void> {
    const body: MuteRequest = { muted };
    await this.http.post<null>(
      `/api/sessions/${enc(sessionId)}/mute`,
      body,
      muted ? 'mute you' : 'unmute you',
    );
  }

  async recordOutcome(sessionId: string, request: RecordOutcomeRequest): Promise<void> {
    await this.http.post<null>(`/api/sessions/${enc(sessionId)}/outcome`, request, 'record the outcome');
  }

  async end(sessionId: string): Promise<void> {
    await this.http.post<null>(`/api/sessions/${enc(sessionId)}/end`, {}, 'end the session');
  }

  async addNote(voterId: string, text: string): Promise<void> {
    const body: AddNoteRequest = { text };
    await this.http.post<null>(`/api/voters/${enc(voterId)}/notes`, body, 'save the note');
  }
}

const enc = encodeURIComponent;
