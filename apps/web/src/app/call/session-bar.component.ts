import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import type { CallSessionInfo } from '../api/api.types';
import { formatDuration, formatPhone } from '../shared/format';
import type { ConnectionStatus } from './call-screen.state';

const CONNECTION_LABELS: Record<ConnectionStatus, string> = {
  offline: 'Live updates offline',
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
};

/** SPEC §5.7: the session timer and the caller ID in use, plus the live-link status. */
@Component({
  selector: 'pb-session-bar',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="session-bar">
      <div>
        <h1 tabindex="-1">{{ session().projectName }}</h1>
        <p class="muted">
          {{ session().mode === 'standard' ? 'Standard dialing' : 'Power dialing by phone' }}
        </p>
      </div>
      <dl class="session-facts">
        <div>
          <dt>Session time</dt>
          <dd>
            <time class="timer" [attr.datetime]="'PT' + elapsedSeconds() + 'S'">{{ elapsed() }}</time>
          </dd>
        </div>
        <div>
          <dt>Caller ID</dt>
          <dd>{{ callerId() }}</dd>
        </div>
        @if (session().mode !== 'standard') {
          <div>
            <dt>Updates</dt>
            <dd>
              <span class="dot" [attr.data-connection]="connection()" aria-hidden="true"></span
              >{{ connectionLabel() }}
            </dd>
          </div>
        }
      </dl>
      <button type="button" (click)="endSession.emit()">End session</button>
    </div>
  `,
})
export class SessionBarComponent {
  readonly session = input.required<CallSessionInfo>();
  readonly connection = input.required<ConnectionStatus>();
  readonly endSession = output<void>();

  private readonly now = signal(Date.now());
  protected readonly elapsedSeconds = computed(() =>
    Math.max(0, Math.floor((this.now() - Date.parse(this.session().startedAt)) / 1000)),
  );
  protected readonly elapsed = computed(() => formatDuration(this.elapsedSeconds()));
  protected readonly callerId = computed(() => {
    const callerId = this.session().callerId;
    if (callerId) return formatPhone(callerId);
    return this.session().mode === 'standard' ? 'Your own phone' : 'Not set';
  });
  protected readonly connectionLabel = computed(() => CONNECTION_LABELS[this.connection()]);

  constructor() {
    const timer = setInterval(() => this.now.set(Date.now()), 1000);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }
}
