import { ChangeDetectionStrategy, Component, inject, signal, type OnInit } from '@angular/core';
import { StaffRequest } from '../staff-request';
import { eventValue, exitReason } from '../staff-format';
import {
  DncCreditsApi,
  formatPhone,
  formatWhen,
  pageCount,
  type DncAuditJson,
  type DncEntryJson,
  type DncImportJson,
  type PageJson,
} from './dnc.api';

const PAGE_SIZE = 25;
const SOURCES: Record<string, string> = {
  manual: 'added by staff',
  import: 'imported',
  outcome: 'call outcome',
};

/**
 * Staff: the campaign's do-not-call list (SPEC §3, issue 6). Adding a number has the effect of
 * the "do not call" outcome in every project; removing it gives back what only DNC kept out.
 * Every change asks for a reason and is shown in the audit log below the list.
 */
@Component({
  selector: 'pb-staff-dnc-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="page wide-page">
      <h1 tabindex="-1">Do not call</h1>
      <p class="muted">
        A number on this list is never called in any project of the campaign, now or in projects made later.
        It still shows on voter profiles, marked DNC. When 3 or more campaigns on this install list or flag
        one number, it is blocked for every campaign.
      </p>
      <div class="alert-slot" role="alert">
        @if (error(); as message) {
          <p class="alert error">{{ message }}</p>
        }
      </div>
      <div class="notice" role="status">
        @if (notice(); as message) {
          <p class="alert">{{ message }}</p>
        }
      </div>

      <form class="panel inline-form" novalidate (submit)="add($event)" aria-labelledby="dnc-add-heading">
        <h2 id="dnc-add-heading">Add a number</h2>
        <div class="field">
          <label for="dnc-number">Phone number</label>
          <input
            id="dnc-number"
            inputmode="tel"
            autocomplete="off"
            [value]="number()"
            (input)="number.set(value($event))"
          />
        </div>
        <div class="field">
          <label for="dnc-reason">Reason</label>
          <input id="dnc-reason" maxlength="500" [value]="reason()" (input)="reason.set(value($event))" />
        </div>
        <button type="submit" class="primary" [disabled]="busy() || !number().trim() || !reason().trim()">
          Add to list
        </button>
      </form>

      <form class="panel" novalidate (submit)="importFile($event)" aria-labelledby="dnc-import-heading">
        <h2 id="dnc-import-heading">Import a CSV file</h2>
        <p class="muted small">
          A column named <code>phone</code> (and optionally <code>reason</code>), or one number per line.
          Every line is checked first: if any is wrong, nothing is imported and the lines to fix are listed.
        </p>
        <div class="field-row">
          <div class="field">
            <label for="dnc-file">CSV file</label>
            <input id="dnc-file" type="file" accept=".csv,text/csv,text/plain" (change)="choose($event)" />
          </div>
          <div class="field">
            <label for="dnc-import-reason">Reason for lines without one</label>
            <input
              id="dnc-import-reason"
              maxlength="500"
              [value]="importReason()"
              (input)="importReason.set(value($event))"
            />
          </div>
        </div>
        <div class="button-row">
          <button type="submit" [disabled]="busy() || !file() || !importReason().trim()">Import</button>
          <a class="button" [href]="exportUrl" download>Export CSV</a>
        </div>
        @if (imported(); as r) {
          @if (r.ok) {
            <p class="alert" role="status">
              Imported {{ r.rows }} lines: {{ r.added }} numbers added, {{ r.alreadyListed }} already listed,
              {{ r.queueEntriesClosed }} queue entries closed.
            </p>
          } @else {
            <div class="alert error error-report" role="alert">
              <p>
                Nothing was imported: {{ r.errorCount }}
                {{ r.errorCount === 1 ? 'line needs' : 'lines need' }} fixing.
              </p>
              <ul>
                @for (e of r.errors; track $index) {
                  <li>Line {{ e.line }}{{ e.column ? ' (' + e.column + ')' : '' }}: {{ e.message }}</li>
                }
              </ul>
            </div>
          }
        }
      </form>

      <section class="panel" aria-labelledby="dnc-list-heading">
        <h2 id="dnc-list-heading">The list ({{ list()?.total ?? 0 }})</h2>
        <form class="inline-form" role="search" novalidate (submit)="search($event)">
          <div class="field">
            <label for="dnc-search">Search by number</label>
            <input
              id="dnc-search"
              inputmode="tel"
              [value]="searchText()"
              (input)="searchText.set(value($event))"
            />
          </div>
          <button type="submit">Search</button>
        </form>
        @if (list(); as l) {
          @if (l.items.length === 0) {
            <p class="muted">{{ searched() ? 'No number on the list matches.' : 'The list is empty.' }}</p>
          } @else {
            <div class="table-wrap">
              <table class="data-table" aria-label="Numbers on the do-not-call list">
                <thead>
                  <tr>
                    <th scope="col">Number</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Source</th>
                    <th scope="col">Added</th>
                    <th scope="col">Phone</th>
                    <th scope="col"><span class="visually-hidden">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  @for (e of l.items; track e.e164) {
                    <tr>
                      <td>{{ phone(e.e164) }}</td>
                      <td>{{ e.reason }}</td>
                      <td>{{ source(e.source) }}</td>
                      <td>{{ when(e.addedAt) }}{{ e.addedBy ? ' by ' + e.addedBy.name : '' }}</td>
                      <td>
                        {{ e.phoneStatus ? status(e.phoneStatus) : 'no voter has it' }}
                        @if (e.installFlagged) {
                          <span class="tag">blocked install-wide</span>
                        }
                      </td>
                      <td>
                        @if (removing() === e.e164) {
                          <form class="inline-form" novalidate (submit)="remove($event, e)">
                            <div class="field">
                              <label [for]="'remove-reason-' + e.e164"
                                >Reason for removing {{ phone(e.e164) }}</label
                              >
                              <input
                                [id]="'remove-reason-' + e.e164"
                                maxlength="500"
                                [value]="removeReason()"
                                (input)="removeReason.set(value($event))"
                              />
                            </div>
                            <button
                              type="submit"
                              class="danger"
                              [disabled]="busy() || !removeReason().trim()"
                            >
                              Confirm removal
                            </button>
                            <button type="button" class="link-button" (click)="removing.set(null)">
                              Cancel
                            </button>
                          </form>
                        } @else {
                          <button
                            type="button"
                            (click)="startRemove(e)"
                            [attr.aria-label]="'Remove ' + phone(e.e164)"
                          >
                            Remove
                          </button>
                        }
                      </td>
                    </tr>
                  }
                </tbody>
              </table>
            </div>
            <nav class="button-row" aria-label="Pages of the list">
              <button type="button" [disabled]="l.page <= 1" (click)="loadList(l.page - 1)">
                Previous page
              </button>
              <span>Page {{ l.page }} of {{ pages(l) }}</span>
              <button type="button" [disabled]="l.page >= pages(l)" (click)="loadList(l.page + 1)">
                Next page
              </button>
            </nav>
          }
        }
      </section>

      <section class="panel" aria-labelledby="dnc-audit-heading">
        <h2 id="dnc-audit-heading">Audit log</h2>
        <p class="muted small">Every change to the list: who, when, what and why. It can never be edited.</p>
        @if (audit(); as a) {
          @if (a.items.length === 0) {
            <p class="muted">No changes yet.</p>
          } @else {
            <div class="table-wrap">
              <table class="data-table" aria-label="Audit log of the do-not-call list">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Change</th>
                    <th scope="col">Number</th>
                    <th scope="col">Reason</th>
                    <th scope="col">By</th>
                  </tr>
                </thead>
                <tbody>
                  @for (r of a.items; track r.id) {
                    <tr>
                      <td>{{ when(r.at) }}</td>
                      <td>{{ r.action === 'add' ? 'added (' + source(r.source) + ')' : 'removed' }}</td>
                      <td>{{ phone(r.e164) }}</td>
                      <td>{{ r.reason }}</td>
                      <td>{{ r.user?.name ?? 'the engine' }}</td>
                    </tr>
                  }
                </tbody>
              </table>
            </div>
            <nav class="button-row" aria-label="Pages of the audit log">
              <button type="button" [disabled]="a.page <= 1" (click)="loadAudit(a.page - 1)">Newer</button>
              <span>Page {{ a.page }} of {{ pages(a) }}</span>
              <button type="button" [disabled]="a.page >= pages(a)" (click)="loadAudit(a.page + 1)">
                Older
              </button>
            </nav>
          }
        }
      </section>
    </section>
  `,
})
export class StaffDncPage implements OnInit {
  private readonly api = inject(DncCreditsApi);

  protected readonly exportUrl = this.api.dncExportUrl;
  protected readonly number = signal('');
  protected readonly reason = signal('');
  protected readonly importReason = signal('');
  protected readonly file = signal<File | null>(null);
  protected readonly searchText = signal('');
  protected readonly searched = signal('');
  protected readonly removing = signal<string | null>(null);
  protected readonly removeReason = signal('');
  protected readonly list = signal<PageJson<DncEntryJson> | null>(null);
  protected readonly audit = signal<PageJson<DncAuditJson> | null>(null);
  protected readonly imported = signal<DncImportJson | null>(null);
  private readonly request = new StaffRequest();
  protected readonly busy = this.request.busy;
  protected readonly error = this.request.error;
  protected readonly notice = signal<string | null>(null);
  protected readonly value = eventValue;
  protected readonly phone = formatPhone;
  protected readonly when = formatWhen;
  protected readonly pages = pageCount;
  protected readonly status = exitReason;

  ngOnInit(): void {
    void this.run('load the list', () => this.refresh());
  }

  protected source(s: string): string {
    return SOURCES[s] ?? s;
  }

  protected choose(event: Event): void {
    this.file.set((event.target as HTMLInputElement).files?.[0] ?? null);
    this.imported.set(null);
  }

  protected async loadList(page = 1): Promise<void> {
    await this.run('load the list', () => this.fetchList(page));
  }

  protected async loadAudit(page = 1): Promise<void> {
    await this.run('load the audit log', () => this.fetchAudit(page));
  }

  private async fetchList(page: number): Promise<void> {
    this.list.set(await this.api.dncList(page, PAGE_SIZE, this.searched()));
  }

  private async fetchAudit(page: number): Promise<void> {
    this.audit.set(await this.api.dncAudit(page, PAGE_SIZE));
  }

  protected async search(event: Event): Promise<void> {
    event.preventDefault();
    this.searched.set(this.searchText().trim());
    await this.loadList(1);
  }

  protected async add(event: Event): Promise<void> {
    event.preventDefault();
    await this.run('add the number', async () => {
      const r = await this.api.addDnc(this.number().trim(), this.reason().trim());
      this.notice.set(
        r.changed
          ? `${formatPhone(r.e164)} is now on the list${r.queueEntriesClosed ? ` (taken out of ${r.queueEntriesClosed} project queues)` : ''}.`
          : `${formatPhone(r.e164)} was already on the list.`,
      );
      this.number.set('');
      this.reason.set('');
      await this.refresh();
    });
  }

  protected startRemove(e: DncEntryJson): void {
    this.removeReason.set('');
    this.removing.set(e.e164);
  }

  protected async remove(event: Event, e: DncEntryJson): Promise<void> {
    event.preventDefault();
    await this.run('remove the number', async () => {
      const r = await this.api.removeDnc(e.e164, this.removeReason().trim());
      this.removing.set(null);
      this.notice.set(
        `${formatPhone(r.e164)} is off the list${r.queueEntriesReopened ? `; back in ${r.queueEntriesReopened} project queues` : ''}.`,
      );
      await this.refresh(this.list()?.page ?? 1);
    });
  }

  protected async importFile(event: Event): Promise<void> {
    event.preventDefault();
    const file = this.file();
    if (!file) return;
    await this.run('import the file', async () => {
      const r = await this.api.importDnc(file, this.importReason().trim());
      this.imported.set(r);
      if (r.ok) await this.refresh();
    });
  }

  private async refresh(page = 1): Promise<void> {
    await Promise.all([this.fetchList(page), this.fetchAudit(1)]);
  }

  private async run(action: string, work: () => Promise<void>): Promise<void> {
    await this.request.run(action, work);
  }
}
