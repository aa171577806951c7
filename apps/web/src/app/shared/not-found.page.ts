import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

@Component({
  selector: 'pb-not-found-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <section class="page narrow">
      <h1 tabindex="-1">Page not found</h1>
      <p>There is nothing at this address. <a routerLink="/projects">Go to my projects</a>.</p>
    </section>
  `,
})
export class NotFoundPage {}
