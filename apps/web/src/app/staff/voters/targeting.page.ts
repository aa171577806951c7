import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import { toApiError } from '../../api/api-error';
import {
  StaffApi,
  type FacetValue,
  type SaveTargetsResultJson,
  type StaffProjectSummary,
  type VoterFacets,
} from '../../api/staff.api';
import { eventChecked, eventValue } from '../form-events';
import { COMMON_TIME_ZONES, EMPTY_FILTER, toFilter, type FilterDraft } from '../staff-forms';

type Count =
  | { kind: 'idle' }
  | { kind: 'counting' }
  | { kind: 'counted'; n: number }
  | { kind: 'failed'; message: string };

/**
 * Staff: targeting (SPEC §4 "Adding voters"). Filters with a live count of the matching voters,
 * then save them into an existing project or a new one (a birthday project if wanted), skipping
 * phones called in another project recently if asked.
 */
@Component({
  selector: 'pb-staff-targeting-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <section class="page wide-page">
      <h1 tabindex="-1">Targeting</h1>
      <p class="muted">Every filter you fill in must match. Leave a filter empty to ignore it.</p>

      <form class="panel" novalidate (submit)="$event.preventDefault()" aria-labelledby="filters-heading">
        <h2 id="filters-heading">Filters</h2>
        <div class="field-grid">
          @for (f of listFields; track f.key) {
            <div class="field">
              <label [for]="'filter-' + f.key">{{ f.label }}</label>
              <input
                [id]="'filter-' + f.key"
                [value]="draft()[f.key]"
                (input)="edit(f.key, value($event))"
                [attr.aria-describedby]="'filter-' + f.key + '-help'"
                [attr.aria-invalid]="problems()[f.key] ? true : null"
              />
              <p [id]="'filter-' + f.key + '-help'" class="muted small">
                {{ f.help }}
                @if (known(f.facet); as values) {
                  @if (values.length) {
                    Known: {{ values }}
                  }
                }
              </p>
              @if (problems()[f.key]; as m) {
                <p class="field-error">{{ m }}</p>
              }
            </div>
          }
          <div class="field">
            <label for="filter-minAge">Youngest age</label>
            <input
              id="filter-minAge"
              type="number"
              min="0"
              max="130"
              [value]="draft().minAge"
              (input)="edit('minAge', value($event))"
            />
            @if (problems()['minAge']; as m) {
              <p class="field-error">{{ m }}</p>
            }
          </div>
          <div class="field">
            <label for="filter-maxAge">Oldest age</label>
            <input
              id="filter-maxAge"
              type="number"
              min="0"
              max="130"
              [value]="draft().maxAge"
              (input)="edit('maxAge', value($event))"
            />
            @if (problems()['maxAge']; as m) {
              <p class="field-error">{{ m }}</p>
            }
          </div>
          <div class="field">
            <label for="filter-birthdayFrom">Birthday from (MM-DD)</label>
            <input
              id="filter-birthdayFrom"
              placeholder="03-01"
              [value]="draft().birthdayFrom"
              (input)="edit('birthdayFrom', value($event))"
            />
            @if (problems()['birthdayFrom']; as m) {
              <p class="field-error">{{ m }}</p>
            }
          </div>
          <div class="field">
            <label for="filter-birthdayTo">Birthday to (MM-DD)</label>
            <input
              id="filter-birthdayTo"
              placeholder="03-31"
              [value]="draft().birthdayTo"
              (input)="edit('birthdayTo', value($event))"
            />
            @if (problems()['birthdayTo']; as m) {
              <p class="field-error">{{ m }}</p>
            }
          </div>
          <div class="field">
            <label for="filter-hasPhone">Phone</label>
            <select
              id="filter-hasPhone"
              [value]="draft().hasPhone"
              (change)="edit('hasPhone', value($event))"
            >
              <option value="yes">Only voters with a phone</option>
              <option value="no">Only voters without a phone</option>
              <option value="">With or without a phone</option>
            </select>
          </div>
        </div>
        <div class="button-row">
          <button type="button" (click)="reset()">Clear filters</button>
        </div>
      </form>

      <p class="count-line" role="status" aria-live="polite">
        @switch (count().kind) {
          @case ('counting') {
            Counting…
          }
          @case ('counted') {
            <strong data-testid="voter-count">{{ countValue() }}</strong>
            {{ countValue() === 1 ? 'voter matches' : 'voters match' }}
            @if (facets(); as f) {
              <span class="muted">of {{ f.voters }} in the campaign</span>
            }
          }
          @case ('failed') {
            <span class="alert error">{{ countFailure() }}</span>
          }
          @default {
            Fix the filters to see how many voters match.
          }
        }
      </p>

      <form class="panel" novalidate (submit)="save($event)" aria-labelledby="save-heading">
        <h2 id="save-heading">Save into a project</h2>
        <fieldset class="field">
          <legend>Project</legend>
          <label class="choice">
            <input
              type="radio"
              name="target-project"
              value="existing"
              [checked]="mode() === 'existing'"
              (change)="mode.set('existing')"
              [disabled]="openProjects().length === 0"
            />
            An existing project
          </label>
          <label class="choice">
            <input
              type="radio"
              name="target-project"
              value="new"
              [checked]="mode() === 'new'"
              (change)="mode.set('new')"
            />
            A new project
          </label>
        </fieldset>
        @if (mode() === 'existing') {
          <div class="field">
            <label for="target-existing">Existing project</label>
            <select id="target-existing" [value]="projectId()" (change)="projectId.set(value($event))">
              <option value="">Choose a project…</option>
              @for (p of openProjects(); track p.id) {
                <option [value]="p.id" [selected]="p.id === projectId()">
                  {{ p.name }}{{ p.birthdayMode ? ' (birthday)' : '' }} — {{ p.queue.targets }} voters
                </option>
              }
            </select>
          </div>
        } @else {
          <div class="field">
            <label for="target-new-name">New project name</label>
            <input
              id="target-new-name"
              maxlength="200"
              [value]="newName()"
              (input)="newName.set(value($event))"
            />
          </div>
          <div class="field">
            <label for="target-new-tz">Time zone of its calling hours</label>
            <input
              id="target-new-tz"
              list="targeting-zones"
              [value]="newTimeZone()"
              (input)="newTimeZone.set(value($event))"
            />
            <datalist id="targeting-zones">
              @for (zone of zones; track zone) {
                <option [value]="zone"></option>
              }
            </datalist>
          </div>
          <label class="choice">
            <input type="checkbox" [checked]="newBirthday()" (change)="newBirthday.set(checked($event))" />
            Birthday project: each day, only these voters whose birthday it is are called
          </label>
        }
        <div class="suppress">
          <label class="choice">
            <input type="checkbox" [checked]="suppress()" (change)="suppress.set(checked($event))" />
            Skip phones called in another project within the last
          </label>
          <label class="visually-hidden" for="suppress-days">Days</label>
          <input
            id="suppress-days"
            type="number"
            min="1"
            max="365"
            class="short"
            [value]="suppressDays()"
            (input)="suppressDays.set(value($event))"
            [disabled]="!suppress()"
          />
          days
        </div>
        <div class="alert-slot" role="alert">
          @if (saveError(); as message) {
            <p class="alert error">{{ message }}</p>
          }
        </div>
        <button type="submit" class="primary" [disabled]="busy()">Save voters into the project</button>
      </form>

      @if (saved(); as s) {
        <section class="panel" role="status" aria-labelledby="saved-heading">
          <h2 id="saved-heading">Saved into {{ s.projectName }}</h2>
          <dl class="figures">
            <div>
              <dt>Voters matched</dt>
              <dd>{{ s.result.votersMatched }}</dd>
            </div>
            <div>
              <dt>With a callable phone</dt>
              <dd>{{ s.result.votersWithPhone }}</dd>
            </div>
            <div>
              <dt>Suppressed</dt>
              <dd>{{ s.result.suppressed }}</dd>
            </div>
            <div>
              <dt>Voters added</dt>
              <dd data-figure="targetsAdded">{{ s.result.targetsAdded }}</dd>
            </div>
            <div>
              <dt>Phones queued</dt>
              <dd data-figure="phonesQueued">{{ s.result.phonesQueued }}</dd>
            </div>
          </dl>
          <a class="button" [routerLink]="['/staff/projects', s.projectId]">Open {{ s.projectName }}</a>
        </section>
      }
    </section>
  `,
})
export class StaffTargetingPage {
  private readonly api = inject(StaffApi);
  /** ?projectId= preselects an existing project (from the project page's "Add voters"). */
  readonly projectIdParam = input<string | undefined>(undefined, { alias: 'projectId' });

  protected readonly draft = signal<FilterDraft>({ ...EMPTY_FILTER });
  protected readonly count = signal<Count>({ kind: 'idle' });
  protected readonly facets = signal<VoterFacets | null>(null);
  protected readonly projects = signal<StaffProjectSummary[]>([]);
  protected readonly mode = signal<'existing' | 'new'>('new');
  protected readonly projectId = signal('');
  protected readonly newName = signal('');
  protected readonly newTimeZone = signal('America/New_York');
  protected readonly newBirthday = signal(false);
  protected readonly suppress = signal(false);
  protected readonly suppressDays = signal('14');
  protected readonly busy = signal(false);
  protected readonly saveError = signal<string | null>(null);
  protected readonly saved = signal<{
    projectId: string;
    projectName: string;
    result: SaveTargetsResultJson;
  } | null>(null);
  protected readonly zones = COMMON_TIME_ZONES;
  protected readonly value = eventValue;
  protected readonly checked = eventChecked;

  protected readonly listFields: readonly {
    key: 'tagsAny' | 'tagsAll' | 'tagsNone' | 'groupsAny' | 'states' | 'cities' | 'zips' | 'zipPrefix';
    label: string;
    help: string;
    facet: 'tags' | 'groups' | 'states' | 'cities' | null;
  }[] = [
    { key: 'tagsAny', label: 'Any of these tags', help: 'Separate with commas.', facet: 'tags' },
    { key: 'tagsAll', label: 'All of these tags', help: 'Separate with commas.', facet: null },
    { key: 'tagsNone', label: 'None of these tags', help: 'Separate with commas.', facet: null },
    {
      key: 'groupsAny',
      label: 'In any of these groups',
      help: 'Groups come from survey answers.',
      facet: 'groups',
    },
    { key: 'states', label: 'States', help: 'Two-letter codes, separated with commas.', facet: 'states' },
    { key: 'cities', label: 'Cities', help: 'Separated with commas.', facet: 'cities' },
    { key: 'zips', label: 'ZIP codes', help: 'Separated with commas.', facet: null },
    { key: 'zipPrefix', label: 'ZIP codes starting with', help: 'For example 122.', facet: null },
  ];

  protected readonly problems = computed(() => {
    const built = toFilter(this.draft());
    return 'problems' in built ? built.problems : {};
  });
  protected readonly openProjects = computed(() => this.projects().filter((p) => !p.archived));

  private timer: ReturnType<typeof setTimeout> | null = null;
  private countSeq = 0;

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      if (this.timer) clearTimeout(this.timer);
    });
    // The live count, 400 ms after the filters stop changing; answers of older filters are dropped.
    effect(() => {
      const built = toFilter(this.draft());
      if (this.timer) clearTimeout(this.timer);
      if ('problems' in built) {
        this.count.set({ kind: 'idle' });
        return;
      }
      this.count.set({ kind: 'counting' });
      const seq = ++this.countSeq;
      this.timer = setTimeout(async () => {
        try {
          const n = await this.api.count(built.filter);
          if (seq === this.countSeq) this.count.set({ kind: 'counted', n });
        } catch (caught) {
          if (seq === this.countSeq)
            this.count.set({ kind: 'failed', message: toApiError(caught, 'count the voters').message });
        }
      }, 400);
    });
    effect(() => {
      const id = this.projectIdParam();
      if (id) {
        this.projectId.set(id);
        this.mode.set('existing');
      }
    });
    void this.loadPickers();
  }

  protected known(facet: 'tags' | 'groups' | 'states' | 'cities' | null): string {
    const values: FacetValue[] = (facet && this.facets()?.[facet]) || [];
    return values
      .slice(0, 12)
      .map((v) => `${v.value} (${v.voters})`)
      .join(', ');
  }

  protected countValue(): number {
    const c = this.count();
    return c.kind === 'counted' ? c.n : 0;
  }

  protected countFailure(): string {
    const c = this.count();
    return c.kind === 'failed' ? c.message : '';
  }

  protected edit(key: keyof FilterDraft, value: string): void {
    this.draft.update((d) => ({ ...d, [key]: value }));
    this.saved.set(null);
  }

  protected reset(): void {
    this.draft.set({ ...EMPTY_FILTER });
  }

  private async loadPickers(): Promise<void> {
    try {
      const [facets, projects] = await Promise.all([this.api.facets(), this.api.projects()]);
      this.facets.set(facets);
      this.projects.set(projects);
    } catch (caught) {
      this.saveError.set(toApiError(caught, 'load the projects and voter facts').message);
    }
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    this.saveError.set(null);
    const built = toFilter(this.draft());
    if ('problems' in built) {
      this.saveError.set('Fix the filters first.');
      return;
    }
    let suppressDays: number | undefined;
    if (this.suppress()) {
      const n = Number(this.suppressDays());
      if (!Number.isInteger(n) || n < 1 || n > 365) {
        this.saveError.set('The suppression window is a whole number of days from 1 to 365.');
        return;
      }
      suppressDays = n;
    }
    this.busy.set(true);
    try {
      let projectId = this.projectId();
      let projectName = this.projects().find((p) => p.id === projectId)?.name ?? '';
      if (this.mode() === 'new') {
        const name = this.newName().trim();
        if (!name) {
          this.saveError.set('Give the new project a name.');
          return;
        }
        const created = await this.api.createProject({
          name,
          timeZone: this.newTimeZone().trim() || 'America/New_York',
          birthdayMode: this.newBirthday(),
        });
        projectId = created.id;
        projectName = created.name;
      } else if (!projectId) {
        this.saveError.set('Choose the project to save the voters into.');
        return;
      }
      const result = await this.api.saveTargets(projectId, {
        filter: built.filter,
        ...(suppressDays ? { suppressDays } : {}),
      });
      this.saved.set({ projectId, projectName, result });
      this.projects.set(await this.api.projects());
      if (this.mode() === 'new') {
        this.mode.set('existing');
        this.projectId.set(projectId);
        this.newName.set('');
      }
    } catch (caught) {
      this.saveError.set(toApiError(caught, 'save the voters into the project').message);
    } finally {
      this.busy.set(false);
    }
  }
}
