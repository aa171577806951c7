import { signal } from '@angular/core';
import { toApiError } from '../api/api-error';

/**
 * A staff page's requests, one at a time: `busy` while one runs (buttons disable), then its
 * error in words ("Could not … : …"), cleared when the next one starts.
 */
export class StaffRequest {
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);

  /** Run `work`; false when it failed (`error` says why). `action` names it for the error. */
  async run(action: string, work: () => Promise<unknown>): Promise<boolean> {
    this.busy.set(true);
    this.error.set(null);
    try {
      await work();
      return true;
    } catch (caught) {
      this.error.set(toApiError(caught, action).message);
      return false;
    } finally {
      this.busy.set(false);
    }
  }
}
