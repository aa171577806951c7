import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import { toApiError } from '../../api/api-error';
import { eventValue } from '../staff-format';
import { BarChartComponent, type Bar } from './bar-chart.component';
import {
  ReportsApi,
  type CsvKind,
  type ProjectReportJson,
  type ReportOutcome,
  type ReportProjectOption,
} from './reports.api';

type Load =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'loaded'; report: ProjectReportJson }
  | { kind: 'failed'; message: string };

const OUTCOME_LABELS: Record<ReportOutcome, string> = {
  successful: 'Successful',
  voicemail: 'Voicemail',
  refused: 'Refused',
  busy: 'Busy',
  no_answer: 'No answer',
  failed: 'Failed / bad number',
  wrong_number: 'Wrong number',
  do_not_call: 'Do not call',
};

/** Today in the browser's zone as YYYY-MM-DD, and `days` before it. */
function localDay(offsetDays = 0): string {
  const d = new Date();
  d.setDate(d.getDate() + offsetDays);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** 5_400_000 → "1 h 30 min"; under a minute → "0 min". */
export function formatHoursMinutes(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`;
}

const percent = (value: number | null): string => (value === null ? '—' : `${value.toFixed(1)} %`);
const rate = (value: number | null): string => (value === null ? '—' : value.toFixed(1));

/**
 * Staff: a project's report over chosen days (SPEC §6, issue 6): calls, contacts and the outcome
 * mix, volunteer hours and calls per hour, survey answers, cost, calls by hour of the day, each
 * volunteer, and the CSV exports. Charts are inline SVG with the same numbers in tables.
 */
@Component({
  selector: 'pb-staff-reports-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [BarChartComponent],
  template: `
    <section class="page wide-page reports-page">
      <h1 tabindex="-1">Reports</h1>

      <form
        class="panel inline-form"
        novalidate
        (submit)="show($event)"
        aria-labelledby="report-form-heading"
      >
        <h2 id="report-form-heading">Project and days</h2>
        <div class="field">
          <label for="report-project">Project</label>
          <select id="report-project" [value]="projectId()" (change)="projectId.set(value($event))">
            @for (p of projects(); track p.id) {
              <option [value]="p.id" [selected]="p.id === projectId()">
                {{ p.name }}{{ p.archived ? ' (archived)' : '' }}
              </option>
            }
          </select>
        </div>
        <div class="field">
          <label for="report-from">From</label>
          <input id="report-from" type="date" [value]="from()" (change)="from.set(value($event))" required />
        </div>
        <div class="field">
          <label for="report-to">To (included)</label>
          <input id="report-to" type="date" [value]="to()" (change)="to.set(value($event))" required />
        </div>
        <button type="submit" class="primary" [disabled]="!projectId() || load().kind === 'loading'">
          Show report
        </button>
        <div class="alert-slot" role="alert">
          @if (formError(); as message) {
            <p class="alert error">{{ message }}</p>
          }
        </div>
      </form>

      @switch (load().kind) {
        @case ('idle') {
          @if (projectsLoaded() && projects().length === 0) {
            <p>The campaign has no projects yet: create one on the Projects page.</p>
          }
        }
        @case ('loading') {
          <p role="status">Loading the report…</p>
        }
        @case ('failed') {
          <div role="alert" class="alert error">
            <p>{{ failure() }}</p>
          </div>
        }
        @case ('loaded') {
          @if (report(); as r) {
            <div class="panel">
              <h2>{{ r.project.name }}</h2>
              <p class="muted">
                {{ r.range.from }} to {{ r.range.to }} ({{ r.range.days }}
                {{ r.range.days === 1 ? 'day' : 'days' }}), in the project's time zone,
                {{ r.range.timeZone }}.
              </p>
              <div class="exports">
                <a class="button" [href]="csv('results')" download>Download results (CSV)</a>
                <a class="button" [href]="csv('survey')" download>Download survey answers (CSV)</a>
              </div>
              <dl class="figures" aria-label="Calls">
                <div>
                  <dt>Numbers dialed</dt>
                  <dd data-figure="numbers-dialed">{{ r.calls.numbersDialed }}</dd>
                </div>
                <div>
                  <dt>Attempts</dt>
                  <dd data-figure="attempts">{{ r.calls.attempts }}</dd>
                </div>
                <div>
                  <dt>Contacts</dt>
                  <dd data-figure="contacts">{{ r.calls.contacts }}</dd>
                </div>
                <div>
                  <dt>Contact rate</dt>
                  <dd data-figure="contact-rate">{{ percent(r.calls.contactRate) }}</dd>
                </div>
                <div>
                  <dt>Volunteer hours</dt>
                  <dd data-figure="volunteer-hours">{{ hours(r.calls.volunteerMs) }}</dd>
                </div>
                <div>
                  <dt>Calls per volunteer-hour</dt>
                  <dd data-figure="calls-per-hour">{{ rate(r.calls.callsPerVolunteerHour) }}</dd>
                </div>
              </dl>
              <p class="muted small">
                Connected (someone or something answered): {{ r.calls.connected }} ({{
                  percent(r.calls.connectRate)
                }}). Claims given back without an outcome: {{ r.unfinishedClaims }}.
              </p>
            </div>

            <div class="panel">
              <h2 id="outcome-mix-heading">Outcome mix</h2>
              <div class="chart-and-table">
                <pb-bar-chart
                  title="Outcome mix"
                  [description]="outcomeDescription()"
                  [bars]="outcomeBars()"
                />
                <div class="table-wrap">
                  <table class="data-table" aria-labelledby="outcome-mix-heading">
                    <thead>
                      <tr>
                        <th scope="col">Outcome</th>
                        <th scope="col" class="num">Calls</th>
                        <th scope="col" class="num">Share</th>
                      </tr>
                    </thead>
                    <tbody>
                      @for (o of r.calls.outcomes; track o.outcome) {
                        <tr>
                          <th scope="row">{{ outcomeLabel(o.outcome) }}</th>
                          <td class="num">{{ o.count }}</td>
                          <td class="num">{{ percent(o.percent) }}</td>
                        </tr>
                      }
                    </tbody>
                  </table>
                </div>
              </div>
            </div>

            <div class="panel">
              <h2 id="hours-heading">Calls by hour of the day</h2>
              <pb-bar-chart
                title="Calls by hour of the day"
                [description]="hourDescription()"
                [bars]="hourBars()"
                orientation="vertical"
                [labelEvery]="3"
              />
              <details>
                <summary>The numbers by hour</summary>
                <div class="table-wrap">
                  <table class="data-table" aria-labelledby="hours-heading">
                    <thead>
                      <tr>
                        <th scope="col">Hour ({{ r.range.timeZone }})</th>
                        <th scope="col" class="num">Calls</th>
                        <th scope="col" class="num">Contacts</th>
                      </tr>
                    </thead>
                    <tbody>
                      @for (h of r.byHourOfDay; track h.hour) {
                        <tr>
                          <th scope="row">{{ hourLabel(h.hour) }}</th>
                          <td class="num">{{ h.attempts }}</td>
                          <td class="num">{{ h.contacts }}</td>
                        </tr>
                      }
                    </tbody>
                  </table>
                </div>
              </details>
            </div>

            <div class="panel">
              <h2>Cost</h2>
              <p class="muted small">
                Power dialing is charged per minute a volunteer's phone line is connected, at
                {{ r.cost.rateCentsPerMinute }} cents a minute; standard dialing costs nothing.
              </p>
              <div class="table-wrap">
                <table class="data-table" aria-label="Cost">
                  <thead>
                    <tr>
                      <th scope="col">For</th>
                      <th scope="col" class="num">Cost</th>
                      <th scope="col" class="num">Power-dialing time</th>
                      <th scope="col" class="num">Per hour</th>
                      <th scope="col" class="num">Numbers dialed</th>
                      <th scope="col" class="num">Per 100 numbers</th>
                    </tr>
                  </thead>
                  <tbody>
                    @for (row of costRows(); track row.label) {
                      <tr>
                        <th scope="row">{{ row.label }}</th>
                        <td class="num" [attr.data-figure]="row.key + '-cost'">{{ row.money.charged }}</td>
                        <td class="num">{{ hours(row.money.connectedMs) }}</td>
                        <td class="num">{{ row.money.perHour ?? '—' }}</td>
                        <td class="num">{{ row.money.phonesCalled }}</td>
                        <td class="num">{{ row.money.per100Phones ?? '—' }}</td>
                      </tr>
                    }
                  </tbody>
                </table>
              </div>
            </div>

            <div class="panel">
              <h2>Survey</h2>
              @for (q of r.survey; track q.questionId) {
                <div class="table-wrap">
                  <table class="data-table survey-table" [attr.aria-label]="'Survey: ' + q.text">
                    <caption>
                      {{
                        q.text
                      }}
                      <span class="muted"
                        >({{ q.answered }} {{ q.answered === 1 ? 'answer' : 'answers' }})</span
                      >
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">Answer</th>
                        <th scope="col" class="num">Voters</th>
                        <th scope="col" class="num">Share</th>
                      </tr>
                    </thead>
                    <tbody>
                      @for (a of q.answers; track a.tag) {
                        <tr>
                          <th scope="row">{{ a.label }}</th>
                          <td class="num">{{ a.count }}</td>
                          <td class="num">{{ percent(a.percent) }}</td>
                        </tr>
                      }
                    </tbody>
                  </table>
                </div>
              } @empty {
                <p class="muted">This project has no survey questions.</p>
              }
            </div>

            <div class="panel">
              <h2 id="volunteers-heading">Volunteers</h2>
              @if (r.volunteers.length === 0) {
                <p class="muted">Nobody called in these days.</p>
              } @else {
                <div class="table-wrap">
                  <table class="data-table" aria-labelledby="volunteers-heading">
                    <thead>
                      <tr>
                        <th scope="col">Volunteer</th>
                        <th scope="col" class="num">Attempts</th>
                        <th scope="col" class="num">Contacts</th>
                        <th scope="col" class="num">Contact rate</th>
                        <th scope="col" class="num">Hours</th>
                        <th scope="col" class="num">Calls per hour</th>
                        <th scope="col">Outcomes</th>
                      </tr>
                    </thead>
                    <tbody>
                      @for (v of r.volunteers; track v.userId) {
                        <tr>
                          <th scope="row">{{ v.name }}</th>
                          <td class="num">{{ v.attempts }}</td>
                          <td class="num">{{ v.contacts }}</td>
                          <td class="num">{{ percent(v.contactRate) }}</td>
                          <td class="num">{{ hours(v.volunteerMs) }}</td>
                          <td class="num">{{ rate(v.callsPerVolunteerHour) }}</td>
                          <td>{{ outcomeSummary(v.outcomes) }}</td>
                        </tr>
                      }
                    </tbody>
                  </table>
                </div>
              }
            </div>

            <details class="panel definitions">
              <summary>How these figures are counted</summary>
              <dl>
                <dt>Attempt</dt>
                <dd>
                  A phone handed to a volunteer in these days (by the time it was handed out, in the project's
                  time zone) that got an outcome. A phone given back without an outcome is not an attempt.
                </dd>
                <dt>Numbers dialed</dt>
                <dd>Different phone numbers with at least one attempt.</dd>
                <dt>Contact, contact rate</dt>
                <dd>
                  A contact is an attempt where a person answered: successful, refused, wrong number or do not
                  call. Voicemail is connected but is not a contact. Contact rate = contacts ÷ attempts.
                </dd>
                <dt>Volunteer hours</dt>
                <dd>
                  Power dialing: the time each volunteer's phone line (dial-in or browser) was connected.
                  Standard dialing: each session from its first number to its last outcome. A volunteer's
                  overlapping sessions count once. Calls per volunteer-hour = attempts ÷ volunteer hours.
                </dd>
                <dt>Cost</dt>
                <dd>
                  The power-dialing usage in the campaign's credit ledger for these days. Per hour: over the
                  power-dialing time; per 100 numbers: over the numbers dialed (both modes). Rounded to the
                  cent.
                </dd>
                <dt>Hour of the day</dt>
                <dd>The local hour (project time zone) at which the phone was handed out.</dd>
              </dl>
            </details>
          }
        }
      }
    </section>
  `,
  styles: `
    .exports {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      margin: 0 0 1rem;
    }
    .chart-and-table {
      display: grid;
      gap: 1rem;
    }
    .reports-page .num {
      white-space: nowrap;
    }
    .survey-table caption {
      text-align: left;
      font-weight: 600;
      padding: 0.5rem 0;
    }
    .definitions dt {
      font-weight: 600;
      margin-top: 0.5rem;
    }
    .definitions dd {
      margin: 0;
    }
    .reports-page .panel {
      margin-bottom: 1rem;
    }
  `,
})
export class StaffReportsPage {
  private readonly api = inject(ReportsApi);
  private readonly router = inject(Router);

  protected readonly projects = signal<ReportProjectOption[]>([]);
  protected readonly projectsLoaded = signal(false);
  protected readonly projectId = signal('');
  protected readonly from = signal(localDay(-6));
  protected readonly to = signal(localDay());
  protected readonly load = signal<Load>({ kind: 'idle' });
  protected readonly formError = signal<string | null>(null);
  /** The range of the report on screen (the exports follow it, not the unsubmitted form). */
  private readonly shown = signal<{ projectId: string; from: string; to: string } | null>(null);

  protected readonly report = computed(() => {
    const load = this.load();
    return load.kind === 'loaded' ? load.report : null;
  });

  protected readonly failure = computed(() => {
    const load = this.load();
    return load.kind === 'failed' ? load.message : '';
  });

  protected readonly outcomeBars = computed<Bar[]>(
    () =>
      this.report()?.calls.outcomes.map((o) => ({
        label: OUTCOME_LABELS[o.outcome],
        value: o.count,
        note: o.percent === null ? undefined : `(${o.percent.toFixed(1)} %)`,
      })) ?? [],
  );
  protected readonly outcomeDescription = computed(() => {
    const r = this.report();
    if (!r) return '';
    return `${r.calls.attempts} attempts: ${r.calls.outcomes
      .map((o) => `${OUTCOME_LABELS[o.outcome]} ${o.count}`)
      .join(', ')}.`;
  });
  protected readonly hourBars = computed<Bar[]>(
    () =>
      this.report()?.byHourOfDay.map((h) => ({
        label: String(h.hour).padStart(2, '0'),
        value: h.attempts,
      })) ?? [],
  );
  protected readonly hourDescription = computed(() => {
    const busy = this.report()?.byHourOfDay.filter((h) => h.attempts > 0) ?? [];
    return busy.length === 0
      ? 'No calls in these days.'
      : `Calls by local hour: ${busy.map((h) => `${this.hourLabel(h.hour)} ${h.attempts}`).join(', ')}; no calls in the other hours.`;
  });
  protected readonly costRows = computed(() => {
    const r = this.report();
    if (!r) return [];
    return [
      { key: 'project', label: 'This project', money: r.cost.project },
      { key: 'campaign', label: 'Whole campaign', money: r.cost.campaign },
    ];
  });

  protected readonly percent = percent;
  protected readonly rate = rate;
  protected readonly hours = formatHoursMinutes;
  protected readonly value = eventValue;

  constructor() {
    void this.start();
  }

  protected outcomeLabel(outcome: ReportOutcome): string {
    return OUTCOME_LABELS[outcome];
  }

  protected outcomeSummary(outcomes: { outcome: ReportOutcome; count: number }[]): string {
    const seen = outcomes.filter((o) => o.count > 0);
    return seen.length === 0 ? '—' : seen.map((o) => `${OUTCOME_LABELS[o.outcome]} ${o.count}`).join(' · ');
  }

  protected hourLabel(hour: number): string {
    return `${String(hour).padStart(2, '0')}:00–${String(hour).padStart(2, '0')}:59`;
  }

  protected csv(kind: CsvKind): string {
    const shown = this.shown();
    return shown ? this.api.csvUrl(shown.projectId, kind, shown.from, shown.to) : '';
  }

  protected async show(event?: Event): Promise<void> {
    event?.preventDefault();
    const projectId = this.projectId();
    const from = this.from();
    const to = this.to();
    if (!from || !to) {
      this.formError.set('Choose the first and the last day.');
      return;
    }
    if (to < from) {
      this.formError.set('The last day is before the first day: swap them.');
      return;
    }
    this.formError.set(null);
    this.load.set({ kind: 'loading' });
    try {
      const report = await this.api.project(projectId, from, to);
      this.shown.set({ projectId, from, to });
      this.load.set({ kind: 'loaded', report });
    } catch (caught) {
      await this.fail(caught, 'load the report');
    }
  }

  private async start(): Promise<void> {
    try {
      const projects = await this.api.projects();
      this.projects.set(projects);
      this.projectsLoaded.set(true);
      if (projects[0]) {
        this.projectId.set(projects[0].id);
        await this.show();
      }
    } catch (caught) {
      await this.fail(caught, 'load the projects');
    }
  }

  private async fail(caught: unknown, action: string): Promise<void> {
    const error = toApiError(caught, action);
    if (error.status === 401) {
      await this.router.navigate(['/login'], { queryParams: { returnUrl: '/staff/reports' } });
      return;
    }
    this.load.set({ kind: 'failed', message: error.message });
  }
}
