import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { CallState, ClaimedPhone, DialMode } from '../api/api.types';
import { formatPhone } from '../shared/format';

const STATE_LABELS: Record<CallState, string> = {
  idle: 'Ready',
  dialing: 'Dialing…',
  ringing: 'Ringing…',
  answered: 'Answered',
  busy: 'Busy',
  'no-answer': 'No answer',
  failed: 'Failed',
  'voicemail-playing': 'Voicemail playing',
  'wrap-up': 'Call ended',
};

/** SPEC §5.1: the number being called and its live status, announced politely as it changes. */
@Component({
  selector: 'pb-call-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="panel call-status" aria-labelledby="call-status-heading">
      <h2 id="call-status-heading">Number</h2>
      @if (phone(); as claimed) {
        <p class="number">
          @if (mode() === 'standard') {
            <a [href]="'tel:' + claimed.phone.e164" aria-describedby="tel-hint">{{ number() }}</a>
          } @else {
            {{ number() }}
          }
        </p>
        <p class="muted">{{ lineType() }}</p>
        @if (mode() === 'standard') {
          <p id="tel-hint" class="muted small">
            Tap the number to dial it on this device, or dial it on your phone.
          </p>
        }
      } @else {
        <p class="number muted">No number yet</p>
      }
      <p class="call-state" role="status" aria-live="polite">
        <span class="muted">Status: </span>
        <strong [attr.data-state]="callState()">{{ stateLabel() }}</strong>
      </p>
    </section>
  `,
})
export class CallStatusComponent {
  readonly phone = input.required<ClaimedPhone | null>();
  readonly callState = input.required<CallState>();
  readonly mode = input.required<DialMode>();

  protected readonly number = computed(() => formatPhone(this.phone()?.phone.e164 ?? ''));
  protected readonly lineType = computed(() => {
    const type = this.phone()?.phone.lineType;
    return type && type !== 'unknown'
      ? `${type[0]!.toUpperCase()}${type.slice(1)} line`
      : 'Line type unknown';
  });
  protected readonly stateLabel = computed(() => STATE_LABELS[this.callState()]);
}
