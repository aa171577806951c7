import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { SessionsApi } from '../api/sessions.api';
import { toApiError } from '../api/api-error';
import type { DialMode, Outcome } from '../api/api.types';
import { CurrentUserStore } from '../auth/current-user.store';
import { CallControlsComponent } from './call-controls.component';
import { CallScriptComponent } from './call-script.component';
import { flaggedVoterIds, OUTCOMES, renderScript, surveyAnswers } from './call-screen.state';
import { CallScreenStore } from './call-screen.store';
import { CallSessionSocket } from './call-session.socket';
import { CallStatusComponent } from './call-status.component';
import { OutcomeButtonsComponent } from './outcome-buttons.component';
import { SessionBarComponent } from './session-bar.component';
import { SurveyFormComponent, type SurveyAnswerChange } from './survey-form.component';
import { VoterListComponent } from './voter-list.component';
import { VoterProfileComponent } from './voter-profile.component';

/**
 * The volunteer's call screen (SPEC §5). Before a session it asks for the dialing mode; during
 * one it shows the seven parts, all driven by CallScreenStore. HTTP answers and Socket.IO
 * pushes are the only sources of call data: nothing here is invented on the client.
 */
@Component({
  selector: 'pb-call-screen-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [CallScreenStore, CallSessionSocket],
  imports: [
    RouterLink,
    SessionBarComponent,
    CallStatusComponent,
    CallControlsComponent,
    OutcomeButtonsComponent,
    VoterListComponent,
    CallScriptComponent,
    SurveyFormComponent,
    VoterProfileComponent,
  ],
  template: `
    @if (store.session(); as session) {
      <div class="call-screen">
        <pb-session-bar [session]="session" [connection]="state().connection" (endSession)="end()" />
        <div class="alert-slot" role="alert">
          @if (error(); as message) {
            <p class="alert error">{{ message }}</p>
          }
        </div>
        <p class="notice" role="status">{{ notice() }}</p>

        <div class="call-layout">
          <div class="call-column">
            <pb-call-status [phone]="state().phone" [callState]="state().callState" [mode]="session.mode" />
            <pb-call-controls
              [session]="session"
              [callState]="state().callState"
              [e164]="state().phone?.phone?.e164 ?? null"
              [legConnected]="state().volunteerLegConnected"
              [muted]="state().muted"
              [busy]="busy()"
              (call)="act('call')"
              (hangUp)="act('hang-up')"
              (startVoicemail)="act('voicemail')"
              (toggleMute)="mute($event)"
            />
            <pb-outcome-buttons
              [blockers]="store.outcomeBlockers()"
              [busy]="busy()"
              (record)="record($event)"
            />
          </div>

          <div class="call-column">
            @if (state().queueEmpty) {
              <section class="panel" aria-labelledby="queue-empty-heading">
                <h2 id="queue-empty-heading">No numbers to call right now</h2>
                <p>Everyone in this project has been reached or is waiting before the next try.</p>
                <button type="button" [disabled]="busy()" (click)="next()">Check again</button>
              </section>
            }
            <pb-voter-list
              [voters]="state().phone?.voters ?? []"
              [selectedVoterId]="state().selectedVoterId"
              [disabled]="busy()"
              (select)="store.dispatch({ type: 'voter-selected', voterId: $event })"
              (toggleWrongNumber)="store.dispatch({ type: 'wrong-number-toggled', voterId: $event })"
            />
            <pb-call-script [text]="script()" />
            <pb-survey-form
              [questions]="session.survey"
              [voter]="store.selectedVoter()"
              [answers]="selectedAnswers()"
              (answer)="answer($event)"
            />
            <pb-voter-profile
              [voter]="store.selectedVoter()"
              [saving]="savingNote()"
              [error]="noteError()"
              (addNote)="addNote($event)"
            />
          </div>
        </div>
      </div>
    } @else {
      <section class="page narrow">
        <h1 tabindex="-1">Start calling</h1>
        <form (submit)="start($event)">
          <fieldset class="field">
            <legend>How will you call?</legend>
            <label class="choice">
              <input
                type="radio"
                name="mode"
                value="standard"
                [checked]="mode() === 'standard'"
                (change)="mode.set('standard')"
              />
              <span
                ><strong>Standard dialing</strong><br /><span class="muted"
                  >You dial each number on your own phone.</span
                ></span
              >
            </label>
            <label class="choice">
              <input
                type="radio"
                name="mode"
                value="power-phone"
                [checked]="mode() === 'power-phone'"
                (change)="mode.set('power-phone')"
              />
              <span
                ><strong>Power dialing by phone</strong><br /><span class="muted"
                  >You dial in once; the system calls each voter for you.</span
                ></span
              >
            </label>
          </fieldset>
          <div class="alert-slot" role="alert">
            @if (error(); as message) {
              <p class="alert error">{{ message }}</p>
            }
          </div>
          <div class="button-row">
            <button type="submit" class="primary" [disabled]="busy()">
              {{ busy() ? 'Starting…' : 'Start session' }}
            </button>
            <a routerLink="/projects">Back to my projects</a>
          </div>
        </form>
      </section>
    }
  `,
})
export class CallScreenPage {
  readonly projectId = input.required<string>();

