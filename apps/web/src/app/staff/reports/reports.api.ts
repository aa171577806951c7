import { Injectable, inject } from '@angular/core';
import { ApiClient } from '../../api/api.client';
import type {
  ProjectReportJson,
  ReportProjectOption,
} from '../../../../../../libs/contracts/src/reports.contract';

export type {
  CallFiguresJson,
  HourOfDayJson,
  MoneyFiguresJson,
  OutcomeShareJson,
  ProjectReportJson,
  ReportOutcome,
  ReportProjectOption,
  SurveyQuestionResultJson,
  VolunteerFiguresJson,
} from '../../../../../../libs/contracts/src/reports.contract';

export type CsvKind = 'results' | 'survey';

const enc = encodeURIComponent;
const range = (from: string, to: string): string => `from=${enc(from)}&to=${enc(to)}`;

/** The report routes (see libs/contracts/src/reports.contract.ts). Every method rejects with an ApiError. */
@Injectable({ providedIn: 'root' })
export class ReportsApi {
  private readonly http = inject(ApiClient);

  projects(): Promise<ReportProjectOption[]> {
    return this.http.get<ReportProjectOption[]>('/api/reports/projects', 'load the projects');
  }

  project(projectId: string, from: string, to: string): Promise<ProjectReportJson> {
    return this.http.get<ProjectReportJson>(
      `/api/reports/projects/${enc(projectId)}?${range(from, to)}`,
      'load the report',
    );
  }

  /** A same-origin link: the browser downloads it with the session cookie, streamed. */
  csvUrl(projectId: string, kind: CsvKind, from: string, to: string): string {
    return `/api/reports/projects/${enc(projectId)}/${kind}.csv?${range(from, to)}`;
  }
}
