import * as ari from 'ari-client';
import type { HangupCause } from '@phonebank/domain';
import { pjsipDialString } from '../dial-string';
import { pjsipAuthId, pjsipTrunkObjects, type PjsipObject } from '../trunk-spec';
import { assertRecordingName, parsePbxMedia } from '../media';
import { PbxConnection, describeError as describe, silentLogger, type PbxLogger } from '../pbx-connection';
import { AriRest, ariError, type Query } from './ari-rest';
import {
  PbxError,
  type HangupReason,
  type OriginateRequest,
  type PbxEvent,
  type PbxPort,
  type PbxTrunk,
  type RecordRequest,
} from '../pbx.port';

export interface AriAdapterOptions {
  url: string;
  user: string;
  /** Read when connecting; never logged. */
  password: () => string;
  app: string;
  logger?: PbxLogger;
  /** Longest wait between reconnect attempts once ari-client's own retries are spent. */
  maxReconnectDelayMs?: number;
  /** Longest wait for one ARI request before it counts as failed (default 5 s). */
  requestTimeoutMs?: number;
}

/** The slice of ARI event payloads we read (ari-client's typings are looser than this). */
interface AriChannelJson {
  id: string;
  state?: string;
  caller?: { number?: string };
  dialplan?: { exten?: string };
}
interface AriEventJson {
  type: string;
  channel?: AriChannelJson;
  args?: string[];
  cause?: number;
  cause_txt?: string;
  digit?: string;
  playback?: { id: string; target_uri?: string };
  recording?: { name: string; target_uri?: string; duration?: number; cause?: string; state?: string };
}

const HANGUP_REASON: Record<HangupReason, string> = {
  normal: 'normal',
  busy: 'busy',
  'no-answer': 'no_answer',
  rejected: 'rejected',
};

/**
 * Asterisk behind the PBX port, over ARI: the event WebSocket with `ari-client`, the requests
 * with AriRest (pools of at most 8 kept-alive connections, see there why not ari-client's).
 *
 * - Connection: ari-client reconnects its WebSocket by itself, but gives up after 10 tries.
 *   This adapter then drops that client (and its listeners) and builds a new one, again and
 *   again with capped back-off, for as long as it runs. Every (re)connection is announced
 *   with a `connected` event so the engine can reconcile what Asterisk still has.
 * - Ids: legs and bridges use ids the engine chose (the attempt id for voter legs), so a
 *   retried originate is refused by Asterisk instead of placing a second call.
 * - Events are translated into the port's typed events and nothing else; the engine decides.
 */
export class AriPbxAdapter implements PbxPort {
  readonly kind = 'asterisk' as const;
  private client: ari.Client | undefined;
  private readonly link: PbxConnection;
  /** Legs this engine originated: their StasisStart means "answered". */
  private readonly outbound = new Set<string>();
  /**
   * Inbound legs in the app. Asterisk stops telling the app about a dialplan channel once it
   * leaves Stasis (StasisEnd), so their end is reported then, with the cause of the hangup
   * request seen before it.
   */
  private readonly inbound = new Map<string, HangupCause | null>();
  private readonly logger: PbxLogger;
  /** ARI's REST side (ari-client is used for the event WebSocket only). */
  private readonly restClient: AriRest;
  /**
   * Originates have connections of their own: Asterisk answers them only once the channel
   * exists, so a burst of them must not hold up the requests of calls in progress (bridging an
   * answered voter, hanging up).
   */
  private readonly dialRest: AriRest;

  constructor(private readonly options: AriAdapterOptions) {
    this.logger = options.logger ?? silentLogger;
    const rest = {
      url: options.url,
      user: options.user,
      password: options.password,
      timeoutMs: options.requestTimeoutMs ?? 5000,
    };
    this.restClient = new AriRest(rest);
    this.dialRest = new AriRest(rest);
    this.link = new PbxConnection('Asterisk ARI', this.logger, options.maxReconnectDelayMs ?? 5000, () => {
      void this.connectOnce();
    });
  }

  async start(): Promise<void> {
    if (!this.link.begin()) return;
    await this.connectOnce();
  }

  async stop(): Promise<void> {
    this.link.end(() => this.dropClient());
    this.restClient.close();
    this.dialRest.close();
  }

  isConnected(): boolean {
    return this.link.isConnected;
  }

  onEvent(listener: (event: PbxEvent) => void): () => void {
    return this.link.onEvent(listener);
  }

