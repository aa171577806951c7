import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import type { AccountRole } from '../api/api.types';
import { CurrentUserStore } from '../auth/current-user.store';
import { STAFF_ROUTES, type StaffNavData } from './staff.routes';

/**
 * The staff area: a side navigation built from the staff routes' `data.nav` (so a new page only
 * adds its route), showing only the pages the signed-in role may open.
 */
@Component({
  selector: 'pb-staff-layout',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  template: `
    <div class="staff-layout">
      <nav class="staff-nav" aria-label="Staff pages">
        <ul>
          @for (item of nav(); track item.path) {
            <li>
              <a
                [routerLink]="'/staff/' + item.path"
                routerLinkActive="active"
                ariaCurrentWhenActive="page"
                >{{ item.label }}</a
              >
            </li>
          }
        </ul>
      </nav>
      <div class="staff-content">
        <router-outlet />
      </div>
    </div>
  `,
})
export class StaffLayoutComponent {
  private readonly users = inject(CurrentUserStore);

  protected readonly nav = computed(() => {
    const role = this.users.user()?.role;
    return STAFF_ROUTES.flatMap((route) => {
      const data = route.data as StaffNavData | undefined;
      if (!data?.nav || route.path === undefined) return [];
      const roles: readonly AccountRole[] | undefined = data.roles;
      if (roles && (!role || !roles.includes(role))) return [];
      return [{ path: route.path, label: data.nav }];
    });
  });
}
