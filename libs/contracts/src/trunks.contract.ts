/**
 * JSON of the trunks API (`/api/trunks`, admin and telecom staff; SPEC §7), shared by the
 * orchestrator and the web app. Dates are ISO strings. The password is write-only: it is sent
 * on create / change and never comes back (only `hasPassword`).
 */

export type TrunkTransportJson = 'udp' | 'tcp' | 'tls';
export type NumberFormatJson = 'e164' | 'e164-no-plus' | 'nanp10';

export type TrunkPbxSyncJson =
  | { state: 'applied'; at: string }
  | { state: 'removed'; at: string }
  | { state: 'static'; note: string }
  | { state: 'pending'; note: string }
  | { state: 'failed'; error: string; at: string };

export interface TrunkJson {
  id: string;
  name: string;
  provisioning: 'managed' | 'static';
  sipHost: string | null;
  sipPort: number;
  transport: TrunkTransportJson;
  username: string | null;
  hasPassword: boolean;
  fromDomain: string | null;
  fromUser: string | null;
  allowedCallerIds: string[];
  defaultCallerId: string | null;
  callerIdFormat: NumberFormatJson;
  dialFormat: NumberFormatJson;
  dialPrefix: string;
  maxConcurrentCalls: number;
  maxCallsPerSecond: number;
  codecs: string[];
  enabled: boolean;
  liveCalls: number;
  createdAt: string;
  updatedAt: string;
  pbx: TrunkPbxSyncJson;
}

/** POST /api/trunks (name and sipHost required) and PATCH /api/trunks/:id (all optional). */
export interface TrunkInputJson {
  name?: string;
  sipHost?: string;
  sipPort?: number;
  transport?: TrunkTransportJson;
  username?: string | null;
  password?: string | null;
  fromDomain?: string | null;
  fromUser?: string | null;
  allowedCallerIds?: string[];
  defaultCallerId?: string | null;
  callerIdFormat?: NumberFormatJson;
  dialFormat?: NumberFormatJson;
  dialPrefix?: string;
  maxConcurrentCalls?: number;
  maxCallsPerSecond?: number;
  codecs?: string[];
  enabled?: boolean;
}

/** GET /api/trunks/health?from&to: one row per trunk. */
export interface TrunkHealthJson {
  trunkId: string;
  name: string;
  enabled: boolean;
  liveCalls: number;
  maxConcurrentCalls: number;
  from: string;
  to: string;
  seizures: number;
  answered: number;
  asr: number | null;
  acdSeconds: number | null;
  pddMeanMs: number | null;
  pddP95Ms: number | null;
  causeMix: { sip: number | null; label: string; calls: number; share: number }[];
  warnings: string[];
}

export const TRUNK_CODECS = ['ulaw', 'alaw', 'g722', 'g729', 'opus', 'gsm', 'ilbc', 'speex', 'g726'] as const;
