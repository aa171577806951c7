import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import type { ClaimedVoter } from '../api/api.types';

/** SPEC §5.6: flags one voter as not reachable at this number (a toggle button). */
@Component({
  selector: 'pb-wrong-number-flag',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <button
      type="button"
      class="flag"
      [class.on]="voter().wrongNumber"
      [attr.aria-pressed]="voter().wrongNumber"
      [attr.aria-label]="'Wrong number for ' + voter().firstName + ' ' + voter().lastName"
      [disabled]="disabled()"
      (click)="toggle.emit(voter().id)"
    >
      <span aria-hidden="true">⚑</span> {{ voter().wrongNumber ? 'Wrong number' : 'Flag wrong number' }}
    </button>
  `,
})
export class WrongNumberFlagComponent {
  readonly voter = input.required<ClaimedVoter>();
  readonly disabled = input(false);
  readonly toggle = output<string>();
}
