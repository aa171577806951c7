import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { toApiError } from '../../api/api-error';
import { StaffApi, type CampaignUser, type ProjectGrants, type TeamJson } from '../../api/staff.api';
import { eventValue } from '../form-events';

/** SPEC §4 "Access": the volunteers and teams who may call the project; grant and revoke. */
@Component({
  selector: 'pb-project-access',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <section class="panel" aria-labelledby="access-heading">
      <h2 id="access-heading">Who may call</h2>
      @if (grants(); as g) {
        @if (g.users.length === 0 && g.teams.length === 0) {
          <p class="muted">Nobody yet: only staff see this project. Grant it to volunteers or teams below.</p>
        } @else {
          <ul class="grant-list" aria-label="Granted to">
            @for (u of g.users; track u.id) {
              <li>
                <span
                  >{{ u.name || u.email }} <span class="muted small">{{ u.email }} · {{ u.role }}</span></span
                >
                <button type="button" class="link-button" (click)="revoke({ userId: u.id })">
                  Revoke<span class="visually-hidden"> {{ u.name || u.email }}</span>
                </button>
              </li>
            }
            @for (t of g.teams; track t.id) {
              <li>
                <span
                  >Team {{ t.name }} <span class="muted small">{{ t.members }} members</span></span
                >
                <button type="button" class="link-button" (click)="revoke({ teamId: t.id })">
                  Revoke<span class="visually-hidden"> team {{ t.name }}</span>
                </button>
              </li>
            }
          </ul>
        }
        <div class="grant-forms">
          <form novalidate (submit)="grantUser($event)" class="inline-form">
            <div class="field">
              <label for="grant-user">Volunteer</label>
              <select id="grant-user" [value]="userId()" (change)="userId.set(value($event))">
                <option value="">Choose a volunteer…</option>
                @for (u of grantableUsers(); track u.id) {
                  <option [value]="u.id">{{ label(u) }}</option>
                }
              </select>
            </div>
            <button type="submit" [disabled]="!userId() || busy()">Grant to volunteer</button>
          </form>
          <form novalidate (submit)="grantTeam($event)" class="inline-form">
            <div class="field">
              <label for="grant-team">Team</label>
              <select id="grant-team" [value]="teamId()" (change)="teamId.set(value($event))">
                <option value="">Choose a team…</option>
                @for (t of grantableTeams(); track t.id) {
                  <option [value]="t.id">{{ t.name }} ({{ t.members.length }})</option>
                }
              </select>
            </div>
            <button type="submit" [disabled]="!teamId() || busy()">Grant to team</button>
          </form>
        </div>
        <p class="muted small">
          Someone missing? Invite them or build teams on the <a routerLink="/staff/teams">Teams</a> page.
        </p>
      } @else if (!error()) {
        <p role="status">Loading who may call…</p>
      }
      <div class="alert-slot" role="alert">
        @if (error(); as message) {
          <p class="alert error">{{ message }}</p>
        }
      </div>
    </section>
  `,
})
export class ProjectAccessComponent {
  private readonly api = inject(StaffApi);
  readonly projectId = input.required<string>();

  protected readonly grants = signal<ProjectGrants | null>(null);
  private readonly users = signal<CampaignUser[]>([]);
  private readonly teams = signal<TeamJson[]>([]);
  protected readonly userId = signal('');
  protected readonly teamId = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly value = eventValue;

  /** People not granted yet (volunteers first; staff see every project anyway). */
  protected readonly grantableUsers = computed(() => {
    const granted = new Set(this.grants()?.users.map((u) => u.id) ?? []);
    return this.users().filter((u) => u.role === 'volunteer' && !granted.has(u.id));
  });
  protected readonly grantableTeams = computed(() => {
    const granted = new Set(this.grants()?.teams.map((t) => t.id) ?? []);
    return this.teams().filter((t) => !granted.has(t.id));
  });

  constructor() {
    effect(() => void this.load(this.projectId()));
  }

  protected label(u: CampaignUser): string {
    const who = u.name && u.email ? `${u.name} (${u.email})` : u.name || u.email || u.id;
    return u.invited ? `${who}, invited` : who;
  }

  private async load(projectId: string): Promise<void> {
    try {
      const [grants, users, teams] = await Promise.all([
        this.api.grants(projectId),
        this.api.users(),
        this.api.teams(),
      ]);
      this.grants.set(grants);
      this.users.set(users);
      this.teams.set(teams);
      this.error.set(null);
    } catch (caught) {
      this.error.set(toApiError(caught, 'load who may call the project').message);
    }
  }

  private async change(action: () => Promise<void>, what: string): Promise<void> {
    this.busy.set(true);
    try {
      await action();
      this.grants.set(await this.api.grants(this.projectId()));
      this.error.set(null);
    } catch (caught) {
      this.error.set(toApiError(caught, what).message);
    } finally {
      this.busy.set(false);
    }
  }

  protected async grantUser(event: Event): Promise<void> {
    event.preventDefault();
    const id = this.userId();
    if (!id) return;
    await this.change(() => this.api.grant(this.projectId(), { userIds: [id] }), 'grant the project');
    this.userId.set('');
  }

  protected async grantTeam(event: Event): Promise<void> {
    event.preventDefault();
    const id = this.teamId();
    if (!id) return;
    await this.change(() => this.api.grant(this.projectId(), { teamIds: [id] }), 'grant the project');
    this.teamId.set('');
  }

  protected async revoke(who: { userId: string } | { teamId: string }): Promise<void> {
    await this.change(() => this.api.revoke(this.projectId(), who), 'revoke access');
  }
}
