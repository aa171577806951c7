import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { toApiError } from '../../api/api-error';
import { StaffApi, type VoterImportJob } from '../../api/staff.api';

type Stage =
  | { kind: 'idle' }
  | { kind: 'running'; job: VoterImportJob | null; sent: number; total: number }
  | { kind: 'finished'; job: VoterImportJob }
  | { kind: 'failed'; message: string };

const TEMPLATE_CSV =
  'voter_id,first_name,last_name,address_line1,city,state,zip,birthday,tags,phone1,phone1_score,phone1_type,phone2,phone2_score,phone2_type\n' +
  'A-1001,Alma,Avery,12 Main St,Albany,NY,12207,1961-03-11,volunteer;yard-sign,(518) 555-0134,90,landline,518-555-0199,60,cell\n';

const COLUMNS: readonly { name: string; help: string }[] = [
  { name: 'voter_id', help: 'Required. Your id for the voter; importing it again updates the voter.' },
  { name: 'first_name, last_name', help: 'Required.' },
  { name: 'middle_name', help: 'Optional.' },
  { name: 'address_line1, address_line2, city', help: 'Optional.' },
  { name: 'state', help: 'Two-letter US state code; sets the calling-hours rules with time_zone.' },
  { name: 'zip', help: '12345 or 12345-6789.' },
  { name: 'birthday', help: 'YYYY-MM-DD or MM/DD/YYYY (for ages and birthday projects).' },
  { name: 'time_zone', help: 'IANA zone (America/Chicago); otherwise taken from the state or area code.' },
  { name: 'tags', help: 'Separated by ; or |.' },
  { name: 'notes', help: 'Free text shown on the voter profile.' },
  {
    name: 'phone1 … phone9',
    help: 'US numbers in any usual writing; with phoneN_score (0–100, best first) and phoneN_type (landline, cell, voip, unknown).',
  },
];

const PHASES: Record<VoterImportJob['phase'], string> = {
  waiting: 'Waiting for the file',
  parsing: 'Checking and importing rows',
  merging: 'Saving voters and phones',
  done: 'Imported',
  failed: 'Not imported',
};

/**
 * Staff: import voters from a CSV (SPEC §3–4). The file is announced as an import job, then
 * uploaded; the bar follows the upload and the server's own progress (rows checked, then the
 * save). All or nothing: a file with bad rows imports nothing and lists them by line and column.
 */
