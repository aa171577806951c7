import { Injectable, computed, inject, signal } from '@angular/core';
import { AuthApi } from '../api/auth.api';
import type { CurrentUser } from '../api/api.types';

/**
 * Who is logged in, as far as the browser knows. The session itself is an http-only cookie the
 * server sets at login; this only remembers the user it returned (undefined = not asked yet).
 */
@Injectable({ providedIn: 'root' })
export class CurrentUserStore {
  private readonly api = inject(AuthApi);
  private readonly state = signal<CurrentUser | null | undefined>(undefined);

  readonly user = this.state.asReadonly();
  readonly loggedIn = computed(() => !!this.state());

  set(user: CurrentUser | null): void {
    this.state.set(user);
  }

  /** Asks the server once per page load whether the cookie still holds a session. */
  async resolve(): Promise<CurrentUser | null> {
    const known = this.state();
    if (known !== undefined) return known;
    try {
      const user = await this.api.me();
      this.state.set(user);
      return user;
    } catch {
      this.state.set(null);
      return null;
    }
  }

  async logout(): Promise<void> {
    try {
      await this.api.logout();
    } finally {
      this.state.set(null);
    }
  }
}
