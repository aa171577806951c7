import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { CurrentUserStore } from '../auth/current-user.store';

/** Landing page of the staff area: who is signed in and for which campaign. */
@Component({
  selector: 'pb-staff-overview-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="page">
      <h1 tabindex="-1">Staff</h1>
      <p>
        Signed in as {{ name() }} ({{ role() }})
        @if (campaign()) {
          for <strong>{{ campaign() }}</strong>
        }
        . Choose a page on the left.
      </p>
    </section>
  `,
})
export class StaffOverviewPage {
  private readonly users = inject(CurrentUserStore);
  protected readonly name = computed(() => this.users.user()?.name || this.users.user()?.email || '');
  protected readonly role = computed(() => this.users.user()?.role ?? '');
  protected readonly campaign = computed(() => this.users.user()?.campaignName ?? null);
}
