import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { Router } from '@angular/router';
import { AuthApi } from '../api/auth.api';
import { toApiError } from '../api/api-error';
import { CurrentUserStore } from '../auth/current-user.store';

/**
 * Email + password login. Plain form and signals (no forms package) to keep the first page
 * small; browser validation is replaced by our own messages, tied to each field for screen readers.
 */
@Component({
  selector: 'pb-login-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="page narrow">
      <h1 tabindex="-1">Log in</h1>
      <p class="muted">Use the email address your campaign invited and the password you chose.</p>

      <form #form novalidate (submit)="submit($event)" aria-describedby="login-error">
        <div class="field">
          <label for="login-email">Email</label>
          <input
            #email
            id="login-email"
            name="email"
            type="email"
            autocomplete="username"
            inputmode="email"
            required
            [attr.aria-invalid]="emailError() ? true : null"
            [attr.aria-describedby]="emailError() ? 'login-email-error' : null"
            (input)="emailError.set(null)"
          />
          @if (emailError(); as message) {
            <p id="login-email-error" class="field-error">{{ message }}</p>
          }
        </div>

        <div class="field">
          <label for="login-password">Password</label>
          <input
            #password
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            [attr.aria-invalid]="passwordError() ? true : null"
            [attr.aria-describedby]="passwordError() ? 'login-password-error' : null"
            (input)="passwordError.set(null)"
          />
          @if (passwordError(); as message) {
            <p id="login-password-error" class="field-error">{{ message }}</p>
          }
        </div>

        <div id="login-error" class="alert-slot" role="alert" aria-live="assertive">
          @if (error(); as message) {
            <p class="alert error">{{ message }}</p>
          }
        </div>

        <button type="submit" class="primary wide" [disabled]="busy()" [attr.aria-busy]="busy()">
          {{ busy() ? 'Logging in…' : 'Log in' }}
        </button>
      </form>
    </section>
  `,
})
export class LoginPage {
  /** Where to go after logging in (set by the auth guard); only same-app paths are followed. */
  readonly returnUrl = input<string | undefined>();

  private readonly api = inject(AuthApi);
  private readonly users = inject(CurrentUserStore);
  private readonly router = inject(Router);
  private readonly emailInput = viewChild.required<ElementRef<HTMLInputElement>>('email');
  private readonly passwordInput = viewChild.required<ElementRef<HTMLInputElement>>('password');

  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly emailError = signal<string | null>(null);
  protected readonly passwordError = signal<string | null>(null);

  protected async submit(event: Event): Promise<void> {
    event.preventDefault();
    if (this.busy()) return;
    const emailInput = this.emailInput().nativeElement;
    const passwordInput = this.passwordInput().nativeElement;
    const email = emailInput.value.trim();
    const password = passwordInput.value;

    this.error.set(null);
    this.emailError.set(
      !email
        ? 'Enter your email address.'
        : emailInput.validity.typeMismatch
          ? 'Enter a valid email address, like name@example.org.'
          : null,
    );
    this.passwordError.set(password ? null : 'Enter your password.');
    if (this.emailError()) return emailInput.focus();
    if (this.passwordError()) return passwordInput.focus();

    this.busy.set(true);
    try {
      const { user } = await this.api.login({ email, password });
      this.users.set(user);
      await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    } catch (caught) {
      const error = toApiError(caught, 'log you in');
      this.error.set(
        error.status === 401
          ? 'That email and password do not match an account. Check them and try again.'
          : error.message,
      );
      passwordInput.select();
    } finally {
      this.busy.set(false);
    }
  }
}

function safeReturnUrl(url: string | undefined): string {
  return url && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/login') ? url : '/projects';
}
