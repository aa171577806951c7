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

  /**
   * Play media to a leg: `sound:NAME` (a PBX prompt), `recording:NAME` (a recording stored on
   * the PBX) or `url:http(s)://…` (audio the PBX fetches over HTTP; see media.ts).
   */
  play(legId: string, media: string, playbackId: string): Promise<void>;
  stopPlayback(playbackId: string): Promise<void>;

  /**
   * Record what a leg says into a recording stored on the PBX under `name` (replacing one of
   * that name). Ends with `recording-finished` (# typed, silence, length limit, hang-up or
   * `stopRecording`) or `recording-failed`.
   */
  record(legId: string, request: RecordRequest): Promise<void>;
  /** Stop a recording in progress (it is kept). Stopping one that is over is not an error. */
  stopRecording(name: string): Promise<void>;
  /** The bytes of a finished recording: a WAV file (8 kHz mono 16-bit PCM on Asterisk). */
  fetchRecording(name: string): Promise<Uint8Array>;
  /** Delete a finished recording. Deleting one that is gone is not an error. */
  deleteRecording(name: string): Promise<void>;

  /** What the PBX says this engine owns now: used to adopt or end calls after a restart. */
  listOwned(): Promise<{ legIds: string[]; bridgeIds: string[] }>;

  /**
   * Create or replace an outbound SIP trunk at run time (no restart, no file edits). The PBX
   * may forget it when it restarts: the engine applies every trunk again on each `connected`.
   */
  applyTrunk(trunk: PbxTrunk): Promise<void>;
  /** Remove a trunk applied with `applyTrunk`. Removing one that is not there is not an error. */
  removeTrunk(name: string): Promise<void>;
}

/** An outbound SIP trunk as the PBX needs it. `password` is a secret: adapters never log it. */
export interface PbxTrunk {
  /** The trunk's name: the dial-string target (PJSIP endpoint / sofia gateway). */
  name: string;
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  /** Digest credentials, when the carrier asks for them. */
  username: string | null;
  password: string | null;
  fromDomain: string | null;
  fromUser: string | null;
  /** Codec names in order of preference (libs/domain KNOWN_CODECS). */
  codecs: string[];
}

export type HangupReason = 'normal' | 'busy' | 'no-answer' | 'rejected';

export interface OriginateRequest {
  /** Engine-chosen id (the attempt id), used as the channel id. */
  legId: string;
  /** A trunk configured in the product and a validated E.164 number. */
  trunk: string;
  number: string;
  /**
   * What goes to the trunk as the dialed number when the trunk wants another format than
   * E.164 (its prefix and number format: digits, `*`, `#`, an optional leading +). Defaults
   * to `number`.
   */
  dialedNumber?: string;
  /** Caller ID shown to the voter: E.164, or digits in the format the trunk asks for. */
  callerId: string;
  /**
   * Backstop ring limit given to the PBX. The engine runs its own no-answer timer
   * (SPEC §3: 60 s) and hangs up itself; this only makes sure nothing rings forever.
   */
  ringTimeoutSeconds: number;
  /** Arguments delivered back with the leg's `leg-entered` event. */
  appArgs?: string[];
}

export interface RecordRequest {
  /** Letters, digits, - and _: it becomes a file name on the PBX. */
  name: string;
  maxDurationSeconds: number;
  /** Stop after this much silence (0: never). */
  maxSilenceSeconds: number;
  /** Play a tone when recording starts. */
  beep: boolean;
  /** # ends the recording (the digit is still reported as `leg-dtmf`). */
  terminateOnPound: boolean;
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
  | (EventBase & { type: 'playback-finished'; playbackId: string; legId?: string })
  | (EventBase & { type: 'recording-finished'; name: string; legId?: string; durationMs: number | null })
  | (EventBase & { type: 'recording-failed'; name: string; legId?: string; reason: string });

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
