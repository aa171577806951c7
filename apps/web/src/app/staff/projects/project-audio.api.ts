import { Injectable, computed, inject, signal, type OnDestroy, type Signal } from '@angular/core';
import { io, type Socket } from 'socket.io-client';
import { ApiClient } from '../../api/api.client';
import { toApiError } from '../../api/api-error';
import { StaffRequest } from '../staff-request';
import type {
  CallerIdStatus,
  ProjectAudioServerEvents,
  VoicemailStatus,
} from '../../../../../../libs/contracts/src/project-audio.contract';

export type {
  CallerIdStatus,
  VoicemailStatus,
} from '../../../../../../libs/contracts/src/project-audio.contract';

const enc = encodeURIComponent;

/** A project's caller-ID verification and voicemail message (campaign staff only). */
@Injectable({ providedIn: 'root' })
export class ProjectAudioApi {
  private readonly http = inject(ApiClient);

  callerId(projectId: string): Promise<CallerIdStatus> {
    return this.http.get(`/api/projects/${enc(projectId)}/caller-id`, 'load the caller ID');
  }

  verify(projectId: string, callerId: string): Promise<CallerIdStatus> {
    return this.http.post(
      `/api/projects/${enc(projectId)}/caller-id/verifications`,
      { callerId },
      'start the verification call',
    );
  }

  cancelVerification(projectId: string): Promise<CallerIdStatus> {
    return this.http.post(
      `/api/projects/${enc(projectId)}/caller-id/verifications/cancel`,
      {},
      'cancel the verification call',
    );
  }

  voicemail(projectId: string): Promise<VoicemailStatus> {
    return this.http.get(`/api/projects/${enc(projectId)}/voicemail`, 'load the voicemail recording');
  }

  callToRecord(projectId: string, phone: string): Promise<VoicemailStatus> {
    return this.http.post(`/api/projects/${enc(projectId)}/voicemail/calls`, { phone }, 'call your phone');
  }

  cancelRecordingCall(projectId: string): Promise<VoicemailStatus> {
    return this.http.post(`/api/projects/${enc(projectId)}/voicemail/calls/cancel`, {}, 'cancel the call');
  }

  removeVoicemail(projectId: string): Promise<VoicemailStatus> {
    return this.http.request(
      'DELETE',
      `/api/projects/${enc(projectId)}/voicemail`,
      undefined,
      'remove the recording',
    );
  }

  /** Sends the file as it is; the server checks and converts it. */
  upload(projectId: string, file: File): Promise<VoicemailStatus> {
    return this.http.sendFile(
      'PUT',
      `/api/projects/${enc(projectId)}/voicemail/file?name=${enc(file.name)}`,
      file,
      file.type || 'application/octet-stream',
      'upload the recording',
    );
  }
}

/**
 * The live status of one project's calls: the orchestrator pushes `project.caller-id` and
 * `project.voicemail` to its campaign's staff on the Socket.IO connection (cookie-authenticated)
 * on every change of a verification or recording call. Nothing is polled.
 */
@Injectable()
export class ProjectAudioSocket implements OnDestroy {
  private socket: Socket<ProjectAudioServerEvents, Record<string, never>> | null = null;
  readonly callerId = signal<CallerIdStatus | null>(null);
  readonly voicemail = signal<VoicemailStatus | null>(null);
  readonly live = signal(false);

  /** `onReconnect` reloads what may have changed while the socket was away. */
  connect(projectId: string, onReconnect: () => void): void {
    this.disconnect();
    const socket: Socket<ProjectAudioServerEvents, Record<string, never>> = io({
      path: '/socket.io',
      withCredentials: true,
      transports: ['websocket'],
    });
    let connectedBefore = false;
    socket.on('connect', () => {
      this.live.set(true);
      if (connectedBefore) onReconnect();
      connectedBefore = true;
    });
    socket.on('disconnect', () => this.live.set(false));
    socket.on('project.caller-id', (status) => {
      if (status.projectId === projectId) this.callerId.set(status);
    });
    socket.on('project.voicemail', (status) => {
      if (status.projectId === projectId) this.voicemail.set(status);
    });
    this.socket = socket;
  }

  disconnect(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }

  ngOnDestroy(): void {
    this.disconnect();
  }
}

/**
 * What a project call page shows: the status it loaded or got back from a request, or the one
 * pushed over the socket, whichever changed last (pushed on a tie); the request running and its
 * error or notice.
 */
export class ProjectCallStatus<T> extends StaffRequest {
  readonly loaded = signal<T | null>(null);
  readonly status: Signal<T | null>;
  readonly notice = signal<string | null>(null);

  constructor(
    pushed: Signal<T | null>,
    /** When the status last changed (ms since the epoch; 0 when nothing happened yet). */
    changedAt: (status: T) => number,
    private readonly fetch: () => Promise<T>,
    /** What loading does, for the error ("load the caller ID"). */
    private readonly what: string,
  ) {
    super();
    this.status = computed(() => {
      const loaded = this.loaded();
      const latest = pushed();
      if (!loaded || !latest) return latest ?? loaded;
      return changedAt(latest) >= changedAt(loaded) ? latest : loaded;
    });
  }

  async load(): Promise<void> {
    try {
      this.loaded.set(await this.fetch());
    } catch (error) {
      this.error.set(toApiError(error, this.what).message);
    }
  }

  /** Run a request that answers the new status; false when it failed (the error says why). */
  apply(request: () => Promise<T>, action: string): Promise<boolean> {
    this.notice.set(null);
    return this.run(action, async () => this.loaded.set(await request()));
  }
}

/** "+12125552000" → "(212) 555-2000"; other numbers as they are. */
export function formatPhone(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

/** What a staff member types ("(202) 555-0143", "202.555.0143", "+44 20 …") as E.164, or null. */
export function toE164(typed: string): string | null {
  const digits = typed.replace(/[\s().-]/g, '');
  if (/^\+[1-9]\d{7,14}$/.test(digits)) return digits;
  if (/^1?[2-9]\d{9}$/.test(digits)) return `+1${digits.slice(-10)}`;
  return null;
}
