import { ChangeDetectionStrategy, Component, ElementRef, input, output, viewChild } from '@angular/core';
import type { ClaimedVoter } from '../api/api.types';

/** SPEC §5.5: the selected voter's profile, their notes, and a form to add one. */
@Component({
  selector: 'pb-voter-profile',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="panel" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Voter profile</h2>
      @if (voter(); as v) {
        <dl class="profile">
          <div>
            <dt>Name</dt>
            <dd>{{ v.firstName }} {{ v.lastName }}</dd>
          </div>
          <div>
            <dt>Targeted</dt>
            <dd>{{ v.targeted ? 'Yes' : 'No (household member)' }}</dd>
          </div>
          @if (v.age !== undefined) {
            <div>
              <dt>Age</dt>
              <dd>{{ v.age }}</dd>
            </div>
          }
          @if (v.address) {
            <div>
              <dt>Address</dt>
              <dd>{{ v.address }}</dd>
            </div>
          }
          <div>
            <dt>Tags</dt>
            <dd>
              @for (tag of v.tags; track tag) {
                <span class="tag">{{ tag }}</span>
              } @empty {
                <span class="muted">None</span>
              }
            </dd>
          </div>
          @if (v.wrongNumber) {
            <div>
              <dt>This number</dt>
              <dd class="warning">Flagged as a wrong number for this voter</dd>
            </div>
          }
        </dl>

        <h3>Notes</h3>
        @if (v.notes.length) {
          <ul class="notes">
            @for (note of v.notes; track $index) {
              <li>{{ note }}</li>
            }
          </ul>
        } @else {
          <p class="muted">No notes yet.</p>
        }
        <form class="note-form" (submit)="submit($event, v.id)">
          <label [for]="'note-' + v.id">Add a note</label>
          <textarea #note [id]="'note-' + v.id" rows="2" maxlength="2000"></textarea>
          <div role="alert" class="alert-slot">
            @if (error(); as message) {
              <p class="alert error">{{ message }}</p>
            }
          </div>
          <button type="submit" [disabled]="saving()">{{ saving() ? 'Saving…' : 'Save note' }}</button>
        </form>
      } @else {
        <p class="muted">No voter selected.</p>
      }
    </section>
  `,
})
export class VoterProfileComponent {
  readonly voter = input.required<ClaimedVoter | null>();
  readonly saving = input(false);
  readonly error = input<string | null>(null);
  readonly addNote = output<{ voterId: string; text: string; done: () => void }>();

  private readonly note = viewChild<ElementRef<HTMLTextAreaElement>>('note');

  protected submit(event: Event, voterId: string): void {
    event.preventDefault();
    const field = this.note()?.nativeElement;
    const text = field?.value.trim() ?? '';
    if (!field || !text) return;
    this.addNote.emit({ voterId, text, done: () => (field.value = '') });
  }
}
