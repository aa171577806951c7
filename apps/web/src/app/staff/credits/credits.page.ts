import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { StaffRequest } from '../staff-request';
import { CurrentUserStore } from '../../auth/current-user.store';
import { eventValue } from '../staff-format';
import {
  DncCreditsApi,
  formatCents,
  formatWhen,
  pageCount,
  type CreditSummaryJson,
  type LedgerEntryJson,
  type PageJson,
} from '../dnc/dnc.api';

const PAGE_SIZE = 25;

/** "50", "50.5", "$1,250.75" → whole cents; null when it is not an amount of dollars. */
export function dollarsToCents(text: string): number | null {
  const t = text.replace(/[$,\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
  const [whole, frac = ''] = t.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/**
 * Staff: the campaign's prepaid credits (SPEC §6). Power dialing is metered per minute a
 * volunteer's leg is connected; usage and top-ups are entries of an append-only ledger. Only
 * admins add credit.
 */
@Component({
  selector: 'pb-staff-credits-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="page wide-page">
      <h1 tabindex="-1">Credits</h1>
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

      @if (summary(); as s) {
        <dl class="figures" aria-label="Credit figures">
          <div>
            <dt>Balance</dt>
            <dd data-figure="balance">{{ money(s.balanceCents) }}</dd>
          </div>
          <div>
            <dt>Rate per minute</dt>
            <dd data-figure="rate">{{ money(s.rateCentsPerMinute) }}</dd>
          </div>
          <div>
            <dt>Power-dialing minutes left</dt>
            <dd>{{ s.minutesLeft === null ? 'unlimited (free)' : s.minutesLeft }}</dd>
          </div>
          <div>
            <dt>Used in the last 30 days</dt>
            <dd>{{ money(s.usedLast30DaysCents) }}</dd>
          </div>
        </dl>
        <p class="muted small">
          Power dialing is charged per minute a volunteer's phone or browser leg is connected, at the
          campaign's rate. With no credit left, power dialing cannot start and running sessions end after
          their current call.
        </p>
      }

      @if (isAdmin()) {
        <form class="panel inline-form" novalidate (submit)="topUp($event)" aria-labelledby="top-up-heading">
          <h2 id="top-up-heading">Add credit</h2>
          <div class="field">
            <label for="top-up-amount">Amount (US$)</label>
            <input
              id="top-up-amount"
              inputmode="decimal"
              [attr.aria-invalid]="amount() && cents() === null ? true : null"
              [value]="amount()"
              (input)="amount.set(value($event))"
            />
          </div>
          <div class="field">
            <label for="top-up-reason">Note (invoice, transfer…)</label>
            <input
              id="top-up-reason"
              maxlength="500"
              [value]="reason()"
              (input)="reason.set(value($event))"
            />
          </div>
          <button type="submit" class="primary" [disabled]="busy() || !cents() || !reason().trim()">
            Add credit
          </button>
          @if (amount() && cents() === null) {
            <p class="field-error">Enter dollars and cents, e.g. 50 or 49.95.</p>
          }
        </form>
      } @else {
        <p class="muted">Only campaign admins can add credit.</p>
      }

      <section class="panel" aria-labelledby="ledger-heading">
        <h2 id="ledger-heading">Ledger</h2>
        <div class="field">
          <label for="ledger-kind">Show</label>
          <select id="ledger-kind" [value]="kind()" (change)="setKind(value($event))">
            <option value="">Everything</option>
            <option value="top-up">Top-ups</option>
            <option value="usage">Power-dialing usage</option>
          </select>
        </div>
        @if (ledger(); as l) {
          @if (l.items.length === 0) {
            <p class="muted">No entries.</p>
          } @else {
            <div class="table-wrap">
              <table class="data-table" aria-label="Credit ledger">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Entry</th>
                    <th scope="col" class="num">Amount</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  @for (e of l.items; track e.id) {
                    <tr>
                      <td>{{ when(e.createdAt) }}</td>
                      <td>{{ e.kind === 'top-up' ? 'Top-up' : 'Usage' }}</td>
                      <td class="num">{{ money(e.amountCents) }}</td>
                      <td>
                        @if (e.kind === 'top-up') {
                          {{ e.reason
                          }}{{ e.enteredBy ? ' — by ' + (e.enteredBy.name ?? 'a former user') : '' }}
                        } @else {
                          {{ e.reason }}{{ e.volunteer ? ' — ' + e.volunteer.name : ''
                          }}{{ e.project ? ' in ' + e.project.name : '' }}
                        }
                      </td>
                    </tr>
                  }
                </tbody>
              </table>
            </div>
            <nav class="button-row" aria-label="Pages of the ledger">
              <button type="button" [disabled]="l.page <= 1" (click)="load(l.page - 1)">Newer</button>
              <span>Page {{ l.page }} of {{ pages(l) }}</span>
              <button type="button" [disabled]="l.page >= pages(l)" (click)="load(l.page + 1)">Older</button>
            </nav>
          }
        }
      </section>
    </section>
  `,
})
export class StaffCreditsPage implements OnInit {
  private readonly api = inject(DncCreditsApi);
  private readonly users = inject(CurrentUserStore);

  protected readonly isAdmin = computed(() => this.users.user()?.role === 'admin');
  protected readonly summary = signal<CreditSummaryJson | null>(null);
  protected readonly ledger = signal<PageJson<LedgerEntryJson> | null>(null);
  protected readonly kind = signal<'' | 'top-up' | 'usage'>('');
  protected readonly amount = signal('');
  protected readonly reason = signal('');
  protected readonly cents = computed(() => dollarsToCents(this.amount()));
  private readonly request = new StaffRequest();
  protected readonly busy = this.request.busy;
  protected readonly error = this.request.error;
  protected readonly notice = signal<string | null>(null);
  protected readonly value = eventValue;
  protected readonly money = formatCents;
  protected readonly when = formatWhen;
  protected readonly pages = pageCount;

  ngOnInit(): void {
    void this.run('load the credits', () => this.refresh(1));
  }

  protected async load(page: number): Promise<void> {
    await this.run('load the ledger', async () => {
      this.ledger.set(await this.api.ledger(page, PAGE_SIZE, this.kind()));
    });
  }

  protected async setKind(kind: string): Promise<void> {
    this.kind.set(kind === 'top-up' || kind === 'usage' ? kind : '');
    await this.load(1);
  }

  protected async topUp(event: Event): Promise<void> {
    event.preventDefault();
    const cents = this.cents();
    if (!cents) return;
    await this.run('add credit', async () => {
      const r = await this.api.topUp(cents, this.reason().trim());
      this.amount.set('');
      this.reason.set('');
      // The figures and the ledger first, then the notice: what it says is already on the page.
      await this.refresh(1);
      this.notice.set(`Added ${formatCents(cents)}. The balance is now ${formatCents(r.balanceCents)}.`);
    });
  }

  private async refresh(page: number): Promise<void> {
    const [summary, ledger] = await Promise.all([
      this.api.credits(),
      this.api.ledger(page, PAGE_SIZE, this.kind()),
    ]);
    this.summary.set(summary);
    this.ledger.set(ledger);
  }

  private async run(action: string, work: () => Promise<void>): Promise<void> {
    await this.request.run(action, work);
  }
}
