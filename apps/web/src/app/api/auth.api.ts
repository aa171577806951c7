import { Injectable, inject } from '@angular/core';
import { ApiClient } from './api.client';
import type { CurrentUser, LoginRequest, LoginResponse } from './api.types';

@Injectable({ providedIn: 'root' })
export class AuthApi {
  private readonly http = inject(ApiClient);

  login(request: LoginRequest): Promise<LoginResponse> {
    return this.http.post<LoginResponse>('/api/auth/login', request, 'log you in');
  }

  me(): Promise<CurrentUser> {
    return this.http.get<CurrentUser>('/api/auth/me', 'check your session');
  }

  async logout(): Promise<void> {
    await this.http.post<null>('/api/auth/logout', {}, 'log you out');
  }

  /** Sets the password of an invited account (the invitation link's token). */
  async acceptInvitation(token: string, password: string): Promise<CurrentUser> {
    return (
      await this.http.post<{ user: CurrentUser }>(
        '/api/auth/accept',
        { token, password },
        'set your password',
      )
    ).user;
  }
}
