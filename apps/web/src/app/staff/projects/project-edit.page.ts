import { ChangeDetectionStrategy, Component, effect, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { toApiError } from '../../api/api-error';
import { StaffApi, type ProjectSettings } from '../../api/staff.api';
import { formatPhone } from '../../shared/format';
import { eventChecked, eventValue } from '../form-events';
import {
  COMMON_TIME_ZONES,
  WEEKDAYS,
  draftOf,
  exitReason,
  sum,
  toUpdate,
  type ProjectDraft,
} from '../staff-forms';
import { ProjectAccessComponent } from './project-access.component';
import { ScriptSurveyComponent } from './script-survey.component';

/**
 * Staff: one project (SPEC §4) — every setting, the caller ID and voicemail recording (set on
 * their own pages), who may call it, its script and survey, its queue.
 */
@Component({
  selector: 'pb-staff-project-edit-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, ScriptSurveyComponent, ProjectAccessComponent],
  template: `
    <section class="page wide-page">
      <p><a routerLink="/staff/projects">← All projects</a></p>
      @if (project(); as p) {
        <h1 tabindex="-1">
          {{ p.name }}
          @if (p.archived) {
            <span class="tag">archived</span>
          }
        </h1>

        <section class="panel" aria-labelledby="queue-heading">
          <h2 id="queue-heading">Queue</h2>
          <dl class="figures">
            <div>
              <dt>Voters</dt>
              <dd data-figure="targets">{{ p.queue.targets }}</dd>
            </div>
            <div>
              <dt>To call now</dt>
              <dd data-figure="queued">{{ p.queue.queued }}</dd>
            </div>
            <div>
              <dt>Waiting to requeue</dt>
              <dd>{{ p.queue.waiting }}</dd>
            </div>
            <div>
              <dt>On a call</dt>
              <dd>{{ p.queue.leased }}</dd>
            </div>
            <div>
              <dt>Done</dt>
              <dd>{{ done(p) }}</dd>
            </div>
          </dl>
          @if (doneReasons(p).length > 0) {
            <p class="muted small">
              @for (r of doneReasons(p); track r.reason) {
                <span>{{ r.label }}: {{ r.n }}. </span>
              }
            </p>
          }
          <a class="button" routerLink="/staff/voters/targeting" [queryParams]="{ projectId: p.id }"
            >Add voters</a
          >
        </section>

        <section class="panel" aria-labelledby="power-heading">
          <h2 id="power-heading">Power dialing</h2>
          <p>
            Caller ID:
            @if (p.callerId) {
              <strong>{{ phone(p.callerId) }}</strong>
              @if (p.callerIdVerified) {
                <span class="state open">verified</span>
              } @else {
                <span class="warning">not verified — power dialing stays off until it is</span>
              }
            } @else {
              <span class="muted">none set — power dialing stays off until one is verified</span>
            }
            · <a [routerLink]="['/staff/projects', p.id, 'caller-id']">Set and verify the caller ID</a>
          </p>
          <p>
            Voicemail recording:
            @if (p.voicemailRecording) {
              <strong>recorded</strong>
            } @else {
              <span class="muted">none yet</span>
            }
            · <a [routerLink]="['/staff/projects', p.id, 'voicemail']">Record, upload or listen</a>
          </p>
        </section>

        <form class="panel" novalidate (submit)="save($event)" aria-labelledby="settings-heading">
          <h2 id="settings-heading">Settings</h2>
          @if (draft(); as d) {
            <div class="field">
              <label for="project-name">Name</label>
              <input
                id="project-name"
                maxlength="200"
                [value]="d.name"
                (input)="edit({ name: value($event) })"
                [attr.aria-invalid]="problems()['name'] ? true : null"
              />
              @if (problems()['name']; as m) {
                <p class="field-error">{{ m }}</p>
              }
            </div>
            <div class="field">
              <label for="project-tz">Time zone of the calling hours</label>
              <input
                id="project-tz"
                list="project-time-zones"
                [value]="d.timeZone"
                (input)="edit({ timeZone: value($event) })"
                aria-describedby="project-tz-help"
              />
              <datalist id="project-time-zones">
                @for (zone of zones; track zone) {
                  <option [value]="zone"></option>
                }
              </datalist>
              <p id="project-tz-help" class="muted small">
                Volunteers can open the project only inside these hours. Voters are never called outside
                08:00–21:00 in their own time (and their state's stricter rules), whatever the window says.
              </p>
              @if (problems()['timeZone']; as m) {
                <p class="field-error">{{ m }}</p>
              }
            </div>
            <div class="field-row">
              <div class="field">
                <label for="project-start">Calling starts</label>
                <input
                  id="project-start"
                  type="time"
                  [value]="d.start"
                  (input)="edit({ start: value($event) })"
                />
                @if (problems()['start']; as m) {
                  <p class="field-error">{{ m }}</p>
                }
              </div>
              <div class="field">
                <label for="project-end">Calling ends</label>
                <input id="project-end" type="time" [value]="d.end" (input)="edit({ end: value($event) })" />
                @if (problems()['end']; as m) {
                  <p class="field-error">{{ m }}</p>
                }
              </div>
            </div>
            <fieldset class="field">
              <legend>Calling days</legend>
              <div class="weekday-row">
                @for (w of weekdays; track w.day) {
                  <label class="choice">
                    <input
                      type="checkbox"
                      [checked]="d.weekdays.includes(w.day)"
                      (change)="toggleDay(w.day, checked($event))"
                    />
                    {{ w.long }}
                  </label>
                }
              </div>
              @if (problems()['weekdays']; as m) {
                <p class="field-error">{{ m }}</p>
              }
            </fieldset>
            <div class="field-row">
              <div class="field">
                <label for="project-attempts">Attempt limit</label>
                <input
                  id="project-attempts"
                  type="number"
                  min="1"
                  max="20"
                  [placeholder]="'campaign default: ' + p.campaignDefaults.attemptLimit"
                  [value]="d.attemptLimit"
                  (input)="edit({ attemptLimit: value($event) })"
                />
                @if (problems()['attemptLimit']; as m) {
                  <p class="field-error">{{ m }}</p>
                }
              </div>
              <div class="field">
                <label for="project-requeue">Requeue delay (minutes)</label>
                <input
                  id="project-requeue"
                  type="number"
                  min="0"
                  max="10080"
                  [placeholder]="'campaign default: ' + p.campaignDefaults.requeueDelayMinutes"
                  [value]="d.requeueDelayMinutes"
                  (input)="edit({ requeueDelayMinutes: value($event) })"
                />
                @if (problems()['requeueDelayMinutes']; as m) {
                  <p class="field-error">{{ m }}</p>
                }
              </div>
            </div>
            <p class="muted small">
              Busy, no answer and failed calls come back after the requeue delay until the attempt limit.
              Leave blank for the campaign's defaults ({{ p.campaignDefaults.attemptLimit }} attempts,
              {{ p.campaignDefaults.requeueDelayMinutes }} minutes).
            </p>
            <label class="choice">
              <input
                type="checkbox"
                [checked]="d.birthdayMode"
                (change)="edit({ birthdayMode: checked($event) })"
              />
              Birthday project: each day, only voters whose birthday it is (in the project's time zone) are
              called
            </label>
            <label class="choice">
              <input
                type="checkbox"
                [checked]="d.allowVoicemailToCells"
                (change)="edit({ allowVoicemailToCells: checked($event) })"
              />
              Leave the recorded voicemail on cell phones too (only with the voters' consent)
            </label>
          }
          <div class="alert-slot" role="alert">
            @if (error(); as message) {
              <p class="alert error">{{ message }}</p>
            }
          </div>
          <div role="status" class="notice">
            @if (saved()) {
              <p class="alert">Settings saved.</p>
            }
          </div>
          <button type="submit" class="primary" [disabled]="busy()">Save settings</button>
        </form>

        <pb-script-survey [project]="p" (changed)="refresh()" />

        <pb-project-access [projectId]="p.id" />

        <section class="panel" aria-labelledby="archive-heading">
          <h2 id="archive-heading">{{ p.archived ? 'Archived' : 'Archive' }}</h2>
          @if (p.archived) {
            <p>Volunteers no longer see this project. Bring it back to let them call it again.</p>
            <button type="button" (click)="archive(false)" [disabled]="busy()">Restore project</button>
          } @else {
            <p>Archiving hides the project from volunteers; its voters, calls and results are kept.</p>
            <button type="button" class="danger" (click)="archive(true)" [disabled]="busy()">
              Archive project
            </button>
          }
        </section>
      } @else if (loadError(); as message) {
        <h1 tabindex="-1">Project</h1>
        <div role="alert" class="alert error">
          <p>{{ message }}</p>
          <button type="button" (click)="refresh()">Try again</button>
        </div>
      } @else {
        <p role="status">Loading the project…</p>
      }
    </section>
  `,
})
export class StaffProjectEditPage {
  private readonly api = inject(StaffApi);
  /** From the route (:projectId). */
  readonly projectId = input.required<string>();

  protected readonly project = signal<ProjectSettings | null>(null);
  protected readonly draft = signal<ProjectDraft | null>(null);
  protected readonly problems = signal<Record<string, string>>({});
  protected readonly loadError = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly saved = signal(false);
  protected readonly busy = signal(false);
  protected readonly zones = COMMON_TIME_ZONES;
  protected readonly weekdays = WEEKDAYS;
  protected readonly value = eventValue;
  protected readonly checked = eventChecked;
  protected readonly phone = formatPhone;

  constructor() {
    effect(() => {
      this.projectId();
      void this.refresh(true);
    });
  }

  protected done(p: ProjectSettings): number {
    return sum(p.queue.done);
  }

  protected doneReasons(p: ProjectSettings): { reason: string; label: string; n: number }[] {
    return Object.entries(p.queue.done).map(([reason, n]) => ({ reason, label: exitReason(reason), n }));
  }

  /** Reload the project; the settings draft is replaced only on first load or when asked. */
  protected async refresh(resetDraft = false): Promise<void> {
    try {
      const p = await this.api.project(this.projectId());
      this.project.set(p);
      if (resetDraft || !this.draft()) this.draft.set(draftOf(p));
      this.loadError.set(null);
    } catch (caught) {
      this.loadError.set(toApiError(caught, 'load the project').message);
    }
  }

  protected edit(patch: Partial<ProjectDraft>): void {
    this.draft.update((d) => (d ? { ...d, ...patch } : d));
    this.saved.set(false);
    this.problems.update((all) => {
      const next = { ...all };
      for (const key of Object.keys(patch)) delete next[key];
      return next;
    });
  }

  protected toggleDay(day: number, on: boolean): void {
    const days = new Set(this.draft()?.weekdays ?? []);
    if (on) days.add(day);
    else days.delete(day);
    this.edit({ weekdays: [...days].sort((a, b) => a - b) });
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    const d = this.draft();
    if (!d) return;
    const built = toUpdate(d);
    if ('problems' in built) {
      this.problems.set(built.problems);
      this.error.set('Some settings need fixing (see above).');
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.api.updateProject(this.projectId(), built.update);
      this.saved.set(true);
      await this.refresh(true);
    } catch (caught) {
      this.error.set(toApiError(caught, 'save the settings').message);
    } finally {
      this.busy.set(false);
    }
  }

  protected async archive(archived: boolean): Promise<void> {
    this.busy.set(true);
    try {
      await this.api.updateProject(this.projectId(), { archived });
      await this.refresh();
    } catch (caught) {
      this.error.set(toApiError(caught, archived ? 'archive the project' : 'restore the project').message);
    } finally {
      this.busy.set(false);
    }
  }
}
