import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import type { CallSessionInfo, CallState } from '../api/api.types';
import { formatPhone } from '../shared/format';
import { LIVE_CALL_STATES } from './call-screen.state';

/**
 * SPEC §5.2: call, hang up, start voicemail; and the mode's settings (dial-in, PIN). Mute is
 * left to the volunteer's own phone until the engine offers it (no mute route yet).
 */
@Component({
  selector: 'pb-call-controls',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="panel" aria-labelledby="controls-heading">
      <h2 id="controls-heading">Call controls</h2>
      @if (session().mode === 'standard') {
        <p>Dial the number on your own phone. When the call is over, record the outcome below.</p>
        @if (e164(); as number) {
          <a class="button primary" [href]="'tel:' + number">Call {{ formatted() }}</a>
        }
      } @else {
        @if (session().dialIn; as dialIn) {
          <p class="dial-in" [class.connected]="legConnected()">
            @if (legConnected()) {
              Your phone is connected.
            } @else {
              Dial <strong>{{ phoneText(dialIn.number) }}</strong> and enter PIN
              <strong class="pin">{{ dialIn.pin }}</strong>.
            }
          </p>
        }
        <div class="button-row">
          <button type="button" class="primary" [disabled]="!canCall()" (click)="call.emit()">Call</button>
          <button type="button" class="danger" [disabled]="!canHangUp()" (click)="hangUp.emit()">
            Hang up
          </button>
          <button type="button" [disabled]="!canStartVoicemail()" (click)="startVoicemail.emit()">
            Start voicemail
          </button>
        </div>
      }
    </section>
  `,
})
export class CallControlsComponent {
  readonly session = input.required<CallSessionInfo>();
  readonly callState = input.required<CallState>();
  readonly e164 = input<string | null>(null);
  readonly legConnected = input(false);
  /** The engine accepts a "Call" now (power dialing). */
  readonly callAvailable = input(false);
  readonly busy = input(false);

  readonly call = output<void>();
  readonly hangUp = output<void>();
  readonly startVoicemail = output<void>();

  protected readonly phoneText = formatPhone;
  protected readonly formatted = computed(() => formatPhone(this.e164() ?? ''));
  private readonly live = computed(() => LIVE_CALL_STATES.includes(this.callState()));
  protected readonly canCall = computed(() => !this.busy() && this.legConnected() && this.callAvailable());
  protected readonly canHangUp = computed(() => !this.busy() && this.live());
  protected readonly canStartVoicemail = computed(() => !this.busy() && this.callState() === 'answered');
}
