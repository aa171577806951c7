import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import { AuthApi } from '../api/auth.api';
import { toApiError } from '../api/api-error';

/** Must match the server's rule (apps/orchestrator/src/auth/auth.dto.ts). */
const PASSWORD_MIN = 10;

/** The invitation link's page: the invited volunteer chooses a password, then logs in. */
@Component({
  selector: 'pb-accept-invite-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <section class="page narrow">
      <h1 tabindex="-1">Choose your password</h1>
      @if (done()) {
        <p role="status">Your password is set. You can now log in with your email address.</p>
        <a class="button primary" routerLink="/login">Log in</a>
      } @else if (!token()) {
        <p>This page needs the link from your invitation email. Ask your campaign for a new one.</p>
      } @else {
        <p class="muted">
          At least {{ min }} characters. A few unrelated words make a strong, memorable one.
        </p>
        <form novalidate (submit)="submit($event)">
          <div class="field">
            <label for="invite-password">New password</label>
            <input
              #password
              id="invite-password"
              type="password"
              autocomplete="new-password"
              required
              [attr.minlength]="min"
              [attr.aria-invalid]="fieldError() ? true : null"
              [attr.aria-describedby]="fieldError() ? 'invite-password-error' : null"
            />
            @if (fieldError(); as message) {
              <p id="invite-password-error" class="field-error">{{ message }}</p>
            }
          </div>
          <div class="field">
            <label for="invite-confirm">Repeat the password</label>
            <input #confirm id="invite-confirm" type="password" autocomplete="new-password" required />
          </div>
          <div class="alert-slot" role="alert">
            @if (error(); as message) {
              <p class="alert error">{{ message }}</p>
            }
          </div>
          <button type="submit" class="primary wide" [disabled]="busy()">
            {{ busy() ? 'Saving…' : 'Set password' }}
          </button>
        </form>
      }
    </section>
  `,
})
export class AcceptInvitePage {
  /** From the link's query string. */
  readonly token = input<string | undefined>();

  private readonly api = inject(AuthApi);
  private readonly password = viewChild<ElementRef<HTMLInputElement>>('password');
  private readonly confirm = viewChild<ElementRef<HTMLInputElement>>('confirm');
  protected readonly min = PASSWORD_MIN;
  protected readonly busy = signal(false);
  protected readonly done = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly fieldError = signal<string | null>(null);

  protected async submit(event: Event): Promise<void> {
    event.preventDefault();
    const password = this.password()?.nativeElement;
    const token = this.token();
    if (this.busy() || !password || !token) return;
    this.error.set(null);
    this.fieldError.set(
      password.value.length < PASSWORD_MIN
        ? `Use at least ${PASSWORD_MIN} characters.`
        : password.value !== this.confirm()?.nativeElement.value
          ? 'The two passwords are different.'
          : null,
    );
    if (this.fieldError()) return password.focus();
    this.busy.set(true);
    try {
      await this.api.acceptInvitation(token, password.value);
      this.done.set(true);
    } catch (caught) {
      this.error.set(toApiError(caught, 'set your password').message);
    } finally {
      this.busy.set(false);
    }
  }
}
