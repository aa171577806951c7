import type { HangupCause } from '@phonebank/domain';

/**
 * The PBX port: what the engine asks of a media server, in the product's words.
 * A *leg* is one call leg (a volunteer's persistent leg, or a call to a voter); its id is
 * chosen by the engine (the attempt id for voter legs), so a retried request can never
 * make a second call. Asterisk (ARI) and FreeSWITCH (ESL) adapters implement it.
 */
export interface PbxPort {
  readonly kind: 'asterisk' | 'freeswitch';
  /** Connect, and keep reconnecting (with back-off) for as long as the engine runs. */
  start(): Promise<void>;
  stop(): Promise<void>;
  isConnected(): boolean;
  /** Subscribe to PBX events; returns the unsubscribe function. */
  onEvent(listener: (event: PbxEvent) => void): () => void;

  /** Place an outbound call. Resolves once the PBX accepted it (the INVITE is on its way). */
  originate(request: OriginateRequest): Promise<void>;
  answer(legId: string): Promise<void>;
  /** Hang a leg up. Hanging up a leg that is already gone is not an error. */
  hangup(legId: string, reason?: HangupReason): Promise<void>;

  createBridge(bridgeId: string): Promise<void>;
  destroyBridge(bridgeId: string): Promise<void>;
  addToBridge(bridgeId: string, legId: string): Promise<void>;
  removeFromBridge(bridgeId: string, legId: string): Promise<void>;

  /** Play media to a leg: `sound:NAME` (a PBX prompt) or `recording:NAME` (a stored recording). */
  play(legId: string, media: string, playbackId: string): Promise<void>;
  stopPlayback(playbackId: string): Promise<void>;

  /** What the PBX says this engine owns now: used to adopt or end calls after a restart. */
  listOwned(): Promise<{ legIds: string[]; bridgeIds: string[] }>;
}

export type HangupReason = 'normal' | 'busy' | 'no-answer' | 'rejected';

export interface OriginateRequest {
  /** Engine-chosen id (the attempt id), used as the channel id. */
  legId: string;
  /** A trunk configured in the product and a validated E.164 number. */
  trunk: string;
  number: string;
  /** E.164 caller ID shown to the voter. */
  callerId: string;
  /**
   * Backstop ring limit given to the PBX. The engine runs its own no-answer timer
   * (SPEC §3: 60 s) and hangs up itself; this only makes sure nothing rings forever.
   */
  ringTimeoutSeconds: number;
  /** Arguments delivered back with the leg's `leg-entered` event. */
  appArgs?: string[];
}

interface EventBase {
  at: Date;
}

export type PbxEvent =
  | (EventBase & { type: 'connected'; reconnected: boolean })
  | (EventBase & { type: 'disconnected'; reason: string })
  /** A leg entered the engine's control: an inbound dial-in, or an originated leg answering. */
  | (EventBase & {
      type: 'leg-entered';
      legId: string;
      direction: 'inbound' | 'outbound';
      args: string[];
      callerNumber: string;
      dialedNumber: string;
    })
  | (EventBase & { type: 'leg-ringing'; legId: string })
  | (EventBase & { type: 'leg-answered'; legId: string })
  | (EventBase & { type: 'leg-dtmf'; legId: string; digit: string })
  | (EventBase & { type: 'leg-ended'; legId: string; cause: HangupCause })
  | (EventBase & { type: 'playback-finished'; playbackId: string; legId?: string });

export type PbxEventType = PbxEvent['type'];

/** Thrown by adapters for requests the PBX refused (not for "already gone"). */
export class PbxError extends Error {
  constructor(
    readonly code: 'not-connected' | 'invalid-request' | 'not-found' | 'pbx-failure',
    message: string,
  ) {
    super(message);
    this.name = 'PbxError';
  }
}
