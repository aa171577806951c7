import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { StaffRequest } from '../staff-request';
import { RouterLink } from '@angular/router';
import { toApiError } from '../../api/api-error';
import { StaffApi, type CampaignUser, type InvitationResponse, type TeamJson } from '../../api/staff.api';
import { eventValue } from '../form-events';

/**
 * Staff: the campaign's people and teams (SPEC §4 "Access … named volunteers or teams"): invite
 * volunteers, build teams, and see which projects each team may call.
 */
@Component({
  selector: 'pb-staff-teams-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <section class="page wide-page">
      <h1 tabindex="-1">Teams and volunteers</h1>
      <div class="alert-slot" role="alert">
        @if (error(); as message) {
          <p class="alert error">{{ message }}</p>
        }
      </div>

      <form class="panel inline-form" novalidate (submit)="invite($event)" aria-labelledby="invite-heading">
        <h2 id="invite-heading">Invite a volunteer</h2>
        <div class="field">
          <label for="invite-email">Email</label>
          <input
            id="invite-email"
            type="email"
            [value]="inviteEmail()"
            (input)="inviteEmail.set(value($event))"
          />
        </div>
        <div class="field">
          <label for="invite-name">Name</label>
          <input id="invite-name" [value]="inviteName()" (input)="inviteName.set(value($event))" />
        </div>
        <div class="field">
          <label for="invite-role">Role</label>
          <select id="invite-role" [value]="inviteRole()" (change)="setRole(value($event))">
            <option value="volunteer">Volunteer</option>
            <option value="organizer">Organizer</option>
          </select>
        </div>
        <button type="submit" class="primary" [disabled]="busy()">Send invitation</button>
        @if (invited(); as inv) {
          <div role="status" class="alert">
            <p>
              Invitation for {{ inv.email }} created (valid until {{ when(inv.expiresAt) }}). If no mail
              server is configured, send them this link:
            </p>
            <p>
              <code class="invite-link">{{ inv.inviteUrl }}</code>
            </p>
          </div>
        }
      </form>

      <form
        class="panel inline-form"
        novalidate
        (submit)="createTeam($event)"
        aria-labelledby="new-team-heading"
      >
        <h2 id="new-team-heading">New team</h2>
        <div class="field">
          <label for="team-name">Team name</label>
          <input id="team-name" maxlength="100" [value]="teamName()" (input)="teamName.set(value($event))" />
        </div>
        <button type="submit" [disabled]="busy() || !teamName().trim()">Create team</button>
      </form>

      @for (t of teams(); track t.id) {
        <section class="panel" [attr.aria-labelledby]="'team-' + t.id">
          <h2 [id]="'team-' + t.id">Team {{ t.name }}</h2>
          <p class="muted small">
            @if (t.projects.length) {
              May call:
              @for (p of t.projects; track p.id; let last = $last) {
                <a [routerLink]="['/staff/projects', p.id]">{{ p.name }}</a>{{ last ? '' : ', ' }}
              }
            } @else {
              No projects granted to this team yet (grant them on a project's page).
            }
          </p>
          @if (t.members.length) {
            <ul class="grant-list" [attr.aria-label]="'Members of ' + t.name">
              @for (m of t.members; track m.id) {
                <li>
                  <span
                    >{{ m.name || m.email }}
                    <span class="muted small">{{ m.email }} · {{ m.role }}</span></span
                  >
                  <button type="button" class="link-button" (click)="removeMember(t, m.id)">
                    Remove<span class="visually-hidden"> {{ m.name || m.email }} from {{ t.name }}</span>
                  </button>
                </li>
              }
            </ul>
          } @else {
            <p class="muted">No members yet.</p>
          }
          <form class="inline-form" novalidate (submit)="addMember($event, t)">
            <div class="field">
              <label [for]="'add-' + t.id">Add to {{ t.name }}</label>
              <select [id]="'add-' + t.id" (change)="pick(t.id, value($event))">
                <option value="">Choose someone…</option>
                @for (u of notIn(t); track u.id) {
                  <option [value]="u.id" [selected]="picked()[t.id] === u.id">{{ label(u) }}</option>
                }
              </select>
            </div>
            <button type="submit" [disabled]="!picked()[t.id] || busy()">Add member</button>
          </form>
          <div class="button-row">
            <button type="button" class="danger" (click)="deleteTeam(t)" [disabled]="busy()">
              Delete team {{ t.name }}
            </button>
          </div>
        </section>
      } @empty {
        <p class="muted">No teams yet.</p>
      }

      <section class="panel" aria-labelledby="people-heading">
        <h2 id="people-heading">People</h2>
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Teams</th>
            </tr>
          </thead>
          <tbody>
            @for (u of users(); track u.id) {
              <tr>
                <td>
                  {{ u.name }}
                  @if (u.invited) {
                    <span class="tag">invited</span>
                  }
                </td>
                <td>{{ u.email }}</td>
                <td>{{ u.role }}</td>
                <td>{{ teamNames(u) }}</td>
              </tr>
            }
          </tbody>
        </table>
      </section>
    </section>
  `,
})
export class StaffTeamsPage {
  private readonly api = inject(StaffApi);
  protected readonly teams = signal<TeamJson[]>([]);
  protected readonly users = signal<CampaignUser[]>([]);
  protected readonly teamName = signal('');
  protected readonly picked = signal<Record<string, string>>({});
  protected readonly inviteEmail = signal('');
  protected readonly inviteName = signal('');
  protected readonly inviteRole = signal<'volunteer' | 'organizer'>('volunteer');
  protected readonly invited = signal<InvitationResponse | null>(null);
  private readonly request = new StaffRequest();
  protected readonly busy = this.request.busy;
  protected readonly error = this.request.error;
  protected readonly value = eventValue;
  private readonly volunteersFirst = computed(() =>
    [...this.users()].sort((a, b) => Number(a.role !== 'volunteer') - Number(b.role !== 'volunteer')),
  );

  constructor() {
    void this.load();
  }

  protected label(u: CampaignUser): string {
    const who = u.name && u.email ? `${u.name} (${u.email})` : u.name || u.email || u.id;
    return u.role === 'volunteer' ? who : `${who}, ${u.role}`;
  }

  protected teamNames(u: CampaignUser): string {
    return u.teams.map((t) => t.name).join(', ');
  }

  protected notIn(t: TeamJson): CampaignUser[] {
    const members = new Set(t.members.map((m) => m.id));
    return this.volunteersFirst().filter((u) => !members.has(u.id));
  }

  protected when(iso: string): string {
    return new Date(iso).toLocaleString();
  }

  protected setRole(role: string): void {
    this.inviteRole.set(role === 'organizer' ? 'organizer' : 'volunteer');
  }

  protected pick(teamId: string, userId: string): void {
    this.picked.update((p) => ({ ...p, [teamId]: userId }));
  }

  private async load(): Promise<void> {
    try {
      const [teams, users] = await Promise.all([this.api.teams(), this.api.users()]);
      this.teams.set(teams);
      this.users.set(users);
    } catch (caught) {
      this.error.set(toApiError(caught, 'load the teams').message);
    }
  }

  private act(action: () => Promise<unknown>, what: string): Promise<boolean> {
    return this.request.run(what, async () => {
      await action();
      await this.load();
    });
  }

  protected async invite(event: Event): Promise<void> {
    event.preventDefault();
    const email = this.inviteEmail().trim();
    if (!email) {
      this.error.set('Give the email address to invite.');
      return;
    }
    const name = this.inviteName().trim();
    const ok = await this.act(async () => {
      this.invited.set(await this.api.invite({ email, role: this.inviteRole(), ...(name ? { name } : {}) }));
    }, 'send the invitation');
    if (ok) {
      this.inviteEmail.set('');
      this.inviteName.set('');
    }
  }

  protected async createTeam(event: Event): Promise<void> {
    event.preventDefault();
    const name = this.teamName().trim();
    if (!name) return;
    if (await this.act(() => this.api.createTeam(name), 'create the team')) this.teamName.set('');
  }

  protected async addMember(event: Event, t: TeamJson): Promise<void> {
    event.preventDefault();
    const userId = this.picked()[t.id];
    if (!userId) return;
    if (await this.act(() => this.api.addMember(t.id, userId), 'add them to the team')) this.pick(t.id, '');
  }

  protected async removeMember(t: TeamJson, userId: string): Promise<void> {
    await this.act(() => this.api.removeMember(t.id, userId), 'remove them from the team');
  }

  protected async deleteTeam(t: TeamJson): Promise<void> {
    if (
      !confirm(
        `Delete team ${t.name}? Its members stay; projects granted to the team are no longer theirs through it.`,
      )
    )
      return;
    await this.act(() => this.api.deleteTeam(t.id), 'delete the team');
  }
}
