import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { toApiError } from '../../api/api-error';
import {
  TelecomApi,
  TRUNK_CODECS,
  type NumberFormatJson,
  type TrunkHealthJson,
  type TrunkInputJson,
  type TrunkJson,
  type TrunkTransportJson,
} from './telecom.api';

interface TrunkForm {
  name: string;
  sipHost: string;
  sipPort: string;
  transport: TrunkTransportJson;
  username: string;
  password: string;
  fromDomain: string;
  fromUser: string;
  allowedCallerIds: string;
  defaultCallerId: string;
  callerIdFormat: NumberFormatJson;
  dialFormat: NumberFormatJson;
  dialPrefix: string;
  maxConcurrentCalls: string;
  maxCallsPerSecond: string;
  codecs: string;
  enabled: boolean;
}

const EMPTY: TrunkForm = {
  name: '',
  sipHost: '',
  sipPort: '5060',
  transport: 'udp',
  username: '',
  password: '',
  fromDomain: '',
  fromUser: '',
  allowedCallerIds: '',
  defaultCallerId: '',
  callerIdFormat: 'e164',
  dialFormat: 'e164',
  dialPrefix: '',
  maxConcurrentCalls: '30',
  maxCallsPerSecond: '5',
  codecs: 'ulaw, alaw',
  enabled: true,
};