  async originate(request: OriginateRequest): Promise<void> {
    const endpoint = pjsipDialString(request.trunk, request.number, request.dialedNumber);
    this.outbound.add(request.legId);
    try {
      const what = `originate ${request.legId}`;
      this.requireRest();
      await this.dialRest.call(what, 'POST', `channels/${seg(request.legId)}`, {
        endpoint,
        app: this.options.app,
        appArgs: (request.appArgs ?? []).join(','),
        callerId: request.callerId,
        timeout: request.ringTimeoutSeconds,
      });
    } catch (error) {
      this.outbound.delete(request.legId);
      throw error;
    }
  }

  async answer(legId: string): Promise<void> {
    await this.rest(`answer ${legId}`, 'POST', `channels/${seg(legId)}/answer`);
  }

  async hangup(legId: string, reason: HangupReason = 'normal'): Promise<void> {
    await this.unlessGone(
      this.rest(`hang up ${legId}`, 'DELETE', `channels/${seg(legId)}`, { reason: HANGUP_REASON[reason] }),
    ); // already gone: that is what we wanted
  }

  async createBridge(bridgeId: string): Promise<void> {
    await this.rest(`create bridge ${bridgeId}`, 'POST', `bridges/${seg(bridgeId)}`, {
      type: 'mixing',
      name: bridgeId,
    });
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    await this.unlessGone(this.rest(`destroy bridge ${bridgeId}`, 'DELETE', `bridges/${seg(bridgeId)}`));
  }

  async addToBridge(bridgeId: string, legId: string): Promise<void> {
    await this.rest(`bridge ${legId} into ${bridgeId}`, 'POST', `bridges/${seg(bridgeId)}/addChannel`, {
      channel: legId,
    });
  }

  async removeFromBridge(bridgeId: string, legId: string): Promise<void> {
    await this.rest(`remove ${legId} from ${bridgeId}`, 'POST', `bridges/${seg(bridgeId)}/removeChannel`, {
      channel: legId,
    });
  }

  async play(legId: string, media: string, playbackId: string): Promise<void> {
    const parsed = parsePbxMedia(media);
    // Asterisk plays a URL through res_http_media_cache as `sound:http://…`.
    const ariMedia = parsed.kind === 'url' ? `sound:${parsed.url}` : media;
    const what = parsed.kind === 'url' ? `play a URL to ${legId}` : `play ${media} to ${legId}`;
    await this.rest(what, 'POST', `channels/${seg(legId)}/play/${seg(playbackId)}`, { media: ariMedia });
  }

  async stopPlayback(playbackId: string): Promise<void> {
    await this.unlessGone(this.rest(`stop playback ${playbackId}`, 'DELETE', `playbacks/${seg(playbackId)}`));
  }

  async record(legId: string, request: RecordRequest): Promise<void> {
    const name = assertRecordingName(request.name);
    await this.rest(`record ${legId} as ${name}`, 'POST', `channels/${seg(legId)}/record`, {
      name,
      format: 'wav',
      maxDurationSeconds: request.maxDurationSeconds,
      maxSilenceSeconds: request.maxSilenceSeconds,
      ifExists: 'overwrite',
      beep: request.beep,
      terminateOn: request.terminateOnPound ? '#' : 'none',
    });
  }

  async stopRecording(name: string): Promise<void> {
    assertRecordingName(name);
    // Over already (not found): nothing to stop.
    await this.unlessGone(this.rest(`stop recording ${name}`, 'POST', `recordings/live/${seg(name)}/stop`));
  }

  async fetchRecording(name: string): Promise<Uint8Array> {
    assertRecordingName(name);
    const what = `fetch recording ${name}`;
    const res = await this.requireRest().request(what, 'GET', `recordings/stored/${seg(name)}/file`);
    if (res.status !== 200) throw ariError(what, res);
    return new Uint8Array(res.body);
  }

  async deleteRecording(name: string): Promise<void> {
    assertRecordingName(name);
    await this.unlessGone(this.rest(`delete recording ${name}`, 'DELETE', `recordings/stored/${seg(name)}`));
  }

  async listOwned(): Promise<{ legIds: string[]; bridgeIds: string[] }> {
    const app = await this.rest<{ channel_ids?: string[]; bridge_ids?: string[] }>(
      `list ${this.options.app}`,
      'GET',
      `applications/${seg(this.options.app)}`,
    );
    return { legIds: [...(app.channel_ids ?? [])], bridgeIds: [...(app.bridge_ids ?? [])] };
  }

  // --- trunks: ARI push configuration (res_pjsip objects in sorcery's memory wizard) ---------

