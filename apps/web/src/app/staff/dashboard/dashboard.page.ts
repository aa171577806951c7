import { ChangeDetectionStrategy, Component, computed, inject, type OnInit } from '@angular/core';
import { formatPhone } from '../dnc/dnc.api';
import { DashboardSocket } from './dashboard.socket';

const OUTCOMES: { code: keyof OutcomeCounts; label: string }[] = [
  { code: 'successful', label: 'Successful' },
  { code: 'voicemail', label: 'Voicemail left' },
  { code: 'refused', label: 'Refused' },
  { code: 'busy', label: 'Busy' },
  { code: 'no_answer', label: 'No answer' },
  { code: 'failed', label: 'Failed' },
  { code: 'wrong_number', label: 'Wrong number' },
  { code: 'do_not_call', label: 'Do not call' },
];
type OutcomeCounts = NonNullable<ReturnType<DashboardSocket['snapshot']>>['outcomesToday'];

const MODES: Record<string, string> = {
  standard: 'dials by hand',
  phone: 'power · phone',
  voip: 'power · browser',
};
const STATES: Record<string, string> = {
  'on-call': 'on a call',
  'between-calls': 'between calls',
  'awaiting-leg': 'waiting to dial in',
  idle: 'ready',
  claiming: 'getting a number',
  dialing: 'dialing',
  ringing: 'ringing',
  connected: 'talking',
  'voicemail-dropping': 'leaving voicemail',
  'wrap-up': 'recording the outcome',
  paused: 'paused',
};
const STAGES: Record<string, string> = {
  'on-screen': 'number on screen',
  dialing: 'dialing',
  ringing: 'ringing',
  answered: 'answered',
  voicemail: 'voicemail playing',
};

/**
 * Staff: what is happening now (issue 6) — volunteers online and their state, calls in
 * progress, what is left in each project's queue, today's outcomes. Pushed over Socket.IO on
 * every change; the page never polls.
 */
