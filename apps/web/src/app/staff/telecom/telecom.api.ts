import { Injectable, inject } from '@angular/core';
import { ApiClient } from '../../api/api.client';
import type {
  TrunkHealthJson,
  TrunkInputJson,
  TrunkJson,
} from '../../../../../../libs/contracts/src/trunks.contract';

export type {
  NumberFormatJson,
  TrunkHealthJson,
  TrunkInputJson,
  TrunkJson,
  TrunkTransportJson,
} from '../../../../../../libs/contracts/src/trunks.contract';
export { TRUNK_CODECS } from '../../../../../../libs/contracts/src/trunks.contract';

/** The install's trunks and their health (admin and telecom staff). */
@Injectable({ providedIn: 'root' })
export class TelecomApi {
  private readonly http = inject(ApiClient);

  list(): Promise<TrunkJson[]> {
    return this.http.get('/api/trunks', 'load the trunks');
  }

  create(input: TrunkInputJson): Promise<TrunkJson> {
    return this.http.post('/api/trunks', input, 'create the trunk');
  }

  update(id: string, input: TrunkInputJson): Promise<TrunkJson> {
    return this.http.request('PATCH', `/api/trunks/${encodeURIComponent(id)}`, input, 'save the trunk');
  }

  health(from: Date, to: Date): Promise<TrunkHealthJson[]> {
    const q = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
    return this.http.get(`/api/trunks/health?${q.toString()}`, 'load trunk health');
  }
}