const PERIODS = [
  { key: '1h', label: 'Last hour', ms: 3600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

const FORMATS: { value: NumberFormatJson; label: string }[] = [
  { value: 'e164', label: 'E.164 (+12025550123)' },
  { value: 'e164-no-plus', label: 'E.164 without + (12025550123)' },
  { value: 'nanp10', label: '10 digits (2025550123, North America only)' },
];

/**
 * Telecom staff (SPEC §7, issue 6): the install's SIP trunks — create, edit, disable; limits
 * and caller-ID rules; whether the PBX has each trunk — their health over a period, and what a
 * campaign should do so its calls are not labelled as spam.
 */
@Component({
  selector: 'pb-staff-telecom-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="page wide-page">
      <h1 tabindex="-1">Telecom</h1>
      <p class="muted">
        The SIP trunks this install calls voters through. Changes reach the phone system at once, without a
        restart; limits apply to the very next call. The engine never places more calls on a trunk than its
        limits allow: when every line is busy, the volunteer's call waits for a free line.
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

      <section class="panel" aria-labelledby="trunks-heading">
        <h2 id="trunks-heading">Trunks</h2>
        @if (trunks().length === 0) {
          <p class="muted">No trunks yet.</p>
        } @else {
          <div class="table-wrap">
            <table class="data-table" aria-label="Trunks">
              <thead>
                <tr>
                  <th scope="col">Trunk</th>
                  <th scope="col">SIP</th>
                  <th scope="col">Limits</th>
                  <th scope="col">In use</th>
                  <th scope="col">Codecs</th>
                  <th scope="col">Caller ID</th>
                  <th scope="col">Status</th>
                  <th scope="col"><span class="visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                @for (t of trunks(); track t.id) {
                  <tr [attr.data-trunk]="t.name">
                    <th scope="row">{{ t.name }}</th>
                    <td>
                      {{ t.sipHost ?? '—' }}:{{ t.sipPort }}/{{ t.transport }}
                      @if (t.username) {
                        <br /><span class="muted small"
                          >user {{ t.username }}{{ t.hasPassword ? ', password set' : '' }}</span
                        >
                      }
                    </td>
                    <td>{{ t.maxConcurrentCalls }} calls, {{ t.maxCallsPerSecond }} calls/s</td>
                    <td>{{ t.liveCalls }} of {{ t.maxConcurrentCalls }}</td>
                    <td>{{ t.codecs.join(', ') }}</td>
                    <td>{{ callerIdSummary(t) }}</td>
                    <td>
                      <span class="tag">{{ t.enabled ? 'enabled' : 'disabled' }}</span>
                      <span class="muted small"> {{ pbxState(t) }}</span>
                    </td>
                    <td class="button-row">
                      <button type="button" (click)="edit(t)" [attr.aria-label]="'Edit ' + t.name">
                        Edit
                      </button>
                      <button
                        type="button"
                        [class.danger]="t.enabled"
                        [disabled]="busy()"
                        (click)="toggle(t)"
                        [attr.aria-label]="(t.enabled ? 'Disable ' : 'Enable ') + t.name"
                      >
                        {{ t.enabled ? 'Disable' : 'Enable' }}
                      </button>
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }
        <div class="button-row">
          <button type="button" class="primary" (click)="startCreate()">New trunk</button>
        </div>
      </section>

      @if (editing(); as mode) {
        <form class="panel" novalidate (submit)="save($event)" aria-labelledby="trunk-form-heading">
          <h2 id="trunk-form-heading">{{ mode === 'new' ? 'New trunk' : 'Edit ' + mode.name }}</h2>
          @if (isStatic()) {
            <p class="muted small">
              This trunk is defined in the phone system's own files (pjsip.conf): its SIP settings are changed
              there. Its limits and caller-ID rules are set here.
            </p>
          }
          <fieldset class="field-row">
            <legend>SIP</legend>
            <div class="field">
              <label for="trunk-name">Name</label>
              <input
                id="trunk-name"
                [disabled]="mode !== 'new'"
                [value]="form().name"
                (input)="set('name', $event)"
              />
            </div>
            <div class="field">
              <label for="trunk-host">SIP host</label>
              <input
                id="trunk-host"
                [disabled]="isStatic()"
                [value]="form().sipHost"
                (input)="set('sipHost', $event)"
              />
            </div>
            <div class="field">
              <label for="trunk-port">Port</label>
              <input
                id="trunk-port"
                class="short"
                inputmode="numeric"
                [disabled]="isStatic()"
                [value]="form().sipPort"
                (input)="set('sipPort', $event)"
              />
            </div>
            <div class="field">
              <label for="trunk-transport">Transport</label>
              <select
                id="trunk-transport"
                [disabled]="isStatic()"
                [value]="form().transport"
                (change)="set('transport', $event)"
              >
                <option value="udp" [selected]="form().transport === 'udp'">UDP</option>
                <option value="tcp" [selected]="form().transport === 'tcp'">TCP</option>
                <option value="tls" [selected]="form().transport === 'tls'">TLS</option>
              </select>
            </div>
            <div class="field">
              <label for="trunk-username">Username</label>
              <input
                id="trunk-username"
                autocomplete="off"
                [disabled]="isStatic()"
                [value]="form().username"
                (input)="set('username', $event)"
              />
            </div>
            <div class="field">
              <label for="trunk-password">Password</label>
              <input
                id="trunk-password"
                type="password"
                autocomplete="new-password"
                [disabled]="isStatic()"
                [placeholder]="hasPassword() ? 'unchanged' : ''"
                [value]="form().password"
                (input)="set('password', $event)"
              />
            </div>
            <div class="field">
              <label for="trunk-from-domain">From domain</label>
              <input
                id="trunk-from-domain"
                [disabled]="isStatic()"
                [value]="form().fromDomain"
                (input)="set('fromDomain', $event)"
              />
            </div>
            <div class="field">
              <label for="trunk-from-user">From user</label>
              <input
                id="trunk-from-user"
                [disabled]="isStatic()"
                [value]="form().fromUser"
                (input)="set('fromUser', $event)"
              />
            </div>
            <div class="field">
              <label for="trunk-codecs">Codecs, in order of preference</label>
              <input
                id="trunk-codecs"
                [disabled]="isStatic()"
                [value]="form().codecs"
                (input)="set('codecs', $event)"
              />
              <span class="muted small">Known: {{ codecNames }}</span>
            </div>
          </fieldset>
          <fieldset class="field-row">
            <legend>Limits</legend>
            <div class="field">
              <label for="trunk-max-calls">Maximum concurrent calls</label>
              <input
                id="trunk-max-calls"
                class="short"
                inputmode="numeric"
                [value]="form().maxConcurrentCalls"
                (input)="set('maxConcurrentCalls', $event)"
              />
            </div>
            <div class="field">
              <label for="trunk-cps">Maximum calls per second</label>
              <input
                id="trunk-cps"
                class="short"
                inputmode="decimal"
                [value]="form().maxCallsPerSecond"
                (input)="set('maxCallsPerSecond', $event)"
              />
            </div>
          </fieldset>
          <fieldset class="field-row">
            <legend>Caller ID and numbers</legend>
            <div class="field">
              <label for="trunk-allowed"
                >Allowed caller IDs (one per line; +1202555* for a block; empty = any verified)</label
              >
              <textarea
                id="trunk-allowed"
                rows="3"
                [value]="form().allowedCallerIds"
                (input)="set('allowedCallerIds', $event)"
              ></textarea>
            </div>
            <div class="field">
              <label for="trunk-default-cid">Default caller ID</label>
              <input
                id="trunk-default-cid"
                inputmode="tel"
                [value]="form().defaultCallerId"
                (input)="set('defaultCallerId', $event)"
              />
            </div>
            <div class="field">
              <label for="trunk-cid-format">Caller ID format</label>
              <select
                id="trunk-cid-format"
                [value]="form().callerIdFormat"
                (change)="set('callerIdFormat', $event)"
              >
                @for (f of formats; track f.value) {
                  <option [value]="f.value" [selected]="f.value === form().callerIdFormat">
                    {{ f.label }}
                  </option>
                }
              </select>
            </div>
            <div class="field">
              <label for="trunk-dial-format">Dialed number format</label>
              <select id="trunk-dial-format" [value]="form().dialFormat" (change)="set('dialFormat', $event)">
                @for (f of formats; track f.value) {
                  <option [value]="f.value" [selected]="f.value === form().dialFormat">{{ f.label }}</option>
                }
              </select>
            </div>
            <div class="field">
              <label for="trunk-prefix">Dial prefix</label>
              <input
                id="trunk-prefix"
                class="short"
                [value]="form().dialPrefix"
                (input)="set('dialPrefix', $event)"
              />
            </div>
            <div class="field">
              <label class="choice">
                <input type="checkbox" [checked]="form().enabled" (change)="setChecked('enabled', $event)" />
                Enabled
              </label>
            </div>
          </fieldset>
          @if (formErrors().length > 0) {
            <ul class="field-error">
              @for (e of formErrors(); track e) {
                <li>{{ e }}</li>
              }
            </ul>
          }
          <div class="button-row">
            <button type="submit" class="primary" [disabled]="busy()">
              {{ mode === 'new' ? 'Create trunk' : 'Save trunk' }}
            </button>
            <button type="button" class="link-button" (click)="editing.set(null)">Cancel</button>
          </div>
        </form>
      }

      <section class="panel" aria-labelledby="health-heading">
        <h2 id="health-heading">Trunk health</h2>
        <div class="inline-form">
          <div class="field">
            <label for="health-period">Period</label>
            <select id="health-period" [value]="period()" (change)="choosePeriod($event)">
              @for (p of periods; track p.key) {
                <option [value]="p.key" [selected]="p.key === period()">{{ p.label }}</option>
              }
            </select>
          </div>
          <button type="button" (click)="loadHealth()">Refresh</button>
        </div>
        <p class="muted small">
          ASR: answered calls per call sent. ACD: average length of answered calls. Post-dial delay: from the
          INVITE leaving to the first ringing. The cause mix is how calls ended, by SIP response.
        </p>
        <div class="table-wrap">
          <table class="data-table" aria-label="Trunk health">
            <thead>
              <tr>
                <th scope="col">Trunk</th>
                <th scope="col">Calls</th>
                <th scope="col">ASR</th>
                <th scope="col">ACD</th>
                <th scope="col">Post-dial delay</th>
                <th scope="col">SIP causes</th>
                <th scope="col">Warnings</th>
              </tr>
            </thead>
            <tbody>
              @for (h of health(); track h.trunkId) {
                <tr [attr.data-health]="h.name">
                  <th scope="row">{{ h.name }}</th>
                  <td>{{ h.seizures }} sent, {{ h.answered }} answered</td>
                  <td class="asr">{{ percent(h.asr) }}</td>
                  <td class="acd">{{ seconds(h.acdSeconds) }}</td>
                  <td class="pdd">{{ pdd(h) }}</td>
                  <td>
                    @for (c of h.causeMix; track c.label) {
                      <span class="tag">{{ c.label }} {{ percent(c.share) }}</span>
                    } @empty {
                      <span class="muted">—</span>
                    }
                  </td>
                  <td>
                    @for (w of h.warnings; track w) {
                      <p class="small">{{ w }}</p>
                    } @empty {
                      <span class="muted">none</span>
                    }
                  </td>
                </tr>
              }
            </tbody>
          </table>
        </div>
      </section>

      <section class="panel" aria-labelledby="cid-hints-heading">
        <h2 id="cid-hints-heading">Keeping your caller IDs from being labelled as spam</h2>
        <p class="muted small">
          Carriers and phone apps label numbers as "Spam Likely" from their call patterns. A campaign should:
        </p>
        <ul>
          <li>
            <strong>Register every number you present</strong> with the carriers' free caller registry (the
            Free Caller Registry, freecallerregistry.com, feeds AT&amp;T, T-Mobile and Verizon's analytics)
            and with the analytics companies behind them (Hiya, First Orion, TNS) before the first call.
          </li>
          <li>
            <strong>Set a CNAM</strong> (the caller name shown on landlines and some mobiles) on each number
            through the carrier that owns it: the campaign's name, not a generic label.
          </li>
          <li>
            <strong>Get full STIR/SHAKEN attestation ("A")</strong>: present only numbers the trunk's carrier
            knows you own, so it signs your calls with A attestation. List those numbers in the trunk's
            allowed caller IDs; the engine then never sends another.
          </li>
          <li>
            <strong>Keep the volume per number moderate</strong>: spread calls over several numbers (a pool
            per area code), keep each number to a few hundred calls a day, and keep the calls-per-second limit
            modest. Short calls and many unanswered calls are what analytics flag.
          </li>
          <li>
            <strong>Watch the health table</strong>: a falling ASR or a rise in 603/608 rejections on one
            trunk or number often means it has been labelled; rest that number and check its registration.
          </li>
          <li>
            Answer call-backs: a number that rings back to a recording or a person scores better than a dead
            one.
          </li>
        </ul>
      </section>
    </section>
  `,
})
export class StaffTelecomPage implements OnInit {
  private readonly api = inject(TelecomApi);

  readonly periods = PERIODS;
  readonly formats = FORMATS;
  readonly codecNames = TRUNK_CODECS.join(', ');
  readonly trunks = signal<TrunkJson[]>([]);
  readonly health = signal<TrunkHealthJson[]>([]);
  readonly period = signal<string>('24h');
  readonly editing = signal<'new' | TrunkJson | null>(null);
  readonly form = signal<TrunkForm>({ ...EMPTY });
  readonly formErrors = signal<string[]>([]);
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly notice = signal<string | null>(null);
  readonly isStatic = computed(() => {
    const e = this.editing();
    return e !== null && e !== 'new' && e.provisioning === 'static';
  });
  readonly hasPassword = computed(() => {
    const e = this.editing();
    return e !== null && e !== 'new' && e.hasPassword;
  });

  async ngOnInit(): Promise<void> {
    await Promise.all([this.loadTrunks(), this.loadHealth()]);
  }

  async loadTrunks(): Promise<void> {
    try {
      this.trunks.set(await this.api.list());
    } catch (caught) {
      this.error.set(toApiError(caught, 'load the trunks').message);
    }
  }

  async loadHealth(): Promise<void> {
    const p = PERIODS.find((x) => x.key === this.period()) ?? PERIODS[1];
    const to = new Date();
    try {
      this.health.set(await this.api.health(new Date(to.getTime() - p.ms), to));
    } catch (caught) {
      this.error.set(toApiError(caught, 'load trunk health').message);
    }
  }

  choosePeriod(event: Event): void {
    this.period.set((event.target as HTMLSelectElement).value);
    void this.loadHealth();
  }

  startCreate(): void {
    this.form.set({ ...EMPTY });
    this.formErrors.set([]);
    this.editing.set('new');
  }

  edit(t: TrunkJson): void {
    this.form.set({
      name: t.name,
      sipHost: t.sipHost ?? '',
      sipPort: String(t.sipPort),
      transport: t.transport,
      username: t.username ?? '',
      password: '',
      fromDomain: t.fromDomain ?? '',
      fromUser: t.fromUser ?? '',
      allowedCallerIds: t.allowedCallerIds.join('\n'),
      defaultCallerId: t.defaultCallerId ?? '',
      callerIdFormat: t.callerIdFormat,
      dialFormat: t.dialFormat,
      dialPrefix: t.dialPrefix,
      maxConcurrentCalls: String(t.maxConcurrentCalls),
      maxCallsPerSecond: String(t.maxCallsPerSecond),
      codecs: t.codecs.join(', '),
      enabled: t.enabled,
    });
    this.formErrors.set([]);
    this.editing.set(t);
  }

  set(key: keyof TrunkForm, event: Event): void {
    const value = (event.target as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement).value;
    this.form.update((f) => ({ ...f, [key]: value }));
  }

  setChecked(key: 'enabled', event: Event): void {
    const checked = (event.target as HTMLInputElement).checked;
    this.form.update((f) => ({ ...f, [key]: checked }));
  }

  async save(event: Event): Promise<void> {
    event.preventDefault();
    const mode = this.editing();
    if (mode === null) return;
    const { input, errors } = this.toInput(this.form(), mode === 'new' ? null : mode);
    this.formErrors.set(errors);
    if (errors.length > 0) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      const saved = mode === 'new' ? await this.api.create(input) : await this.api.update(mode.id, input);
      this.notice.set(`Trunk ${saved.name} saved. ${this.pbxState(saved)}`);
      this.editing.set(null);
      await this.loadTrunks();
    } catch (caught) {
      this.error.set(toApiError(caught, 'save the trunk').message);
    } finally {
      this.busy.set(false);
    }
  }

  async toggle(t: TrunkJson): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      const saved = await this.api.update(t.id, { enabled: !t.enabled });
      this.notice.set(`Trunk ${saved.name} ${saved.enabled ? 'enabled' : 'disabled'}.`);
      await this.loadTrunks();
    } catch (caught) {
      this.error.set(toApiError(caught, 'change the trunk').message);
    } finally {
      this.busy.set(false);
    }
  }

  callerIdSummary(t: TrunkJson): string {
    const allowed = t.allowedCallerIds.length ? t.allowedCallerIds.join(', ') : 'any verified';
    const fallback = t.defaultCallerId ? `; default ${t.defaultCallerId}` : '';
    const prefix = t.dialPrefix ? `; prefix ${t.dialPrefix}` : '';
    return `${allowed}${fallback}${prefix}`;
  }

  pbxState(t: TrunkJson): string {
    switch (t.pbx.state) {
      case 'applied':
        return 'In the phone system.';
      case 'removed':
        return 'Removed from the phone system.';
      case 'static':
        return 'Defined in the phone system files.';
      case 'pending':
        return `Not applied yet: ${t.pbx.note}.`;
      case 'failed':
        return `The phone system refused it: ${t.pbx.error}`;
    }
  }

  percent(v: number | null): string {
    return v === null ? '—' : `${Math.round(v * 100)}%`;
  }

  seconds(v: number | null): string {
    if (v === null) return '—';
    return v >= 60 ? `${Math.floor(v / 60)} min ${Math.round(v % 60)} s` : `${Math.round(v)} s`;
  }

  pdd(h: TrunkHealthJson): string {
    if (h.pddMeanMs === null) return '—';
    const p95 = h.pddP95Ms === null ? '' : ` (95%: ${(h.pddP95Ms / 1000).toFixed(1)} s)`;
    return `${(h.pddMeanMs / 1000).toFixed(1)} s${p95}`;
  }

  /** Checks what the API will check, so most mistakes are shown next to the form. */
  private toInput(f: TrunkForm, current: TrunkJson | null): { input: TrunkInputJson; errors: string[] } {
    const errors: string[] = [];
    const input: TrunkInputJson = {};
    const isStatic = current?.provisioning === 'static';
    const orNull = (v: string) => (v.trim() === '' ? null : v.trim());
    if (!current) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(f.name.trim())) errors.push('Name: letters, digits, - and _ only.');
      input.name = f.name.trim();
    }
    if (!isStatic) {
      if (!f.sipHost.trim()) errors.push('SIP host is required.');
      input.sipHost = f.sipHost.trim();
      const port = Number(f.sipPort);
      if (!Number.isInteger(port) || port < 1 || port > 65535) errors.push('Port: a number from 1 to 65535.');
      input.sipPort = port;
      input.transport = f.transport;
      input.username = orNull(f.username);
      if (f.password) input.password = f.password;
      else if (!input.username) input.password = null;
      input.fromDomain = orNull(f.fromDomain);
      input.fromUser = orNull(f.fromUser);
      const codecs = f.codecs
        .split(/[\s,]+/)
        .map((c) => c.trim().toLowerCase())
        .filter(Boolean);
      const unknown = codecs.filter((c) => !(TRUNK_CODECS as readonly string[]).includes(c));
      if (codecs.length === 0) errors.push('Codecs: at least one.');
      if (unknown.length) errors.push(`Codecs: unknown ${unknown.join(', ')}.`);
      input.codecs = codecs;
    }
    const max = Number(f.maxConcurrentCalls);
    if (!Number.isInteger(max) || max < 1)
      errors.push('Maximum concurrent calls: a whole number, 1 or more.');
    input.maxConcurrentCalls = max;
    const cps = Number(f.maxCallsPerSecond);
    if (!(cps > 0)) errors.push('Maximum calls per second: more than 0 (0.5 = one call every 2 s).');
    input.maxCallsPerSecond = cps;
    input.allowedCallerIds = f.allowedCallerIds
      .split(/[\s,]+/)
      .map((x) => x.trim())
      .filter(Boolean);
    const badIds = input.allowedCallerIds.filter((x) => !/^\+[1-9][0-9]{0,14}\*?$/.test(x));
    if (badIds.length)
      errors.push(`Allowed caller IDs: ${badIds.join(', ')} must be +digits, optionally ending in *.`);
    input.defaultCallerId = orNull(f.defaultCallerId);
    if (input.defaultCallerId && !/^\+[1-9][0-9]{6,14}$/.test(input.defaultCallerId)) {
      errors.push('Default caller ID: an E.164 number like +12025550100.');
    }
    input.callerIdFormat = f.callerIdFormat;
    input.dialFormat = f.dialFormat;
    if (!/^[0-9*#]{0,10}$/.test(f.dialPrefix)) errors.push('Dial prefix: up to 10 of 0-9, * and #.');
    input.dialPrefix = f.dialPrefix;
    input.enabled = f.enabled;
    return { input, errors };
  }
}
