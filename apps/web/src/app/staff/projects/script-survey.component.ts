import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  computed,
  inject,
  input,
  linkedSignal,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { toApiError } from '../../api/api-error';
import { StaffApi, type ProjectSettings } from '../../api/staff.api';
import { renderScript } from '../../call/call-screen.state';
import { eventValue } from '../form-events';
import { slug, toSurvey, type AnswerDraft, type QuestionDraft } from '../staff-forms';

const PLACEHOLDERS = [
  { token: '{firstName}', label: 'Voter’s first name' },
  { token: '{lastName}', label: 'Voter’s last name' },
  { token: '{volunteerName}', label: 'Volunteer’s name' },
] as const;

/** SPEC §4: the script volunteers read (with the voter's name filled in) and the survey's questions. */
@Component({
  selector: 'pb-script-survey',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="panel" aria-labelledby="script-survey-heading">
      <h2 id="script-survey-heading">Script and survey</h2>
      <div class="field">
        <label for="project-script">Script</label>
        <textarea
          #scriptBox
          id="project-script"
          rows="6"
          maxlength="20000"
          [value]="script()"
          (input)="script.set(value($event)); saved.set(false)"
          aria-describedby="script-help"
        ></textarea>
        <p id="script-help" class="muted small">
          Filled in on the call screen:
          @for (p of placeholders; track p.token) {
            <button
              type="button"
              class="chip"
              (click)="insert(p.token)"
              [attr.aria-label]="'Insert ' + p.label"
            >
              {{ p.token }}
            </button>
          }
        </p>
      </div>
      <div class="script-preview">
        <h3>Preview</h3>
        <p class="script" data-testid="script-preview">{{ preview() }}</p>
      </div>

      <h3>Survey questions</h3>
      <p class="muted small">
        Volunteers pick one answer per voter. The answer's <strong>tag</strong> is saved on the voter; with a
        <strong>group</strong>, the voter also joins that group. Both can be used in Targeting.
      </p>
      @for (q of questions(); track $index; let qi = $index) {
        <fieldset class="question-draft">
          <legend>Question {{ qi + 1 }}</legend>
          <div class="field">
            <label [for]="'q-text-' + qi">Question {{ qi + 1 }} text</label>
            <input
              [id]="'q-text-' + qi"
              [value]="q.text"
              maxlength="1000"
              (input)="editQuestion(qi, value($event))"
            />
          </div>
          <table class="answers-table">
            <thead>
              <tr>
                <th scope="col">Answer</th>
                <th scope="col">Tag saved on the voter</th>
                <th scope="col">Group (optional)</th>
                <th scope="col"><span class="visually-hidden">Remove</span></th>
              </tr>
            </thead>
            <tbody>
              @for (a of q.answers; track $index; let ai = $index) {
                <tr>
                  <td>
                    <input
                      [attr.aria-label]="'Question ' + (qi + 1) + ' answer ' + (ai + 1) + ' label'"
                      [value]="a.label"
                      maxlength="200"
                      (input)="editAnswer(qi, ai, 'label', value($event))"
                    />
                  </td>
                  <td>
                    <input
                      [attr.aria-label]="'Question ' + (qi + 1) + ' answer ' + (ai + 1) + ' tag'"
                      [value]="a.tag"
                      [placeholder]="tagFor(a.label)"
                      maxlength="100"
                      (input)="editAnswer(qi, ai, 'tag', value($event))"
                    />
                  </td>
                  <td>
                    <input
                      [attr.aria-label]="'Question ' + (qi + 1) + ' answer ' + (ai + 1) + ' group'"
                      [value]="a.group"
                      maxlength="100"
                      (input)="editAnswer(qi, ai, 'group', value($event))"
                    />
                  </td>
                  <td>
                    <button type="button" class="link-button" (click)="removeAnswer(qi, ai)">
                      Remove<span class="visually-hidden"> answer {{ ai + 1 }} of question {{ qi + 1 }}</span>
                    </button>
                  </td>
                </tr>
              }
            </tbody>
          </table>
          <div class="button-row">
            <button type="button" (click)="addAnswer(qi)">Add answer to question {{ qi + 1 }}</button>
            <button type="button" (click)="move(qi, -1)" [disabled]="qi === 0">Move up</button>
            <button type="button" (click)="move(qi, 1)" [disabled]="qi === questions().length - 1">
              Move down
            </button>
            <button type="button" class="danger" (click)="removeQuestion(qi)">
              Remove question {{ qi + 1 }}
            </button>
          </div>
        </fieldset>
      } @empty {
        <p class="muted">No questions yet.</p>
      }
      <div class="button-row">
        <button type="button" (click)="addQuestion()">Add question</button>
      </div>

      <div class="alert-slot" role="alert">
        @for (problem of problems(); track problem) {
          <p class="alert error">{{ problem }}</p>
        }
      </div>
      <div role="status" class="notice">
        @if (saved()) {
          <p class="alert">Script and survey saved.</p>
        }
      </div>
      <button type="button" class="primary" (click)="save()" [disabled]="busy()">
        Save script and survey
      </button>
    </section>
  `,
})
export class ScriptSurveyComponent {
  private readonly api = inject(StaffApi);
  readonly project = input.required<ProjectSettings>();
  readonly changed = output<void>();

  /** The saved survey; an equal one (the project reloaded) keeps the drafts being edited. */
  private readonly savedQuestions = computed(() => this.project().surveyQuestions, {
    equal: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  });
  protected readonly script = linkedSignal(() => this.project().script);
  protected readonly questions = linkedSignal<QuestionDraft[]>(() =>
    this.savedQuestions().map((q) => ({
      id: q.id,
      text: q.text,
      answers: q.answers.map((a) => ({ label: a.label, tag: a.tag, group: a.group ?? '' })),
    })),
  );
  protected readonly busy = signal(false);
  protected readonly saved = signal(false);
  protected readonly problems = signal<string[]>([]);
  protected readonly placeholders = PLACEHOLDERS;
  private readonly scriptBox = viewChild<ElementRef<HTMLTextAreaElement>>('scriptBox');

  protected readonly preview = computed(() =>
    renderScript(
      this.script(),
      {
        id: 'preview',
        firstName: 'Alex',
        lastName: 'Sample',
        targeted: true,
        tags: [],
        notes: [],
        wrongNumber: false,
      },
      'Your volunteer',
    ),
  );

  protected readonly value = eventValue;
  protected tagFor(label: string): string {
    return slug(label);
  }

  protected insert(token: string): void {
    const box = this.scriptBox()?.nativeElement;
    const text = this.script();
    const at = box ? box.selectionStart : text.length;
    const end = box ? box.selectionEnd : text.length;
    this.script.set(text.slice(0, at) + token + text.slice(end));
    this.saved.set(false);
    if (box) {
      queueMicrotask(() => {
        box.focus();
        box.setSelectionRange(at + token.length, at + token.length);
      });
    }
  }

  private update(fn: (qs: QuestionDraft[]) => QuestionDraft[]): void {
    this.questions.update((qs) => fn(qs.map((q) => ({ ...q, answers: q.answers.map((a) => ({ ...a })) }))));
    this.saved.set(false);
    this.problems.set([]);
  }

  protected addQuestion(): void {
    this.update((qs) => [
      ...qs,
      {
        id: '',
        text: '',
        answers: [
          { label: '', tag: '', group: '' },
          { label: '', tag: '', group: '' },
        ],
      },
    ]);
  }

  protected editQuestion(qi: number, text: string): void {
    this.update((qs) => {
      qs[qi]!.text = text;
      return qs;
    });
  }

  protected removeQuestion(qi: number): void {
    this.update((qs) => qs.filter((_, i) => i !== qi));
  }

  protected move(qi: number, by: number): void {
    this.update((qs) => {
      const [q] = qs.splice(qi, 1);
      qs.splice(qi + by, 0, q!);
      return qs;
    });
  }

  protected addAnswer(qi: number): void {
    this.update((qs) => {
      qs[qi]!.answers.push({ label: '', tag: '', group: '' });
      return qs;
    });
  }

  protected editAnswer(qi: number, ai: number, field: keyof AnswerDraft, text: string): void {
    this.update((qs) => {
      qs[qi]!.answers[ai]![field] = text;
      return qs;
    });
  }

  protected removeAnswer(qi: number, ai: number): void {
    this.update((qs) => {
      qs[qi]!.answers.splice(ai, 1);
      return qs;
    });
  }

  protected async save(): Promise<void> {
    const built = toSurvey(this.questions());
    if ('problems' in built) {
      this.problems.set(built.problems);
      return;
    }
    this.busy.set(true);
    this.problems.set([]);
    try {
      await this.api.updateProject(this.project().id, {
        script: this.script(),
        surveyQuestions: built.survey,
      });
      this.saved.set(true);
      this.changed.emit();
    } catch (caught) {
      this.problems.set([toApiError(caught, 'save the script and survey').message]);
    } finally {
      this.busy.set(false);
    }
  }
}