  protected readonly store = inject(CallScreenStore);
  private readonly socket = inject(CallSessionSocket);
  private readonly api = inject(SessionsApi);
  private readonly users = inject(CurrentUserStore);
  private readonly router = inject(Router);

  protected readonly state = this.store.current;
  protected readonly mode = signal<DialMode>('standard');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly notice = signal('');
  protected readonly savingNote = signal(false);
  protected readonly noteError = signal<string | null>(null);

  protected readonly script = computed(() => {
    const user = this.users.user();
    return renderScript(
      this.store.session()?.script ?? '',
      this.store.selectedVoter(),
      user?.displayName ?? user?.email ?? '',
    );
  });
  protected readonly selectedAnswers = computed(() => {
    const voterId = this.state().selectedVoterId;
    return (voterId && this.state().answers[voterId]) || {};
  });

  protected async start(event: Event): Promise<void> {
    event.preventDefault();
    await this.run('start a calling session', async () => {
      const session = await this.api.start(this.projectId(), this.mode());
      this.store.dispatch({ type: 'session-started', session });
      this.socket.connect(session.id, this.store);
      await this.claimNext(session.id);
    });
  }

  protected async next(): Promise<void> {
    const session = this.store.session();
    if (session) await this.run('get the next number', () => this.claimNext(session.id));
  }

  protected async act(action: 'call' | 'hang-up' | 'voicemail'): Promise<void> {
    const session = this.store.session();
    if (!session) return;
    // The resulting call states arrive over the socket; nothing is assumed here.
    await this.run(action, () =>
      action === 'call'
        ? this.api.call(session.id)
        : action === 'hang-up'
          ? this.api.hangUp(session.id)
          : this.api.startVoicemail(session.id),
    );
  }

  protected async mute(muted: boolean): Promise<void> {
    const session = this.store.session();
    if (!session) return;
    await this.run(muted ? 'mute you' : 'unmute you', async () => {
      await this.api.mute(session.id, muted);
      this.store.dispatch({ type: 'mute-changed', muted });
    });
  }

  protected async record(outcome: Outcome): Promise<void> {
    const state = this.state();
    const session = state.session;
    const phone = state.phone;
    if (!session || !phone || this.store.outcomeBlockers()[outcome]) return;
    const label = OUTCOMES.find((o) => o.outcome === outcome)?.label ?? outcome;
    await this.run('record the outcome', async () => {
      await this.api.recordOutcome(session.id, {
        attemptId: phone.attemptId,
        phoneId: phone.phone.id,
        outcome,
        wrongNumberVoterIds: flaggedVoterIds(state),
        surveyAnswers: surveyAnswers(state),
      });
      this.store.dispatch({ type: 'outcome-recorded' });
      this.notice.set(`Recorded “${label}”. Getting the next number…`);
      await this.claimNext(session.id);
    });
  }

  protected answer(change: SurveyAnswerChange): void {
    this.store.dispatch({ type: 'survey-answered', ...change });
  }

  protected async addNote(note: { voterId: string; text: string; done: () => void }): Promise<void> {
    this.savingNote.set(true);
    this.noteError.set(null);
    try {
      await this.api.addNote(note.voterId, note.text);
      this.store.dispatch({ type: 'note-added', voterId: note.voterId, note: note.text });
      note.done();
    } catch (caught) {
      this.noteError.set(toApiError(caught, 'save the note').message);
    } finally {
      this.savingNote.set(false);
    }
  }

  protected async end(): Promise<void> {
    const session = this.store.session();
    await this.run('end the session', async () => {
      if (session) await this.api.end(session.id);
      this.socket.disconnect();
      this.store.dispatch({ type: 'session-ended' });
      await this.router.navigateByUrl('/projects');
    });
  }

  private async claimNext(sessionId: string): Promise<void> {
    const phone = await this.api.next(sessionId);
    if (phone) {
      this.store.dispatch({ type: 'phone-claimed', phone });
      this.notice.set(`Next number loaded.`);
    } else {
      this.store.dispatch({ type: 'queue-empty' });
      this.notice.set('No numbers to call right now.');
    }
  }

  /** Runs one volunteer action at a time, showing its failure in the alert region. */
  private async run(action: string, work: () => Promise<void>): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      await work();
    } catch (caught) {
      const error = toApiError(caught, action);
      if (error.status === 401) {
        await this.router.navigate(['/login'], { queryParams: { returnUrl: this.router.url } });
        return;
      }
      this.error.set(error.message);
    } finally {
      this.busy.set(false);
    }
  }
}
