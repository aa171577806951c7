import { inject } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import type { AccountRole } from '../api/api.types';
import { CurrentUserStore } from '../auth/current-user.store';

/** Staff pages: campaign staff (admin, organizer) and telecom staff. Volunteers go back to their projects. */
export const STAFF_ROLES: readonly AccountRole[] = ['admin', 'organizer', 'telecom'];

export const staffGuard: CanActivateFn = async (route, state) => {
  const router = inject(Router);
  const user = await inject(CurrentUserStore).resolve();
  if (!user) return router.createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
  const allowed = (route.data?.['roles'] as readonly AccountRole[] | undefined) ?? STAFF_ROLES;
  return allowed.includes(user.role) ? true : router.createUrlTree(['/projects']);
};
