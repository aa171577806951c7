import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import type { ClaimedVoter, SurveyQuestion } from '../api/api.types';
import type { AnswerValue } from './call-screen.state';

export interface SurveyAnswerChange {
  voterId: string;
  questionId: string;
  value: AnswerValue;
}

/** SPEC §5.4: the campaign's survey for the selected voter. Answers are sent with the outcome. */
@Component({
  selector: 'pb-survey-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="panel" aria-labelledby="survey-heading">
      <h2 id="survey-heading">
        Survey
        @if (voter(); as v) {
          <span class="muted">for {{ v.firstName }} {{ v.lastName }}</span>
        }
      </h2>
      @if (!voter()) {
        <p class="muted">Choose a voter to answer the survey for.</p>
      } @else if (questions().length === 0) {
        <p class="muted">This project has no survey.</p>
      } @else {
        @for (question of questions(); track question.id) {
          @switch (question.kind) {
            @case ('text') {
              <div class="field">
                <label [for]="fieldId(question.id)">{{ question.label }}</label>
                <textarea
                  [id]="fieldId(question.id)"
                  rows="2"
                  [value]="text(question.id)"
                  (input)="answerText(question.id, $event)"
                ></textarea>
              </div>
            }
            @default {
              <fieldset class="field">
                <legend>{{ question.label }}</legend>
                @for (option of question.options; track option.id) {
                  <label class="choice">
                    <input
                      [type]="question.kind === 'single' ? 'radio' : 'checkbox'"
                      [name]="fieldId(question.id)"
                      [value]="option.id"
                      [checked]="isChosen(question.id, option.id)"
                      (change)="choose(question, option.id, $event)"
                    />
                    {{ option.label }}
                  </label>
                }
              </fieldset>
            }
          }
        }
      }
    </section>
  `,
})
export class SurveyFormComponent {
  readonly questions = input.required<SurveyQuestion[]>();
  readonly voter = input.required<ClaimedVoter | null>();
  /** questionId -> answer for the selected voter. */
  readonly answers = input<Readonly<Record<string, AnswerValue>>>({});
  readonly answer = output<SurveyAnswerChange>();

  protected fieldId(questionId: string): string {
    return `survey-${this.voter()?.id ?? 'none'}-${questionId}`;
  }

  protected text(questionId: string): string {
    const value = this.answers()[questionId];
    return typeof value === 'string' ? value : '';
  }

  protected isChosen(questionId: string, optionId: string): boolean {
    const value = this.answers()[questionId];
    return Array.isArray(value) ? value.includes(optionId) : value === optionId;
  }

  protected answerText(questionId: string, event: Event): void {
    this.emit(questionId, (event.target as HTMLTextAreaElement).value);
  }

  protected choose(question: SurveyQuestion, optionId: string, event: Event): void {
    const checked = (event.target as HTMLInputElement).checked;
    if (question.kind === 'single') return this.emit(question.id, optionId);
    const current = this.answers()[question.id];
    const chosen = new Set(Array.isArray(current) ? current : []);
    if (checked) chosen.add(optionId);
    else chosen.delete(optionId);
    this.emit(
      question.id,
      question.options.map((o) => o.id).filter((id) => chosen.has(id)),
    );
  }

  private emit(questionId: string, value: AnswerValue): void {
    const voter = this.voter();
    if (voter) this.answer.emit({ voterId: voter.id, questionId, value });
  }
}
