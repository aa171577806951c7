import type { Routes } from '@angular/router';
import type { AccountRole } from '../api/api.types';
import { staffGuard } from './staff.guard';

/** What a staff route may carry in `data`: its label in the side navigation and the roles that may open it. */
export interface StaffNavData {
  nav?: string;
  roles?: readonly AccountRole[];
}

const CAMPAIGN_STAFF: readonly AccountRole[] = ['admin', 'organizer'];
const TELECOM_STAFF: readonly AccountRole[] = ['admin', 'telecom'];

/**
 * The staff pages under /staff. Each page is its own lazy chunk; one entry here adds it to the
 * side navigation (`data.nav`) and limits it to roles (`data.roles`, checked by staffGuard and
 * again by the API behind it).
 */
export const STAFF_ROUTES: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'overview' },
  {
    path: 'overview',
    title: 'Staff · Phone bank',
    data: { nav: 'Overview' } satisfies StaffNavData,
    canActivate: [staffGuard],
    loadComponent: () => import('./staff-overview.page').then((m) => m.StaffOverviewPage),
  },
  {
    path: 'projects',
    title: 'Projects · Phone bank',
    data: { nav: 'Projects', roles: CAMPAIGN_STAFF } satisfies StaffNavData,
    canActivate: [staffGuard],
    loadComponent: () => import('./projects/projects-list.page').then((m) => m.StaffProjectsPage),
  },
  {
    path: 'projects/:projectId',
    title: 'Project · Phone bank',
    data: { roles: CAMPAIGN_STAFF } satisfies StaffNavData,
    canActivate: [staffGuard],
    loadComponent: () => import('./projects/project-edit.page').then((m) => m.StaffProjectEditPage),
  },
  {
    path: 'projects/:projectId/caller-id',
    title: 'Caller ID · Phone bank',
    data: { roles: CAMPAIGN_STAFF } satisfies StaffNavData,
    canActivate: [staffGuard],
    loadComponent: () =>
      import('./projects/caller-id-verification.page').then((m) => m.CallerIdVerificationPage),
  },
  {
    path: 'projects/:projectId/voicemail',
    title: 'Voicemail message · Phone bank',
    data: { roles: CAMPAIGN_STAFF } satisfies StaffNavData,
    canActivate: [staffGuard],
    loadComponent: () => import('./projects/voicemail-recording.page').then((m) => m.VoicemailRecordingPage),
  },
  {
    path: 'voters/import',
    title: 'Import voters · Phone bank',
    data: { nav: 'Import voters', roles: CAMPAIGN_STAFF } satisfies StaffNavData,
    canActivate: [staffGuard],
    loadComponent: () => import('./voters/voter-import.page').then((m) => m.StaffVoterImportPage),
  },
  {
    path: 'voters/targeting',
    title: 'Targeting · Phone bank',
    data: { nav: 'Targeting', roles: CAMPAIGN_STAFF } satisfies StaffNavData,
    canActivate: [staffGuard],
    loadComponent: () => import('./voters/targeting.page').then((m) => m.StaffTargetingPage),
  },
  {
    path: 'teams',
    title: 'Teams · Phone bank',
    data: { nav: 'Teams', roles: CAMPAIGN_STAFF } satisfies StaffNavData,
    canActivate: [staffGuard],
    loadComponent: () => import('./teams/teams.page').then((m) => m.StaffTeamsPage),
  },
  {
    path: 'reports',
    title: 'Reports · Phone bank',
    data: { nav: 'Reports', roles: CAMPAIGN_STAFF } satisfies StaffNavData,
    canActivate: [staffGuard],
    loadComponent: () => import('./reports/reports.page').then((m) => m.StaffReportsPage),
  },
  {
    path: 'dashboard',
    title: 'Live · Phone bank',
    data: { nav: 'Live', roles: CAMPAIGN_STAFF } satisfies StaffNavData,
    canActivate: [staffGuard],
    loadComponent: () => import('./dashboard/dashboard.page').then((m) => m.StaffDashboardPage),
  },
  {
    path: 'dnc',
    title: 'Do not call · Phone bank',
    data: { nav: 'Do not call', roles: CAMPAIGN_STAFF } satisfies StaffNavData,
    canActivate: [staffGuard],
    loadComponent: () => import('./dnc/dnc.page').then((m) => m.StaffDncPage),
  },
  {
    path: 'credits',
    title: 'Credits · Phone bank',
    data: { nav: 'Credits', roles: CAMPAIGN_STAFF } satisfies StaffNavData,
    canActivate: [staffGuard],
    loadComponent: () => import('./credits/credits.page').then((m) => m.StaffCreditsPage),
  },
  {
    path: 'telecom',
    title: 'Telecom · Phone bank',
    data: { nav: 'Telecom', roles: TELECOM_STAFF } satisfies StaffNavData,
    canActivate: [staffGuard],
    loadComponent: () => import('./telecom/telecom.page').then((m) => m.StaffTelecomPage),
  },
  // Pages add their routes below, e.g.
  // { path: 'projects', title: 'Projects · Phone bank', data: { nav: 'Projects', roles: CAMPAIGN_STAFF },
  //   canActivate: [staffGuard], loadComponent: () => import('./projects/...').then((m) => m.X) },
];

export { CAMPAIGN_STAFF, TELECOM_STAFF };
