import { Injectable, inject } from '@angular/core';
import { ApiClient } from '../../api/api.client';
import type {
  CreditSummaryJson,
  DncAuditJson,
  DncChangeJson,
  DncEntryJson,
  DncImportJson,
  LedgerEntryJson,
  PageJson,
  TopUpJson,
} from '../../../../../../libs/contracts/src/dnc-credits-dashboard.contract';

export type {
  CreditSummaryJson,
  DncAuditJson,
  DncChangeJson,
  DncEntryJson,
  DncImportJson,
  LedgerEntryJson,
  PageJson,
} from '../../../../../../libs/contracts/src/dnc-credits-dashboard.contract';

const enc = encodeURIComponent;
const pageQuery = (
  page: number,
  pageSize: number,
  extra: Record<string, string | undefined> = {},
): string => {
  const q = new URLSearchParams({ page: String(page), pageSize: String(pageSize) });
  for (const [k, v] of Object.entries(extra)) if (v) q.set(k, v);
  return q.toString();
};

/** The do-not-call list and the credits of the signed-in user's campaign (staff only). */
@Injectable({ providedIn: 'root' })
export class DncCreditsApi {
  private readonly http = inject(ApiClient);

  dncList(page: number, pageSize: number, search: string): Promise<PageJson<DncEntryJson>> {
    return this.http.get(`/api/dnc?${pageQuery(page, pageSize, { search })}`, 'load the do-not-call list');
  }

  dncAudit(page: number, pageSize: number): Promise<PageJson<DncAuditJson>> {
    return this.http.get(`/api/dnc/audit?${pageQuery(page, pageSize)}`, 'load the audit log');
  }

  addDnc(number: string, reason: string): Promise<DncChangeJson> {
    return this.http.post('/api/dnc', { number, reason }, 'add the number');
  }

  removeDnc(number: string, reason: string): Promise<DncChangeJson> {
    return this.http.post('/api/dnc/remove', { number, reason }, 'remove the number');
  }

  /** Uploads a CSV file as it is (the server checks every line before listing any). */
  importDnc(file: Blob, reason: string): Promise<DncImportJson> {
    return this.http.sendFile(
      'POST',
      `/api/dnc/import?reason=${enc(reason)}`,
      file,
      'text/csv',
      'import the file',
    );
  }

  /** A same-origin link: the browser downloads it with the session cookie. */
  readonly dncExportUrl = '/api/dnc/export.csv';

  credits(): Promise<CreditSummaryJson> {
    return this.http.get('/api/credits', 'load the credits');
  }

  ledger(page: number, pageSize: number, kind: '' | 'top-up' | 'usage'): Promise<PageJson<LedgerEntryJson>> {
    return this.http.get(`/api/credits/ledger?${pageQuery(page, pageSize, { kind })}`, 'load the ledger');
  }

  topUp(amountCents: number, reason: string): Promise<TopUpJson> {
    return this.http.post('/api/credits/top-ups', { amountCents, reason }, 'add credit');
  }
}

/** Cents (with fractions of a cent, as the ledger keeps them) as dollars: 2.9 → "$0.029". */
export function formatCents(cents: number): string {
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: 4,
  }).format(cents / 100);
}

/** "+12125552000" → "(212) 555-2000"; other numbers as they are. */
export function formatPhone(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

export function formatWhen(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The pages of a list: "Page 2 of 7". */
export function pageCount(p: { total: number; pageSize: number }): number {
  return Math.max(1, Math.ceil(p.total / p.pageSize));
}
