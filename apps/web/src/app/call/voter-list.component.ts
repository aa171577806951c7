import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import type { ClaimedVoter } from '../api/api.types';
import { WrongNumberFlagComponent } from './wrong-number-flag.component';

/** The voters on this number: targeted ones first, then the rest of the household. */
@Component({
  selector: 'pb-voter-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [WrongNumberFlagComponent],
  template: `
    <section class="panel" aria-labelledby="voters-heading">
      <h2 id="voters-heading">Who to ask for</h2>
      @if (voters().length === 0) {
        <p class="muted">No voters yet.</p>
      }
      @for (group of groups(); track group.title) {
        @if (group.voters.length) {
          <h3 class="group-title">{{ group.title }}</h3>
          <ul class="voter-list">
            @for (voter of group.voters; track voter.id) {
              <li [class.selected]="voter.id === selectedVoterId()" [class.flagged]="voter.wrongNumber">
                <button
                  type="button"
                  class="voter-name"
                  [attr.aria-current]="voter.id === selectedVoterId() ? 'true' : null"
                  (click)="select.emit(voter.id)"
                >
                  {{ voter.firstName }} {{ voter.lastName }}
                  @if (voter.age !== undefined) {
                    <span class="muted">· {{ voter.age }}</span>
                  }
                </button>
                <pb-wrong-number-flag
                  [voter]="voter"
                  [disabled]="disabled()"
                  (toggle)="toggleWrongNumber.emit($event)"
                />
              </li>
            }
          </ul>
        }
      }
    </section>
  `,
})
export class VoterListComponent {
  readonly voters = input.required<ClaimedVoter[]>();
  readonly selectedVoterId = input<string | null>(null);
  readonly disabled = input(false);
  readonly select = output<string>();
  readonly toggleWrongNumber = output<string>();

  protected readonly groups = computed(() => [
    { title: 'Targeted', voters: this.voters().filter((v) => v.targeted) },
    { title: 'Also in the household', voters: this.voters().filter((v) => !v.targeted) },
  ]);
}