  /**
   * Push the trunk's auth, AOR and endpoint with `PUT /asterisk/config/dynamic/res_pjsip/...`.
   * Asterisk keeps them in the memory wizard asterisk/etc/sorcery.conf gives res_pjsip, so they
   * work at once and vanish on an Asterisk restart (the engine pushes again on `connected`).
   */
  async applyTrunk(trunk: PbxTrunk): Promise<void> {
    const objects = pjsipTrunkObjects(trunk);
    const transport = `transport-${trunk.transport}`;
    const found = await this.config('GET', 'transport', transport);
    if (found === 404) {
      throw new PbxError(
        'invalid-request',
        `trunk ${trunk.name}: Asterisk has no ${transport}; define it in pjsip.conf (asterisk/etc) or pick another transport`,
      );
    }
    for (const object of objects) await this.config('PUT', object.type, object.id, object.fields);
    if (!objects.some((o) => o.type === 'auth')) {
      await this.config('DELETE', 'auth', pjsipAuthId(trunk.name)); // credentials were removed
    }
  }

  async removeTrunk(name: string): Promise<void> {
    await this.config('DELETE', 'endpoint', name);
    await this.config('DELETE', 'aor', name);
    await this.config('DELETE', 'auth', pjsipAuthId(name));
  }

  /** One ARI dynamic-configuration request; returns 404 for "no such object" (GET, DELETE). */
  private async config(
    method: 'GET' | 'PUT' | 'DELETE',
    type: PjsipObject['type'] | 'transport',
    id: string,
    fields?: PjsipObject['fields'],
  ): Promise<number> {
    const what = `${method} res_pjsip ${type} ${id}`;
    const res = await this.requireRest().request(
      what,
      method,
      `asterisk/config/dynamic/res_pjsip/${type}/${seg(id)}`,
      {},
      fields ? { fields } : undefined,
    );
    // The body of a PUT echoes the object, secrets included: read it only to show an error.
    if (res.status >= 200 && res.status < 300) return res.status;
    if (res.status === 404 && method !== 'PUT') return 404;
    const text = res.body
      .toString('utf8')
      .slice(0, 300)
      .replace(/"password"[^,}]*/g, '"password":"[secret]"');
    if (res.status === 403 || res.status === 404) {
      throw new PbxError(
        'invalid-request',
        `${what}: Asterisk refused (${res.status} ${text}); res_pjsip needs a memory wizard in sorcery.conf ` +
          '(asterisk/etc/sorcery.conf) and the ARI user must not be read-only',
      );
    }
    if (res.status === 400)
      throw new PbxError('invalid-request', `${what}: Asterisk refused a field (${text})`);
    throw new PbxError('pbx-failure', `${what}: Asterisk answered ${res.status} ${text}`);
  }

  // --- connection supervision --------------------------------------------------------

  private async connectOnce(): Promise<void> {
    if (this.link.isStopped) return;
    let client: ari.Client;
    try {
      client = await quietly(() => ari.connect(this.options.url, this.options.user, this.options.password()));
    } catch (error) {
      this.logger.warn(`Asterisk ARI is not reachable at ${this.options.url}: ${describe(error)}`);
      this.link.scheduleReconnect();
      return;
    }
    if (this.link.isStopped) return;
    this.client = client;
    client.on('WebSocketConnected', () => {
      if (this.client !== client) return;
      this.link.markConnected(`as app "${this.options.app}"`);
    });
    client.on('WebSocketReconnecting', (err: Error | undefined) => {
      if (this.client !== client) return;
      this.link.markLost(`ARI WebSocket closed${err ? `: ${describe(err)}` : ''}`);
    });
    client.on('WebSocketMaxRetries', () => {
      if (this.client !== client) return;
      this.logger.warn('ari-client gave up reconnecting; building a new ARI client');
      this.dropClient();
      this.link.markLost('ARI WebSocket retries exhausted');
      this.link.scheduleReconnect();
    });
    client.on('ApplicationReplaced', () => {
      if (this.client !== client) return;
      this.logger.error(
        `another process took over the Stasis app "${this.options.app}"; this one stops receiving calls`,
      );
      this.link.markLost('Stasis application replaced by another connection');
    });
    // ari-client emits every event under '*', which its typings do not list.
    (client as unknown as NodeJS.EventEmitter).on('*', (event: unknown) => {
      if (this.client !== client) return;
      this.translate(event as AriEventJson);
    });
    try {
      await client.start(this.options.app);
    } catch (error) {
      if (this.client !== client) return;
      this.logger.warn(`ARI WebSocket could not be opened: ${describe(error)}`);
      this.dropClient();
      this.link.scheduleReconnect();
    }
  }

  private dropClient(): void {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      (client as unknown as NodeJS.EventEmitter).removeAllListeners();
      client.stop();
    } catch {
      // the socket may already be gone
    }
  }

  // --- events ------------------------------------------------------------------------

  private translate(event: AriEventJson): void {
    const at = new Date();
    const channel = event.channel;
    switch (event.type) {
      case 'StasisStart': {
        if (!channel) return;
        if (this.outbound.has(channel.id)) {
          this.link.emit({ type: 'leg-answered', legId: channel.id, at });
        } else {
          this.inbound.set(channel.id, null);
          this.link.emit({
            type: 'leg-entered',
            legId: channel.id,
            direction: 'inbound',
            args: event.args ?? [],
            callerNumber: channel.caller?.number ?? '',
            dialedNumber: channel.dialplan?.exten ?? '',
            at,
          });
        }
        return;
      }
      case 'ChannelStateChange':
        if (channel?.state === 'Ringing') this.link.emit({ type: 'leg-ringing', legId: channel.id, at });
        return;
      case 'ChannelDtmfReceived':
        if (channel && event.digit)
          this.link.emit({ type: 'leg-dtmf', legId: channel.id, digit: event.digit, at });
        return;
      case 'ChannelHangupRequest':
        if (channel && this.inbound.has(channel.id) && event.cause !== undefined) {
          this.inbound.set(channel.id, { q850: event.cause, text: '' });
        }
        return;
      case 'StasisEnd': {
        if (!channel || !this.inbound.has(channel.id)) return;
        const cause = this.inbound.get(channel.id) ?? { q850: 16, text: 'Normal Clearing' };
        this.inbound.delete(channel.id);
        this.link.emit({ type: 'leg-ended', legId: channel.id, cause, at });
        return;
      }
      case 'ChannelDestroyed': {
        if (!channel) return;
        this.outbound.delete(channel.id);
        if (this.inbound.has(channel.id)) this.inbound.delete(channel.id);
        const cause: HangupCause = { q850: event.cause ?? 0, text: event.cause_txt ?? '' };
        this.link.emit({ type: 'leg-ended', legId: channel.id, cause, at });
        return;
      }
      case 'PlaybackFinished': {
        if (!event.playback) return;
        const target = event.playback.target_uri ?? '';
        const legId = target.startsWith('channel:') ? target.slice('channel:'.length) : undefined;
        this.link.emit({ type: 'playback-finished', playbackId: event.playback.id, legId, at });
        return;
      }
      case 'RecordingFinished':
      case 'RecordingFailed': {
        const recording = event.recording;
        if (!recording?.name) return;
        const target = recording.target_uri ?? '';
        const legId = target.startsWith('channel:') ? target.slice('channel:'.length) : undefined;
        if (event.type === 'RecordingFinished') {
          const durationMs = typeof recording.duration === 'number' ? recording.duration * 1000 : null;
          this.link.emit({ type: 'recording-finished', name: recording.name, legId, durationMs, at });
        } else {
          const reason = recording.cause ?? 'recording failed';
          this.link.emit({ type: 'recording-failed', name: recording.name, legId, reason, at });
        }
        return;
      }
      default:
        return;
    }
  }

  // --- REST helpers ------------------------------------------------------------------

  /** Requests need the event stream up: a call placed blind could never be followed. */
  private requireRest(): AriRest {
    if (!this.client || !this.link.isConnected) {
      throw new PbxError('not-connected', 'Asterisk is not connected; try again shortly');
    }
    return this.restClient;
  }

  /** One ARI request (bounded by requestTimeoutMs): its JSON answer, or the PbxError it means. */
  private async rest<T = unknown>(
    what: string,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    query?: Query,
  ): Promise<T> {
    return this.requireRest().call<T>(what, method, path, query);
  }

  /** Success, or the thing was gone already (which is what the caller wanted). */
  private async unlessGone(request: Promise<unknown>): Promise<void> {
    try {
      await request;
    } catch (error) {
      if (!(error instanceof PbxError && error.code === 'not-found')) throw error;
    }
  }
}

/**
 * ari-client's bundled swagger-client prints "This API is using a deprecated version of
 * Swagger!" with console.log on every connect; keep that out of the engine's logs.
 */
/* eslint-disable no-console -- filtering a third-party library's console output */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const original = console.log;
  console.log = (...args: unknown[]) => {
    if (/deprecated version of Swagger/.test(JSON.stringify(args))) return;
    original(...args);
  };
  try {
    return await fn();
  } finally {
    console.log = original;
  }
}
/* eslint-enable no-console */

/** A path segment (ids are ours or Asterisk's, but never trusted raw into a URL). */
const seg = (s: string): string => encodeURIComponent(s);