@Component({
  selector: 'pb-staff-dashboard-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [DashboardSocket],
  template: `
    <section class="page wide-page">
      <h1 tabindex="-1">Live</h1>
      <p class="muted small">
        <span class="dot" [attr.data-connection]="dot()" aria-hidden="true"></span>
        <span data-live-state>{{ connectionText() }}</span>
        @if (snap(); as s) {
          · today is {{ s.day }} ({{ s.timeZone }}) · updated {{ time(s.generatedAt) }}
        }
      </p>
      <div class="alert-slot" role="alert">
        @if (feed.problem(); as message) {
          <p class="alert error">{{ message }}</p>
        }
      </div>

      @if (snap(); as s) {
        <dl class="figures" aria-label="Now">
          <div>
            <dt>Volunteers online</dt>
            <dd data-figure="volunteers">{{ s.volunteers.length }}</dd>
          </div>
          <div>
            <dt>Calls in progress</dt>
            <dd data-figure="calls">{{ s.calls.length }}</dd>
          </div>
          <div>
            <dt>Outcomes today</dt>
            <dd data-figure="outcomes">{{ outcomesTotal() }}</dd>
          </div>
        </dl>

        <section class="panel" aria-labelledby="live-volunteers">
          <h2 id="live-volunteers">Volunteers</h2>
          @if (s.volunteers.length === 0) {
            <p class="muted">Nobody is calling right now.</p>
          } @else {
            <div class="table-wrap">
              <table class="data-table" aria-label="Volunteers online">
                <thead>
                  <tr>
                    <th scope="col">Volunteer</th>
                    <th scope="col">Mode</th>
                    <th scope="col">Project</th>
                    <th scope="col">State</th>
                    <th scope="col">Since</th>
                  </tr>
                </thead>
                <tbody>
                  @for (v of s.volunteers; track v.userId + (v.sessionId ?? '')) {
                    <tr>
                      <td>{{ v.name }}</td>
                      <td>{{ mode(v.mode) }}</td>
                      <td>{{ v.project.name }}</td>
                      <td>{{ state(v.state) }}</td>
                      <td>{{ time(v.since) }}</td>
                    </tr>
                  }
                </tbody>
              </table>
            </div>
            <p class="muted small">
              Volunteers dialing by hand count as online for {{ s.standardOnlineMinutes }} minutes after their
              last call.
            </p>
          }
        </section>

        <section class="panel" aria-labelledby="live-calls">
          <h2 id="live-calls">Calls in progress</h2>
          @if (s.calls.length === 0) {
            <p class="muted">No call in progress.</p>
          } @else {
            <div class="table-wrap">
              <table class="data-table" aria-label="Calls in progress">
                <thead>
                  <tr>
                    <th scope="col">Number</th>
                    <th scope="col">Volunteer</th>
                    <th scope="col">Project</th>
                    <th scope="col">Stage</th>
                    <th scope="col">Since</th>
                  </tr>
                </thead>
                <tbody>
                  @for (c of s.calls; track c.attemptId) {
                    <tr>
                      <td>{{ phone(c.phone) }}</td>
                      <td>{{ c.volunteer?.name ?? '—' }}</td>
                      <td>{{ c.project.name }}</td>
                      <td>{{ stage(c.stage) }}</td>
                      <td>{{ time(c.since) }}</td>
                    </tr>
                  }
                </tbody>
              </table>
            </div>
          }
        </section>

        <section class="panel" aria-labelledby="live-queues">
          <h2 id="live-queues">Queues</h2>
          @if (s.queues.length === 0) {
            <p class="muted">No active project.</p>
          } @else {
            <div class="table-wrap">
              <table class="data-table" aria-label="Queue remaining per project">
                <thead>
                  <tr>
                    <th scope="col">Project</th>
                    <th scope="col" class="num">Remaining</th>
                    <th scope="col" class="num">Ready now</th>
                    <th scope="col" class="num">Waiting to retry</th>
                    <th scope="col" class="num">On a call</th>
                    <th scope="col" class="num">Outcomes today</th>
                  </tr>
                </thead>
                <tbody>
                  @for (q of s.queues; track q.projectId) {
                    <tr>
                      <td>{{ q.name }}</td>
                      <td class="num">{{ q.remaining }}</td>
                      <td class="num">{{ q.readyNow }}</td>
                      <td class="num">{{ q.waiting }}</td>
                      <td class="num">{{ q.inProgress }}</td>
                      <td class="num">{{ q.outcomesToday }}</td>
                    </tr>
                  }
                </tbody>
              </table>
            </div>
          }
        </section>

        <section class="panel" aria-labelledby="live-outcomes">
          <h2 id="live-outcomes">Today's outcomes</h2>
          <table class="data-table" aria-label="Today's outcomes">
            <tbody>
              @for (o of outcomes; track o.code) {
                <tr>
                  <th scope="row">{{ o.label }}</th>
                  <td class="num" [attr.data-outcome]="o.code">{{ s.outcomesToday[o.code] }}</td>
                </tr>
              }
            </tbody>
          </table>
        </section>
      } @else if (feed.connection() !== 'refused') {
        <p class="muted">Connecting…</p>
      }
    </section>
  `,
})
export class StaffDashboardPage implements OnInit {
  protected readonly feed = inject(DashboardSocket);
  protected readonly snap = this.feed.snapshot;
  protected readonly outcomes = OUTCOMES;
  protected readonly phone = formatPhone;
  protected readonly outcomesTotal = computed(() =>
    Object.values(this.snap()?.outcomesToday ?? {}).reduce((a, b) => a + b, 0),
  );
  protected readonly dot = computed(() =>
    this.feed.connection() === 'live'
      ? 'connected'
      : this.feed.connection() === 'refused'
        ? 'offline'
        : 'reconnecting',
  );
  protected readonly connectionText = computed(
    () =>
      ({ connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', refused: 'Not connected' })[
        this.feed.connection()
      ],
  );

  ngOnInit(): void {
    this.feed.connect(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  }

  protected mode(m: string): string {
    return MODES[m] ?? m;
  }
  protected state(s: string): string {
    return STATES[s] ?? s;
  }
  protected stage(s: string): string {
    return STAGES[s] ?? s;
  }
  protected time(iso: string): string {
    return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  }
}
