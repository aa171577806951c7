import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import type { Outcome } from '../api/api.types';
import { OUTCOMES } from './call-screen.state';

/**
 * SPEC §5.3: one button per outcome, one click each, and a single-key shortcut for each (shown
 * on the button and exposed through aria-keyshortcuts). Keys typed into form fields are ignored.
 */
@Component({
  selector: 'pb-outcome-buttons',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:keydown)': 'onKey($event)' },
  template: `
    <section class="panel" aria-labelledby="outcomes-heading">
      <h2 id="outcomes-heading">Outcome</h2>
      <p class="muted small">Press the letter shown on a button to record it.</p>
      <div class="outcome-grid">
        @for (item of outcomes; track item.outcome) {
          <button
            type="button"
            class="outcome"
            [attr.data-outcome]="item.outcome"
            [attr.aria-keyshortcuts]="item.shortcut"
            [attr.aria-describedby]="'outcome-hint-' + item.outcome"
            [disabled]="busy() || !!blockers()[item.outcome]"
            (click)="record.emit(item.outcome)"
          >
            <span>{{ item.label }}</span> <kbd aria-hidden="true">{{ item.shortcut }}</kbd>
          </button>
          <span class="visually-hidden" [id]="'outcome-hint-' + item.outcome">{{
            blockers()[item.outcome] ?? item.hint
          }}</span>
        }
      </div>
    </section>
  `,
})
export class OutcomeButtonsComponent {
  readonly blockers = input.required<Record<Outcome, string | null>>();
  readonly busy = input(false);
  readonly record = output<Outcome>();

  protected readonly outcomes = OUTCOMES;

  protected onKey(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target)) return;
    const item = OUTCOMES.find((o) => o.shortcut === event.key.toUpperCase());
    if (!item || this.busy() || this.blockers()[item.outcome]) return;
    event.preventDefault();
    this.record.emit(item.outcome);
  }
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement)
    return !['radio', 'checkbox', 'button', 'submit', 'reset'].includes(target.type);
  return (
    target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement
  );
}
