import { Injectable, inject } from '@angular/core';
import { ApiClient, readCookie } from './api.client';
import { ApiError, apiErrorFrom } from './api-error';
import type {
  InvitationRequest,
  InvitationResponse,
} from '../../../../../libs/contracts/src/call-screen.contract';
import type {
  CampaignUser,
  ProjectGrants,
  ProjectSettings,
  ProjectUpdateRequest,
  SaveTargetsRequest,
  SaveTargetsResultJson,
  StaffProjectSummary,
  TargetFilterJson,
  TeamJson,
  VoterFacets,
  VoterImportJob,
} from '../../../../../libs/contracts/src/staff.contract';

export type {
  CampaignUser,
  FacetValue,
  GrantedTeam,
  GrantedUser,
  ImportRowError,
  ProjectGrants,
  ProjectSettings,
  ProjectUpdateRequest,
  QueueFigures,
  SaveTargetsResultJson,
  StaffProjectSummary,
  StaffSurveyAnswer,
  StaffSurveyQuestion,
  TargetFilterJson,
  TeamJson,
  VoterFacets,
  VoterImportJob,
  VoterImportPhase,
} from '../../../../../libs/contracts/src/staff.contract';
export type { InvitationResponse } from '../../../../../libs/contracts/src/call-screen.contract';

/** The project as POST/PATCH /api/projects answers it (the fields the pages use). */
export interface SavedProject {
  id: string;
  name: string;
}

/**
 * The staff pages' routes (libs/contracts/src/staff.contract.ts). Every method rejects with an
 * ApiError whose message can be shown as it is.
 */
@Injectable({ providedIn: 'root' })
export class StaffApi {
  private readonly http = inject(ApiClient);

  // ---- projects ----

  projects(): Promise<StaffProjectSummary[]> {
    return this.http.get('/api/campaign/projects', 'load the projects');
  }

  project(id: string): Promise<ProjectSettings> {
    return this.http.get(`/api/projects/${enc(id)}/settings`, 'load the project');
  }

  createProject(request: ProjectUpdateRequest & { name: string }): Promise<SavedProject> {
    return this.http.post('/api/projects', request, 'create the project');
  }

  updateProject(id: string, request: ProjectUpdateRequest): Promise<SavedProject> {
    return this.http.request('PATCH', `/api/projects/${enc(id)}`, request, 'save the project');
  }

  grants(projectId: string): Promise<ProjectGrants> {
    return this.http.get(`/api/projects/${enc(projectId)}/access`, 'load who may call the project');
  }

  async grant(projectId: string, grant: { userIds?: string[]; teamIds?: string[] }): Promise<void> {
    await this.http.post(`/api/projects/${enc(projectId)}/access`, grant, 'grant the project');
  }

  async revoke(projectId: string, who: { userId: string } | { teamId: string }): Promise<void> {
    const path = 'userId' in who ? `users/${enc(who.userId)}` : `teams/${enc(who.teamId)}`;
    await this.http.request(
      'DELETE',
      `/api/projects/${enc(projectId)}/access/${path}`,
      undefined,
      'revoke access',
    );
  }

  // ---- people and teams ----

  users(): Promise<CampaignUser[]> {
    return this.http.get('/api/campaign/users', 'load the campaign’s people');
  }

  teams(): Promise<TeamJson[]> {
    return this.http.get('/api/teams', 'load the teams');
  }

  createTeam(name: string): Promise<TeamJson> {
    return this.http.post('/api/teams', { name }, 'create the team');
  }

  renameTeam(id: string, name: string): Promise<TeamJson> {
    return this.http.request('PATCH', `/api/teams/${enc(id)}`, { name }, 'rename the team');
  }

  async deleteTeam(id: string): Promise<void> {
    await this.http.request('DELETE', `/api/teams/${enc(id)}`, undefined, 'delete the team');
  }

  addMember(teamId: string, userId: string): Promise<TeamJson> {
    return this.http.request(
      'PUT',
      `/api/teams/${enc(teamId)}/members/${enc(userId)}`,
      undefined,
      'add them to the team',
    );
  }

  removeMember(teamId: string, userId: string): Promise<TeamJson> {
    return this.http.request(
      'DELETE',
      `/api/teams/${enc(teamId)}/members/${enc(userId)}`,
      undefined,
      'remove them from the team',
    );
  }

  invite(request: InvitationRequest): Promise<InvitationResponse> {
    return this.http.post('/api/auth/invitations', request, 'send the invitation');
  }

  // ---- voters ----

  facets(): Promise<VoterFacets> {
    return this.http.get('/api/campaign/voter-facets', 'load the voters’ tags and places');
  }

  async count(filter: TargetFilterJson): Promise<number> {
    return (await this.http.post<{ count: number }>('/api/voters/count', filter, 'count the voters')).count;
  }

  saveTargets(projectId: string, request: SaveTargetsRequest): Promise<SaveTargetsResultJson> {
    return this.http.post(
      `/api/projects/${enc(projectId)}/targets`,
      request,
      'add the voters to the project',
    );
  }

  startImport(fileName: string, totalBytes: number): Promise<VoterImportJob> {
    return this.http.post('/api/voter-imports', { fileName, totalBytes }, 'start the import');
  }

  importJob(id: string): Promise<VoterImportJob> {
    return this.http.get(`/api/voter-imports/${enc(id)}`, 'follow the import');
  }

  imports(): Promise<VoterImportJob[]> {
    return this.http.get('/api/voter-imports', 'load the recent imports');
  }

  /**
   * Uploads the file into its import job (XMLHttpRequest, for upload progress); resolves with
   * the finished job once the server has imported it, or refused it with its error report.
   */
  uploadImport(
    jobId: string,
    file: Blob,
    onUpload: (sent: number, total: number) => void,
  ): Promise<VoterImportJob> {
    const action = 'upload the file';
    return new Promise<VoterImportJob>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', `/api/voter-imports/${enc(jobId)}/file`);
      xhr.setRequestHeader('Content-Type', 'text/csv');
      xhr.setRequestHeader('Accept', 'application/json');
      const xsrf = readCookie('XSRF-TOKEN');
      if (xsrf) xhr.setRequestHeader('X-XSRF-TOKEN', xsrf);
      xhr.upload.onprogress = (e) => onUpload(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onerror = () =>
        reject(
          new ApiError(0, `Could not reach the server to ${action}. Check your connection and try again.`),
        );
      xhr.onload = () => {
        let body: unknown = null;
        try {
          body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
        } catch {
          body = null;
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve(body as VoterImportJob);
        else reject(apiErrorFrom(xhr.status, body, action));
      };
      xhr.send(file);
    });
  }
}

const enc = encodeURIComponent;
