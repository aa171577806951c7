import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { ProjectsApi } from '../api/projects.api';
import { toApiError } from '../api/api-error';
import type { ProjectSummary } from '../api/api.types';
import { formatOpening, formatPhone } from '../shared/format';

type Load =
  { kind: 'loading' } | { kind: 'loaded'; projects: ProjectSummary[] } | { kind: 'failed'; message: string };

/** The projects granted to the volunteer; closed ones are greyed with their next opening time. */
@Component({
  selector: 'pb-projects-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <section class="page">
      <h1 tabindex="-1">My projects</h1>
      @switch (load().kind) {
        @case ('loading') {
          <p role="status">Loading your projects…</p>
        }
        @case ('failed') {
          <div role="alert" class="alert error">
            <p>{{ failure() }}</p>
            <button type="button" (click)="reload()">Try again</button>
          </div>
        }
        @case ('loaded') {
          @if (projects().length === 0) {
            <p>No projects have been shared with you yet. Ask your campaign's staff to add you to one.</p>
          } @else {
            <ul class="project-list">
              @for (project of projects(); track project.id) {
                <li class="project-card" [class.closed]="!project.open">
                  <div class="project-text">
                    <h2>{{ project.name }}</h2>
                    <p class="muted">{{ project.campaignName }}</p>
                    @if (project.open) {
                      <p class="state open">
                        Open now
                        @if (project.callerId) {
                          <span> · caller ID {{ phone(project.callerId) }}</span>
                        }
                      </p>
                    } @else {
                      <p class="state">
                        Closed ·
                        @if (project.nextOpeningAt) {
                          opens
                          <time [attr.datetime]="project.nextOpeningAt">{{
                            opening(project.nextOpeningAt)
                          }}</time>
                        } @else {
                          no calling hours scheduled
                        }
                      </p>
                    }
                  </div>
                  @if (project.open) {
                    <a
                      class="button primary"
                      [routerLink]="['/projects', project.id, 'call']"
                      [attr.aria-label]="'Start calling for ' + project.name"
                      >Start calling</a
                    >
                  } @else {
                    <span class="button disabled" aria-hidden="true">Closed</span>
                  }
                </li>
              }
            </ul>
          }
        }
      }
    </section>
  `,
})
export class ProjectsPage {
  private readonly api = inject(ProjectsApi);
  private readonly router = inject(Router);
  protected readonly load = signal<Load>({ kind: 'loading' });

  constructor() {
    void this.reload();
  }

  protected projects(): ProjectSummary[] {
    const load = this.load();
    return load.kind === 'loaded' ? load.projects : [];
  }

  protected failure(): string {
    const load = this.load();
    return load.kind === 'failed' ? load.message : '';
  }

  protected readonly opening = formatOpening;
  protected readonly phone = formatPhone;

  protected async reload(): Promise<void> {
    this.load.set({ kind: 'loading' });
    try {
      this.load.set({ kind: 'loaded', projects: await this.api.myProjects() });
    } catch (caught) {
      const error = toApiError(caught, 'load your projects');
      if (error.status === 401) {
        await this.router.navigate(['/login'], { queryParams: { returnUrl: '/projects' } });
        return;
      }
      this.load.set({ kind: 'failed', message: error.message });
    }
  }
}
