import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { SessionsApi } from '../api/sessions.api';
import { toApiError } from '../api/api-error';
import type { CallSessionNotice, DialMode, Outcome, PowerView, ProjectDetail } from '../api/api.types';
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

type ProjectLoad =
  { kind: 'loading' } | { kind: 'loaded'; detail: ProjectDetail } | { kind: 'missing' } | { kind: 'failed' };

/**
 * The volunteer's call screen (SPEC §5). It first checks the project is the volunteer's (another
 * campaign's project is "not found"), asks for the dialing mode, then shows the seven parts,
 * all driven by CallScreenStore. HTTP answers and Socket.IO pushes are the only sources of call
 * data: nothing here is invented on the client.
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
    @let project = projectLoad();
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
              [callAvailable]="state().view?.callButton?.available ?? false"
              [busy]="busy()"
              (call)="act('call')"
              (hangUp)="act('hang-up')"
              (startVoicemail)="act('voicemail')"
            />
            <pb-outcome-buttons
              [blockers]="store.outcomeBlockers()"
              [busy]="busy()"
              (record)="record($event)"
            />
          </div>

          <div class="call-column">
            @if (state().queueEmpty && session.mode === 'standard') {
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
    } @else if (project.kind === 'missing') {
      <section class="page narrow">
        <h1 tabindex="-1">Project not found</h1>
        <p>This project does not exist, or it has not been shared with you.</p>
        <a routerLink="/projects">Back to my projects</a>
      </section>
    } @else if (project.kind === 'loading') {
      <section class="page narrow"><p role="status">Loading the project…</p></section>
    } @else {
      <section class="page narrow">
        <h1 tabindex="-1">Start calling</h1>
        @if (project.kind === 'loaded') {
          <p class="muted">{{ project.detail.name }} · {{ project.detail.campaignName }}</p>
        }
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
                [disabled]="!powerDialing()"
                [checked]="mode() === 'power-phone'"
                (change)="mode.set('power-phone')"
              />
              <span
                ><strong>Power dialing by phone</strong><br /><span class="muted">{{
                  powerDialing()
                    ? 'You dial in once; the system calls each voter for you.'
                    : 'Not available for this project yet (no verified caller ID).'
                }}</span></span
              >
            </label>
          </fieldset>
          <div class="alert-slot" role="alert">
            @if (error(); as message) {
              <p class="alert error">{{ message }}</p>
            }
          </div>
          <div class="button-row">
            <button type="submit" class="primary" [disabled]="busy() || project.kind !== 'loaded'">
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
  protected readonly projectLoad = signal<ProjectLoad>({ kind: 'loading' });
  protected readonly powerDialing = computed(() => {
    const load = this.projectLoad();
    return load.kind === 'loaded' && load.detail.powerDialing;
  });
  protected readonly mode = signal<DialMode>('standard');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly notice = signal('');
  protected readonly savingNote = signal(false);
  protected readonly noteError = signal<string | null>(null);
  private loadingAttempt: string | null = null;

  protected readonly script = computed(() => {
    const user = this.users.user();
    return renderScript(this.store.session()?.script ?? '', this.store.selectedVoter(), user?.name ?? '');
  });
  protected readonly selectedAnswers = computed(() => {
    const voterId = this.state().selectedVoterId;
    return (voterId && this.state().answers[voterId]) || {};
  });

  constructor() {
    // Inputs are bound before the first change detection; read the project id after that.
    queueMicrotask(() => void this.loadProject());
  }

  protected async start(event: Event): Promise<void> {
    event.preventDefault();
    await this.run('start a calling session', async () => {
      const { session, view } = await this.api.start(this.projectId(), this.mode());
      this.store.dispatch({ type: 'session-started', session });
      if (view) {
        this.store.dispatch({ type: 'power-view', view, notice: null });
        this.socket.connect(session.id, this.store, (v, notice) => void this.followView(v, notice));
        this.notice.set('Dial in with your phone, then press Call.');
      } else {
        await this.claimNext();
      }
    });
  }

  protected async next(): Promise<void> {
    if (this.store.session()) await this.run('get the next number', () => this.claimNext());
  }

  protected async act(action: 'call' | 'hang-up' | 'voicemail'): Promise<void> {
    const session = this.store.session();
    if (!session) return;
    // The resulting call states arrive over the socket; nothing is assumed here.
    await this.run(action, async () => {
      const result =
        action === 'call'
          ? await this.api.call(session.id)
          : action === 'hang-up'
            ? await this.api.hangUp(session.id)
            : await this.api.startVoicemail(session.id);
      if (!result.accepted) this.error.set(`Not now: ${(result.reason ?? 'refused').replace(/-/g, ' ')}.`);
    });
  }

  protected async record(outcome: Outcome): Promise<void> {
    const state = this.state();
    const session = state.session;
    const phone = state.phone;
    if (!session || !phone || this.store.outcomeBlockers()[outcome]) return;
    const label = OUTCOMES.find((o) => o.outcome === outcome)?.label ?? outcome;
    await this.run('record the outcome', async () => {
      await this.api.recordOutcome(session, {
        attemptId: phone.attemptId,
        phoneId: phone.phone.id,
        outcome,
        wrongNumberVoterIds: flaggedVoterIds(state),
        surveyAnswers: surveyAnswers(state),
      });
      this.store.dispatch({ type: 'outcome-recorded' });
      if (session.mode === 'standard') {
        this.notice.set(`Recorded “${label}”. Getting the next number…`);
        await this.claimNext();
      } else {
        this.notice.set(`Recorded “${label}”. Press Call for the next number.`);
      }
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
    const attemptId = this.state().phone?.attemptId;
    await this.run('end the session', async () => {
      if (session) await this.api.end(session, attemptId);
      this.socket.disconnect();
      this.store.dispatch({ type: 'session-ended' });
      await this.router.navigateByUrl('/projects');
    });
  }

  private async loadProject(): Promise<void> {
    try {
      this.projectLoad.set({ kind: 'loaded', detail: await this.api.project(this.projectId()) });
    } catch (caught) {
      const error = toApiError(caught, 'open this project');
      if (error.status === 401) {
        await this.router.navigate(['/login'], { queryParams: { returnUrl: this.router.url } });
      } else if (error.status === 404 || error.status === 400) {
        this.projectLoad.set({ kind: 'missing' });
      } else {
        this.projectLoad.set({ kind: 'failed' });
        this.error.set(error.message);
      }
    }
  }

  /** Standard dialing: the next phone from the queue. */
  private async claimNext(): Promise<void> {
    const session = this.store.session();
    if (!session) return;
    const phone = await this.api.next(session);
    if (phone) {
      this.store.dispatch({ type: 'phone-claimed', phone });
      this.notice.set('Next number loaded.');
    } else {
      this.store.dispatch({ type: 'queue-empty' });
      this.notice.set('No numbers to call right now.');
    }
  }

  /** Power dialing: a pushed view naming a call the screen does not show yet loads its voters. */
  private async followView(view: PowerView, notice: CallSessionNotice | null): Promise<void> {
    if (notice?.kind === 'queue-empty') this.notice.set('No numbers to call right now.');
    if (notice?.kind === 'waiting-for-line') this.notice.set('All lines are busy: waiting for a free line…');
    if (notice?.kind === 'line-unavailable') this.notice.set(notice.message);
    const attemptId = view.call?.attemptId;
    if (!attemptId || attemptId === this.state().phone?.attemptId || this.loadingAttempt === attemptId)
      return;
    this.loadingAttempt = attemptId;
    try {
      const phone = await this.api.attempt(attemptId);
      if (this.state().view?.call?.attemptId === attemptId)
        this.store.dispatch({ type: 'phone-claimed', phone });
    } catch (caught) {
      this.error.set(toApiError(caught, 'load the voters').message);
    } finally {
      this.loadingAttempt = null;
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
