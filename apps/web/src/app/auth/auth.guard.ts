import { inject } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import { CurrentUserStore } from './current-user.store';

/** Lets logged-in users through; sends everyone else to the login page, remembering the way back. */
export const authGuard: CanActivateFn = async (_route, state) => {
  const router = inject(Router); // inject before any await: the injection context ends there
  const user = await inject(CurrentUserStore).resolve();
  if (user) return true;
  return router.createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
};
