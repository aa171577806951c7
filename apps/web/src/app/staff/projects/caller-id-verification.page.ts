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
  type CallerIdStatus,
} from './project-audio.api';
import { PROJECT_CALL_PAGE_STYLES } from './project-call-page.styles';

const RUNNING = new Set(['calling', 'ringing', 'awaiting-code']);

/**
 * A project's caller ID for power dialing (SPEC §4): accepted only after verification. Staff
 * enter the number; the engine calls it and shows a code here; the person who answers types it
 * on the keypad. The call's progress is pushed over Socket.IO. Numbers the campaign verified
 * before are reused without a call.
 */
@Component({
  selector: 'pb-caller-id-verification-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  providers: [ProjectAudioSocket],
  styles: PROJECT_CALL_PAGE_STYLES,
  template: `
    <section class="page">
      <p class="muted small"><a [routerLink]="['/staff/projects', projectId()]">← Project settings</a></p>
      <h1 tabindex="-1">Caller ID</h1>
      <p class="muted">
        Power dialing shows this number to voters. It is accepted only once someone at that number answers our
        call and types the code shown here.
      </p>

      <div class="alert-slot" role="alert">
        @if (error(); as message) {
          <p class="alert error">{{ message }}</p>
        }
      </div>

      @if (status(); as s) {
        <section class="panel" aria-labelledby="current-heading">
          <h2 id="current-heading">Current caller ID</h2>
          @if (s.callerId) {
            <p>
              <strong data-testid="current-caller-id">{{ phone(s.callerId) }}</strong>
              @if (s.verified) {
                <span class="badge ok" data-testid="caller-id-state">Verified</span>
              } @else {
                <span class="badge warn" data-testid="caller-id-state">Not verified</span>
              }
            </p>
            @if (!s.verified) {
              <p class="muted small">
                Power dialing stays off for this project until the number is verified.
              </p>
            }
          } @else {
            <p class="muted" data-testid="caller-id-state">
              No caller ID yet: power dialing is off for this project.
            </p>
          }
        </section>

        <section class="panel" aria-labelledby="verify-heading">
          <h2 id="verify-heading">Verify a number</h2>
          <form class="inline-form" novalidate (submit)="verify($event)">
            <div class="field">
              <label for="caller-id-number">Number to verify</label>
              <input
                id="caller-id-number"
                name="callerId"
                type="tel"
                inputmode="tel"
                autocomplete="tel"
                placeholder="+1 202 555 0143"
                [value]="typed()"
                (input)="typed.set($any($event.target).value); numberError.set(null)"
                [attr.aria-invalid]="numberError() ? true : null"
                [attr.aria-describedby]="numberError() ? 'caller-id-number-error' : null"
              />
              @if (numberError(); as message) {
                <p id="caller-id-number-error" class="field-error">{{ message }}</p>
              }
            </div>
            <button type="submit" class="primary" [disabled]="busy() || running()">Verify by phone</button>
          </form>

          @if (s.verification; as v) {
            <div class="verification" role="status" aria-live="polite" data-testid="verification">
              @if (v.code) {
                <p class="code-line">
                  Code for {{ phone(v.callerId) }}:
                  <strong class="big-code" data-testid="verification-code">{{ v.code }}</strong>
                </p>
              }
              <p data-testid="verification-message">{{ v.message }}</p>
              @if (running()) {
                <button type="button" (click)="cancel()" [disabled]="busy()">Cancel the call</button>
              }
            </div>
          }
        </section>

        @if (s.campaignVerified.length > 0) {
          <section class="panel" aria-labelledby="campaign-heading">
            <h2 id="campaign-heading">Verified for your campaign</h2>
            <p class="muted small">Any project of the campaign may use these at once, without a call.</p>
            <ul class="plain-list">
              @for (n of s.campaignVerified; track n.e164) {
                <li>
                  {{ phone(n.e164) }}
                  @if (n.e164 === s.callerId && s.verified) {
                    <span class="muted small">(in use)</span>
                  } @else {
                    <button type="button" (click)="use(n.e164)" [disabled]="busy() || running()">Use</button>
                  }
                </li>
              }
            </ul>
          </section>
        }
      } @else if (!error()) {
        <p class="muted">Loading…</p>
      }
    </section>
  `,
})
export class CallerIdVerificationPage implements OnInit {
  readonly projectId = input.required<string>();
  private readonly api = inject(ProjectAudioApi);
  private readonly socket = inject(ProjectAudioSocket);

  private readonly call = new ProjectCallStatus<CallerIdStatus>(
    this.socket.callerId,
    (s) => (s.verification ? Date.parse(s.verification.stageEnteredAt) : 0),
    () => this.api.callerId(this.projectId()),
    'load the caller ID',
  );
  /** The freshest of what was loaded and what was pushed (the one whose verification moved last). */
  protected readonly status = this.call.status;
  protected readonly running = computed(() => RUNNING.has(this.status()?.verification?.stage ?? ''));
  protected readonly typed = signal('');
  protected readonly numberError = signal<string | null>(null);
  protected readonly error = this.call.error;
  protected readonly busy = this.call.busy;
  protected readonly phone = formatPhone;

  ngOnInit(): void {
    this.socket.connect(this.projectId(), () => void this.call.load());
    void this.call.load();
  }

  protected async verify(event: Event): Promise<void> {
    event.preventDefault();
    const e164 = toE164(this.typed());
    if (!e164) {
      this.numberError.set('Enter the number with its area code, e.g. (202) 555-0143 or +44 20 7946 0958.');
      return;
    }
    await this.run(() => this.api.verify(this.projectId(), e164), 'start the verification call');
  }

  protected use(e164: string): Promise<void> {
    return this.run(() => this.api.verify(this.projectId(), e164), 'use this number');
  }

  protected cancel(): Promise<void> {
    return this.run(() => this.api.cancelVerification(this.projectId()), 'cancel the call');
  }

  private async run(request: () => Promise<CallerIdStatus>, action: string): Promise<void> {
    await this.call.apply(request, action);
  }
}
