import { ChangeDetectionStrategy, Component, DestroyRef, inject } from '@angular/core';
import { NavigationEnd, Router, RouterLink, RouterOutlet } from '@angular/router';
import { CurrentUserStore } from './auth/current-user.store';

/** The shell: a skip link, a header with the signed-in user, and the routed page. */
@Component({
  selector: 'pb-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink],
  template: `
    <a class="skip-link" href="#main" (click)="focusMain($event)">Skip to main content</a>
    <header class="app-header">
      <a class="brand" routerLink="/projects">Phone bank</a>
      @if (users.user(); as user) {
        @if (user.role !== 'volunteer') {
          <nav class="header-links" aria-label="Areas">
            <a routerLink="/projects">Call</a>
            <a routerLink="/staff">Staff</a>
          </nav>
        }
        <span class="who">{{ user.name || user.email }}</span>
        <button type="button" class="link-button" (click)="logout()">Log out</button>
      }
    </header>
    <main id="main" tabindex="-1">
      <router-outlet />
    </main>
  `,
})
export class AppComponent {
  protected readonly users = inject(CurrentUserStore);
  private readonly router = inject(Router);

  constructor() {
    // Move focus to the new page's heading after each navigation, so screen readers announce it
    // and keyboard users start at the top of the new content (not on the link they used).
    // The first page loaded keeps the browser's own start (focus at the top of the document).
    let firstPage = true;
    const subscription = this.router.events.subscribe((event) => {
      if (!(event instanceof NavigationEnd)) return;
      if (firstPage) {
        firstPage = false;
        return;
      }
      setTimeout(() => document.querySelector<HTMLElement>('main h1')?.focus(), 0);
    });
    inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
  }

  protected focusMain(event: Event): void {
    event.preventDefault();
    document.getElementById('main')?.focus();
  }

  protected async logout(): Promise<void> {
    try {
      await this.users.logout();
    } finally {
      await this.router.navigateByUrl('/login');
    }
  }
}
