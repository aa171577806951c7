import type { Routes } from '@angular/router';
import { authGuard } from './auth/auth.guard';

/** Every page is its own lazy chunk, so the first page loads only what it needs. */
export const appRoutes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'projects' },
  {
    path: 'login',
    title: 'Log in · Phone bank',
    loadComponent: () => import('./login/login.page').then((m) => m.LoginPage),
  },
  {
    path: 'accept-invite',
    title: 'Choose your password · Phone bank',
    loadComponent: () => import('./accept-invite/accept-invite.page').then((m) => m.AcceptInvitePage),
  },
  {
    path: 'projects',
    title: 'My projects · Phone bank',
    canActivate: [authGuard],
    loadComponent: () => import('./projects/projects.page').then((m) => m.ProjectsPage),
  },
  {
    path: 'projects/:projectId/call',
    title: 'Calling · Phone bank',
    canActivate: [authGuard],
    loadComponent: () => import('./call/call-screen.page').then((m) => m.CallScreenPage),
  },
  {
    path: 'staff',
    // Signed-in users only here; each staff page checks the role itself (staffGuard, lazy with the pages).
    canActivate: [authGuard],
    loadComponent: () => import('./staff/staff-layout.component').then((m) => m.StaffLayoutComponent),
    loadChildren: () => import('./staff/staff.routes').then((m) => m.STAFF_ROUTES),
  },
  {
    path: '**',
    title: 'Not found · Phone bank',
    loadComponent: () => import('./shared/not-found.page').then((m) => m.NotFoundPage),
  },
];
