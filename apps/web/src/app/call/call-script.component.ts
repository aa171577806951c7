import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** The project's script with the selected voter's name filled in (plain text). */
@Component({
  selector: 'pb-call-script',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="panel" aria-labelledby="script-heading">
      <h2 id="script-heading">Script</h2>
      <p class="script">{{ text() }}</p>
    </section>
  `,
})
export class CallScriptComponent {
  readonly text = input.required<string>();
}
