import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { toApiError } from '../../api/api-error';
import { StaffApi, type StaffProjectSummary } from '../../api/staff.api';
import { formatPhone } from '../../shared/format';
import { eventChecked, eventValue } from '../form-events';
import { COMMON_TIME_ZONES, formatHours, sum } from '../staff-forms';

type Load =
  | { kind: 'loading' }
  | { kind: 'loaded'; projects: StaffProjectSummary[] }
  | { kind: 'failed'; message: string };

/** Staff: every project of the campaign with its queue figures, and a form to create one (SPEC §4). */
@Component({
  selector: 'pb-staff-projects-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <section class="page wide-page">
      <h1 tabindex="-1">Projects</h1>

      <form
        class="panel inline-form"
        novalidate
        (submit)="create($event)"
        aria-labelledby="new-project-heading"
      >
        <h2 id="new-project-heading">New project</h2>
        <div class="field">
          <label for="new-project-name">Name</label>
          <input
            id="new-project-name"
            [value]="name()"
            (input)="name.set(value($event)); error.set(null)"
            maxlength="200"
            required
            [attr.aria-invalid]="error() ? true : null"
          />
        </div>
        <div class="field">
          <label for="new-project-tz">Time zone of its calling hours</label>
          <input
            id="new-project-tz"
            list="staff-time-zones"
            [value]="timeZone()"
            (input)="timeZone.set(value($event))"
          />
          <datalist id="staff-time-zones">
            @for (zone of zones; track zone) {
              <option [value]="zone"></option>
            }
          </datalist>
        </div>
        <label class="choice">
          <input type="checkbox" [checked]="birthday()" (change)="birthday.set(checked($event))" />
          Birthday project (each day, only voters whose birthday it is are called)
        </label>
        @if (suggestBirthday()) {
          <p class="muted small">
            The name mentions a birthday: tick the box above to make it a birthday project.
          </p>
        }
        <div class="alert-slot" role="alert">
          @if (error(); as message) {
            <p class="alert error">{{ message }}</p>
          }
        </div>
        <button type="submit" class="primary" [disabled]="busy()">Create project</button>
      </form>

      @switch (load().kind) {
        @case ('loading') {
          <p role="status">Loading the projects…</p>
        }
        @case ('failed') {
          <div role="alert" class="alert error">
            <p>{{ failure() }}</p>
            <button type="button" (click)="reload()">Try again</button>
          </div>
        }
        @case ('loaded') {
          @if (projects().length === 0) {
            <p>No projects yet. Create one above, or from the Targeting page while choosing voters.</p>
          } @else {
            <div class="table-wrap">
              <table class="data-table" aria-label="Projects">
                <thead>
                  <tr>
                    <th scope="col">Project</th>
                    <th scope="col">Calling hours</th>
                    <th scope="col">Caller ID</th>
                    <th scope="col" class="num">Voters</th>
                    <th scope="col" class="num">To call</th>
                    <th scope="col" class="num">Waiting</th>
                    <th scope="col" class="num">On a call</th>
                    <th scope="col" class="num">Done</th>
                    <th scope="col" class="num">Granted to</th>
                  </tr>
                </thead>
                <tbody>
                  @for (p of projects(); track p.id) {
                    <tr [class.archived]="p.archived">
                      <th scope="row">
                        <a [routerLink]="['/staff/projects', p.id]">{{ p.name }}</a>
                        @if (p.archived) {
                          <span class="tag">archived</span>
                        }
                        @if (p.birthdayMode) {
                          <span class="tag">birthday</span>
                        }
                      </th>
                      <td>
                        {{ hours(p) }} <span class="muted small">{{ p.timeZone }}</span>
                      </td>
                      <td>
                        @if (p.callerId) {
                          {{ phone(p.callerId) }}
                          <span class="muted small">{{
                            p.callerIdVerified ? 'verified' : 'not verified'
                          }}</span>
                        } @else {
                          <span class="muted">none</span>
                        }
                      </td>
                      <td class="num">{{ p.queue.targets }}</td>
                      <td class="num">{{ p.queue.queued }}</td>
                      <td class="num">{{ p.queue.waiting }}</td>
                      <td class="num">{{ p.queue.leased }}</td>
                      <td class="num">{{ done(p) }}</td>
                      <td class="num">{{ p.grants }}</td>
                    </tr>
                  }
                </tbody>
              </table>
            </div>
          }
        }
      }
    </section>
  `,
})
export class StaffProjectsPage {
  private readonly api = inject(StaffApi);
  private readonly router = inject(Router);
  protected readonly load = signal<Load>({ kind: 'loading' });
  protected readonly name = signal('');
  protected readonly timeZone = signal('America/New_York');
  protected readonly birthday = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly zones = COMMON_TIME_ZONES;
  protected readonly suggestBirthday = computed(() => /birthday/i.test(this.name()) && !this.birthday());

  protected readonly value = eventValue;
  protected readonly checked = eventChecked;
  protected readonly hours = formatHours;
  protected readonly phone = formatPhone;

  constructor() {
    void this.reload();
  }

  protected projects(): StaffProjectSummary[] {
    const load = this.load();
    return load.kind === 'loaded' ? load.projects : [];
  }

  protected failure(): string {
    const load = this.load();
    return load.kind === 'failed' ? load.message : '';
  }

  protected done(p: StaffProjectSummary): number {
    return sum(p.queue.done);
  }

  protected async reload(): Promise<void> {
    this.load.set({ kind: 'loading' });
    try {
      this.load.set({ kind: 'loaded', projects: await this.api.projects() });
    } catch (caught) {
      this.load.set({ kind: 'failed', message: toApiError(caught, 'load the projects').message });
    }
  }

  protected async create(event: Event): Promise<void> {
    event.preventDefault();
    const name = this.name().trim();
    if (!name) {
      this.error.set('Give the project a name.');
      return;
    }
    this.busy.set(true);
    try {
      const created = await this.api.createProject({
        name,
        timeZone: this.timeZone().trim() || 'America/New_York',
        birthdayMode: this.birthday(),
      });
      await this.router.navigate(['/staff/projects', created.id]);
    } catch (caught) {
      this.error.set(toApiError(caught, 'create the project').message);
    } finally {
      this.busy.set(false);
    }
  }
}
