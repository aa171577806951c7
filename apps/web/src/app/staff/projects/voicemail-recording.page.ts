import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  signal,
  type OnInit,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  ProjectAudioApi,
  ProjectAudioSocket,
  formatPhone,
  ProjectCallStatus,
  toE164,
  type VoicemailStatus,
} from './project-audio.api';
import { PROJECT_CALL_PAGE_STYLES } from './project-call-page.styles';

const RUNNING = new Set(['calling', 'ringing', 'prompting', 'recording', 'reviewing', 'saving']);
const MAX_UPLOAD_MB = 25;

/**
 * The project's voicemail message (SPEC §4), played to answering machines at "Start voicemail":
 * record it by phone (the engine calls you: speak after the tone, # to stop, 1 keeps it, 2 records
 * again), or upload a WAV or MP3 file; listen to it here. The call's progress is pushed over
 * Socket.IO.
 */
@Component({
  selector: 'pb-voicemail-recording-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  providers: [ProjectAudioSocket],
  styles: PROJECT_CALL_PAGE_STYLES,
  template: `
    <section class="page">
      <p class="muted small"><a [routerLink]="['/staff/projects', projectId()]">← Project settings</a></p>
      <h1 tabindex="-1">Voicemail message</h1>
      <p class="muted">
        When a volunteer reaches an answering machine and clicks “Start voicemail”, this message plays to it.
      </p>

      <div class="alert-slot" role="alert">
        @if (error(); as message) {
          <p class="alert error">{{ message }}</p>
        }
      </div>
      <div class="notice" role="status">
        @if (notice(); as message) {
          <p class="alert">{{ message }}</p>
        }
      </div>

      @if (status(); as s) {
        <section class="panel" aria-labelledby="current-heading">
          <h2 id="current-heading">Current message</h2>
          @if (s.recording; as r) {
            <p data-testid="recording-summary">
              {{ r.source === 'phone' ? 'Recorded by phone' : 'Uploaded' }}
              @if (r.originalName) {
                ({{ r.originalName }})
              }
              · {{ seconds(r.durationMs) }} · {{ when(r.createdAt) }}
            </p>
            <audio controls preload="metadata" [src]="r.audioUrl" data-testid="recording-audio">
              Your browser cannot play audio here.
            </audio>
            <p>
              <button type="button" (click)="remove()" [disabled]="busy()">Remove the message</button>
            </p>
          } @else if (s.pbxMedia) {
            <p class="muted">
              The phone system plays its own prompt ({{ s.pbxMedia }}). Record or upload one to replace it.
            </p>
          } @else {
            <p class="muted" data-testid="recording-summary">
              No message yet: volunteers cannot start voicemail until there is one.
            </p>
          }
        </section>

        <section class="panel" aria-labelledby="upload-heading">
          <h2 id="upload-heading">Upload a file</h2>
          <form class="inline-form" novalidate (submit)="upload($event)">
            <div class="field">
              <label for="voicemail-file">WAV or MP3 file (up to ${MAX_UPLOAD_MB} MB, 3 minutes)</label>
              <input
                id="voicemail-file"
                type="file"
                accept=".wav,.mp3,audio/wav,audio/x-wav,audio/mpeg"
                (change)="picked($event)"
              />
            </div>
            <button type="submit" class="primary" [disabled]="busy() || !file()">Upload</button>
          </form>
        </section>

        <section class="panel" aria-labelledby="call-heading">
          <h2 id="call-heading">Record it by phone</h2>
          <p class="muted small">
            We call you: after the tone, speak your message and press #. You hear it back; press 1 to keep it
            or 2 to record it again.
          </p>
          <form class="inline-form" novalidate (submit)="callMe($event)">
            <div class="field">
              <label for="voicemail-phone">Your phone</label>
              <input
                id="voicemail-phone"
                type="tel"
                inputmode="tel"
                autocomplete="tel"
                placeholder="+1 202 555 0143"
                [value]="typed()"
                (input)="typed.set($any($event.target).value); phoneError.set(null)"
                [attr.aria-invalid]="phoneError() ? true : null"
                [attr.aria-describedby]="phoneError() ? 'voicemail-phone-error' : null"
              />
              @if (phoneError(); as message) {
                <p id="voicemail-phone-error" class="field-error">{{ message }}</p>
              }
            </div>
            <button type="submit" class="primary" [disabled]="busy() || running()">Call me to record</button>
          </form>
          @if (s.call; as c) {
            <div role="status" aria-live="polite" data-testid="recording-call">
              <p data-testid="recording-call-message">{{ c.message }}</p>
              @if (running()) {
                <button type="button" (click)="cancel()" [disabled]="busy()">Hang up</button>
              }
            </div>
          }
        </section>
      } @else if (!error()) {
        <p class="muted">Loading…</p>
      }
    </section>
  `,
})
export class VoicemailRecordingPage implements OnInit {
  readonly projectId = input.required<string>();
  private readonly api = inject(ProjectAudioApi);
  private readonly socket = inject(ProjectAudioSocket);

  private readonly call = new ProjectCallStatus<VoicemailStatus>(
    this.socket.voicemail,
    (s) =>
      Math.max(
        s.call ? Date.parse(s.call.stageEnteredAt) : 0,
        s.recording ? Date.parse(s.recording.createdAt) : 0,
      ),
    () => this.api.voicemail(this.projectId()),
    'load the voicemail message',
  );
  /** The freshest of what was loaded and what was pushed (the one that changed last). */
  protected readonly status = this.call.status;
  protected readonly running = computed(() => RUNNING.has(this.status()?.call?.stage ?? ''));
  protected readonly file = signal<File | null>(null);
  protected readonly typed = signal('');
  protected readonly phoneError = signal<string | null>(null);
  protected readonly error = this.call.error;
  protected readonly notice = this.call.notice;
  protected readonly busy = this.call.busy;

  ngOnInit(): void {
    this.socket.connect(this.projectId(), () => void this.call.load());
    void this.call.load();
  }

  protected picked(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0] ?? null;
    this.error.set(null);
    if (file && file.size > MAX_UPLOAD_MB * 1024 * 1024) {
      this.error.set(`The file is larger than ${MAX_UPLOAD_MB} MB. Shorten it or export it as MP3.`);
      this.file.set(null);
      return;
    }
    this.file.set(file);
  }

  protected async upload(event: Event): Promise<void> {
    event.preventDefault();
    const file = this.file();
    if (!file) return;
    if (await this.run(() => this.api.upload(this.projectId(), file), 'upload the recording')) {
      this.notice.set(`Saved “${file.name}” as the project’s message.`);
    }
  }

  protected async callMe(event: Event): Promise<void> {
    event.preventDefault();
    const e164 = toE164(this.typed());
    if (!e164) {
      this.phoneError.set('Enter your number with its area code, e.g. (202) 555-0143.');
      return;
    }
    await this.run(() => this.api.callToRecord(this.projectId(), e164), 'call your phone');
  }

  protected async cancel(): Promise<void> {
    await this.run(() => this.api.cancelRecordingCall(this.projectId()), 'hang up');
  }

  protected async remove(): Promise<void> {
    if (await this.run(() => this.api.removeVoicemail(this.projectId()), 'remove the message')) {
      this.notice.set('The message was removed.');
    }
  }

  protected seconds(ms: number): string {
    return `${(ms / 1000).toFixed(1)} s`;
  }

  protected when(iso: string): string {
    return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }

  protected readonly phone = formatPhone;

  private run(request: () => Promise<VoicemailStatus>, action: string): Promise<boolean> {
    return this.call.apply(request, action);
  }
}
