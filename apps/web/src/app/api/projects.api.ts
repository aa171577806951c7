import { Injectable, inject } from '@angular/core';
import { ApiClient } from './api.client';
import type { ProjectSummary } from './api.types';

@Injectable({ providedIn: 'root' })
export class ProjectsApi {
  private readonly http = inject(ApiClient);

  /** Only the projects granted to the logged-in volunteer. */
  myProjects(): Promise<ProjectSummary[]> {
    return this.http.get<ProjectSummary[]>('/api/me/projects', 'load your projects');
  }
}