@Component({
  selector: 'pb-staff-voter-import-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <section class="page wide-page">
      <h1 tabindex="-1">Import voters</h1>
      <p>
        Upload a CSV file (UTF-8) with one voter per line. Nothing is imported if any line is wrong: fix the
        lines listed and upload the file again. Importing a file twice changes nothing.
      </p>

      <form class="panel" novalidate (submit)="upload($event)" aria-labelledby="upload-heading">
        <h2 id="upload-heading">Upload</h2>
        <div class="field">
          <label for="voter-file">CSV file</label>
          <input id="voter-file" type="file" accept=".csv,text/csv" (change)="choose($event)" />
        </div>
        <button type="submit" class="primary" [disabled]="!file() || running()">
          {{ running() ? 'Importing…' : 'Import voters' }}
        </button>
      </form>

      @switch (stage().kind) {
        @case ('running') {
          <section class="panel" aria-labelledby="progress-heading">
            <h2 id="progress-heading">Importing {{ file()?.name }}</h2>
            <label for="upload-progress">Upload</label>
            <progress id="upload-progress" [value]="uploadPercent()" max="100">
              {{ uploadPercent() }}%
            </progress>
            <p class="muted small">{{ uploadText() }}</p>
            <label for="server-progress">On the server</label>
            <progress id="server-progress" [value]="serverPercent()" max="100">
              {{ serverPercent() }}%
            </progress>
            <p role="status" class="muted small">{{ serverText() }}</p>
          </section>
        }
        @case ('failed') {
          <div role="alert" class="alert error">
            <p>{{ failure() }}</p>
          </div>
        }
        @case ('finished') {
          @if (finished(); as job) {
            @if (job.result?.ok) {
              <section class="panel" aria-labelledby="result-heading" role="status">
                <h2 id="result-heading">Imported {{ job.fileName }}</h2>
                <dl class="figures">
                  <div>
                    <dt>Rows</dt>
                    <dd data-figure="rows">{{ job.result!.rows }}</dd>
                  </div>
                  <div>
                    <dt>New voters</dt>
                    <dd data-figure="votersInserted">{{ job.result!.votersInserted }}</dd>
                  </div>
                  <div>
                    <dt>Updated voters</dt>
                    <dd>{{ job.result!.votersUpdated }}</dd>
                  </div>
                  <div>
                    <dt>New phones</dt>
                    <dd data-figure="phonesInserted">{{ job.result!.phonesInserted }}</dd>
                  </div>
                  <div>
                    <dt>Updated phones</dt>
                    <dd>{{ job.result!.phonesUpdated }}</dd>
                  </div>
                </dl>
                <a class="button" routerLink="/staff/voters/targeting">Choose voters to call</a>
              </section>
            } @else {
              <section class="panel error-report" aria-labelledby="errors-heading" role="alert">
                <h2 id="errors-heading">Nothing was imported</h2>
                @if (job.result; as r) {
                  <p>
                    {{ r.errorCount }} {{ r.errorCount === 1 ? 'problem' : 'problems' }} in
                    {{ job.fileName }}. Fix {{ r.errorCount === 1 ? 'it' : 'them' }} and upload the file
                    again.
                    @if (r.errorCount > r.errors.length) {
                      The first {{ r.errors.length }} are listed.
                    }
                  </p>
                  <table class="data-table" aria-label="Problems by line">
                    <thead>
                      <tr>
                        <th scope="col" class="num">Line</th>
                        <th scope="col">Column</th>
                        <th scope="col">Problem</th>
                      </tr>
                    </thead>
                    <tbody>
                      @for (e of r.errors; track $index) {
                        <tr>
                          <td class="num">{{ e.line }}</td>
                          <td>{{ e.column ?? '—' }}</td>
                          <td>{{ e.message }}</td>
                        </tr>
                      }
                    </tbody>
                  </table>
                } @else {
                  <p>{{ job.error }}</p>
                }
              </section>
            }
          }
        }
      }

      <details class="panel">
        <summary>Columns and a template</summary>
        <p>
          The first line names the columns, in any order; names are not case-sensitive and common variants
          (first, lastname, dob, zip_code…) are understood.
          <a [href]="templateHref" download="voters-template.csv">Download a template</a>.
        </p>
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">What goes in it</th>
            </tr>
          </thead>
          <tbody>
            @for (c of columns; track c.name) {
              <tr>
                <td>
                  <code>{{ c.name }}</code>
                </td>
                <td>{{ c.help }}</td>
              </tr>
            }
          </tbody>
        </table>
      </details>

      @if (recent().length > 0) {
        <section class="panel" aria-labelledby="recent-heading">
          <h2 id="recent-heading">Recent imports</h2>
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">When</th>
                <th scope="col">Result</th>
                <th scope="col" class="num">Rows</th>
              </tr>
            </thead>
            <tbody>
              @for (j of recent(); track j.id) {
                <tr>
                  <td>{{ j.fileName }}</td>
                  <td>{{ when(j.createdAt) }}</td>
                  <td>
                    {{ phase(j) }}
                    @if (j.result && !j.result.ok) {
                      <span class="muted small">({{ j.result.errorCount }} problems)</span>
                    }
                  </td>
                  <td class="num">{{ j.rows }}</td>
                </tr>
              }
            </tbody>
          </table>
        </section>
      }
    </section>
  `,
})
export class StaffVoterImportPage {
  private readonly api = inject(StaffApi);
  protected readonly file = signal<File | null>(null);
  protected readonly stage = signal<Stage>({ kind: 'idle' });
  protected readonly recent = signal<VoterImportJob[]>([]);
  protected readonly columns = COLUMNS;
  protected readonly templateHref = `data:text/csv;charset=utf-8,${encodeURIComponent(TEMPLATE_CSV)}`;
  private polling: ReturnType<typeof setTimeout> | null = null;
  private destroyed = false;

  protected readonly running = computed(() => this.stage().kind === 'running');
  protected readonly finished = computed(() => {
    const s = this.stage();
    return s.kind === 'finished' ? s.job : null;
  });
  protected readonly uploadPercent = computed(() => {
    const s = this.stage();
    return s.kind === 'running' && s.total > 0 ? Math.round((100 * s.sent) / s.total) : 0;
  });
  protected readonly serverPercent = computed(() => {
    const s = this.stage();
    if (s.kind !== 'running' || !s.job) return 0;
    const total = s.job.totalBytes ?? s.total;
    if (s.job.phase === 'merging') return 100;
    return total > 0 ? Math.min(99, Math.round((100 * s.job.bytes) / total)) : 0;
  });
  protected readonly uploadText = computed(() => {
    const s = this.stage();
    if (s.kind !== 'running') return '';
    return `${size(s.sent)} of ${size(s.total)} sent`;
  });
  protected readonly serverText = computed(() => {
    const s = this.stage();
    if (s.kind !== 'running') return '';
    if (!s.job) return 'Starting…';
    const rows = `${s.job.rows.toLocaleString()} rows checked`;
    return s.job.phase === 'merging'
      ? `${rows}; saving voters and phones…`
      : `${PHASES[s.job.phase]}: ${rows}`;
  });

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      if (this.polling) clearTimeout(this.polling);
    });
    void this.loadRecent();
  }

  protected failure(): string {
    const s = this.stage();
    return s.kind === 'failed' ? s.message : '';
  }

  protected phase(j: VoterImportJob): string {
    return PHASES[j.phase];
  }

  protected when(iso: string): string {
    return new Date(iso).toLocaleString();
  }

  protected choose(event: Event): void {
    const input = event.target as HTMLInputElement;
    this.file.set(input.files?.[0] ?? null);
    if (this.stage().kind !== 'running') this.stage.set({ kind: 'idle' });
  }

  protected async upload(event: Event): Promise<void> {
    event.preventDefault();
    const file = this.file();
    if (!file || this.running()) return;
    this.stage.set({ kind: 'running', job: null, sent: 0, total: file.size });
    try {
      const job = await this.api.startImport(file.name, file.size);
      this.update({ job });
      this.poll(job.id);
      const done = await this.api.uploadImport(job.id, file, (sent, total) => this.update({ sent, total }));
      this.stage.set({ kind: 'finished', job: done });
    } catch (caught) {
      this.stage.set({ kind: 'failed', message: toApiError(caught, 'import the file').message });
    } finally {
      if (this.polling) clearTimeout(this.polling);
      this.polling = null;
      void this.loadRecent();
    }
  }

  private update(patch: Partial<Extract<Stage, { kind: 'running' }>>): void {
    this.stage.update((s) => (s.kind === 'running' ? { ...s, ...patch } : s));
  }

  /** Follow the server's progress while the upload runs (the upload's answer ends it). */
  private poll(id: string): void {
    this.polling = setTimeout(async () => {
      if (this.destroyed || !this.running()) return;
      try {
        const job = await this.api.importJob(id);
        if (this.running()) this.update({ job });
      } catch {
        // The upload's own answer reports failures.
      }
      if (this.running() && !this.destroyed) this.poll(id);
    }, 400);
  }

  private async loadRecent(): Promise<void> {
    try {
      this.recent.set(await this.api.imports());
    } catch {
      this.recent.set([]);
    }
  }
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
