import { randomUUID } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Connection, type Event as EslEvent } from 'modesl';
import { PbxConnection, silentLogger, type PbxLogger } from '../pbx-connection';
import { assertRecordingName } from '../media';
import {
  PbxError,
  type HangupReason,
  type OriginateRequest,
  type PbxEvent,
  type PbxPort,
  type PbxTrunk,
  type RecordRequest,
} from '../pbx.port';
import { isTrunkName } from '../dial-string';
import { sofiaGatewayXml } from './sofia-gateway';
import {
  assertEslId,
  assertOneLine,
  buildHangupCommand,
  buildJoinConferenceCommand,
  buildOriginateCommand,
  buildParkCommand,
  buildPlayCommand,
  buildRecordCommand,
  describeEslTarget,
  OWNED_VARIABLE,
  parseEslUrl,
  playbackTarget,
  recordingPath,
  type EslTarget,
} from './esl-commands';
import {
  headersOf,
  originateJobResult,
  SUBSCRIBED_EVENTS,
  translateEslEvent,
  type EslHeaders,
} from './esl-events';
import { freeswitchHangupCause } from './esl-hangup-cause';

export { parseEslUrl, describeEslTarget } from './esl-commands';
export { freeswitchHangupCause, FREESWITCH_CAUSE_TO_Q850 } from './esl-hangup-cause';

export interface EslAdapterOptions {
  /** `esl://:PASSWORD@HOST:8021`. Read at each connect; never logged (only host and port are). */
  url: () => string;
  logger?: PbxLogger;
  /** Longest wait between reconnect attempts (default 5 s). */
  maxReconnectDelayMs?: number;
  /** How long one ESL command may take before it is given up (default 10 s). */
  commandTimeoutMs?: number;
  /** No bytes (not even a HEARTBEAT, every 20 s by default) for this long means the socket is dead (default 70 s). */
  livenessTimeoutMs?: number;
  /** mod_conference profile used for bridges (default `phonebank`, see freeswitch/autoload_configs). */
  conferenceProfile?: string;
  /**
   * Trunks managed in the product: a directory the sofia profile loads gateway files from,
   * shared with the FreeSWITCH host (e.g. a volume mounted on its sip_profiles/external/).
   * Unset: `applyTrunk` refuses with a message saying so.
   */
  gatewayDir?: string;
  /** The sofia profile those gateways belong to (default `external`). */
  sofiaProfile?: string;
  /** `sound:NAME` → playback target; unlisted names play NAME relative to FreeSWITCH's sound_prefix. */
  sounds?: Readonly<Record<string, string>>;
  /**
   * Directory of `recording:NAME` files on the FreeSWITCH host (default `${recordings_dir}`).
   * `fetchRecording` and `deleteRecording` need it to be an absolute path this host shares
   * with FreeSWITCH (same machine or a shared volume): ESL itself cannot move files.
   */
  recordingsDir?: string;
}

interface Pending {
  reject: (error: PbxError) => void;
}

interface MemberWaiter {
  bridgeId: string;
  legId: string;
  action: 'add-member' | 'del-member';
  resolve: () => void;
  reject: (error: PbxError) => void;
}

/**
 * FreeSWITCH behind the PBX port, over the inbound event socket with `modesl`.
 *
 * - Connection: one ESL connection, authenticated with the password from the URL, subscribed
 *   to the channel, playback, job and conference events it translates. When it drops (socket
 *   closed, auth refused, no HEARTBEAT for too long) the adapter announces `disconnected`,
 *   fails the commands in flight with `not-connected`, and reconnects with capped back-off
 *   for as long as it runs; every (re)connection is announced with `connected`.
 * - Ids: legs use the engine's ids as channel UUIDs (`origination_uuid`), and every leg the
 *   engine owns carries `phonebank_owned=true`; events of other legs are ignored and
 *   `listOwned` reports only those legs.
 * - Commands: `bgapi originate` (an `api originate` would block the socket until answer),
 *   `uuid_answer`, `uuid_kill`, `uuid_transfer` into/out of mod_conference conferences for
 *   bridges, `uuid_broadcast` for playback, `uuid_break` to stop it. "No such channel" on
 *   hang-up, destroy or stop is success: the thing is already gone.
 */
export class EslPbxAdapter implements PbxPort {
  readonly kind = 'freeswitch' as const;
  private conn: Connection | undefined;
  private readonly link: PbxConnection;
  private connectTimer: NodeJS.Timeout | undefined;
  private livenessTimer: NodeJS.Timeout | undefined;
  private lastDataAt = 0;
  private readonly logger: PbxLogger;
  private readonly pending = new Set<Pending>();
  private readonly memberWaiters = new Set<MemberWaiter>();
  /** Originates whose job has not finished: leg id → job id. */
  private readonly originating = new Map<string, string>();
  private readonly jobs = new Map<string, string>();
  /** Legs whose ringing was already reported (FreeSWITCH may send 180 and 183). */
  private readonly rang = new Set<string>();
  /** Inbound legs already announced. */
  private readonly entered = new Set<string>();
  /** Playbacks started and not yet finished: playback id → leg id. */
  private readonly playbacks = new Map<string, string>();
  /** Recently finished playbacks, so a late duplicate is not reported twice. */
  private readonly finishedPlaybacks = new Set<string>();
  /** Recordings started and not yet stopped: recording name → leg id. */
  private readonly recordings = new Map<string, string>();
  /** Bridges created and not destroyed. A conference exists in FreeSWITCH only while it has members. */
  private readonly bridges = new Set<string>();

  constructor(private readonly options: EslAdapterOptions) {
    this.logger = options.logger ?? silentLogger;
    this.link = new PbxConnection(
      'the FreeSWITCH event socket',
      this.logger,
      options.maxReconnectDelayMs ?? 5000,
      () => this.connectOnce(),
    );
  }

  async start(): Promise<void> {
    if (!this.link.begin()) return;
    this.connectOnce();
  }

  async stop(): Promise<void> {
    this.link.end(() => this.dropConnection('adapter stopped'));
  }

  isConnected(): boolean {
    return this.link.isConnected;
  }

  onEvent(listener: (event: PbxEvent) => void): () => void {
    return this.link.onEvent(listener);
  }

  async originate(request: OriginateRequest): Promise<void> {
    const command = buildOriginateCommand(request); // refuses bad input before anything is sent
    const legId = request.legId;
    this.requireConnection();
    if (this.originating.has(legId)) {
      throw new PbxError('invalid-request', `originate ${legId}: this leg is already being dialed`);
    }
    const exists = await this.api(`uuid_exists ${legId}`, `originate ${legId}`);
    if (exists.trim() === 'true') {
      throw new PbxError('invalid-request', `originate ${legId}: a leg with this id already exists`);
    }
    const jobId = randomUUID();
    this.originating.set(legId, jobId);
    this.jobs.set(jobId, legId);
    try {
      const reply = await this.command(`bgapi ${command}`, { 'Job-UUID': jobId }, `originate ${legId}`);
      if (!reply.startsWith('+OK')) throw this.translateReply(reply, `originate ${legId}`);
    } catch (error) {
      this.originating.delete(legId);
      this.jobs.delete(jobId);
      throw error;
    }
  }

  async answer(legId: string): Promise<void> {
    assertEslId('leg', legId);
    await this.apiOk(`uuid_answer ${legId}`, `answer ${legId}`);
  }

  async hangup(legId: string, reason: HangupReason = 'normal'): Promise<void> {
    const command = buildHangupCommand(legId, reason);
    await this.apiOk(command, `hang up ${legId}`, { goneIsOk: true });
  }

  async createBridge(bridgeId: string): Promise<void> {
    assertEslId('bridge', bridgeId);
    this.requireConnection();
    // FreeSWITCH makes a conference when its first member joins; until then it lives here.
    this.bridges.add(bridgeId);
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    assertEslId('bridge', bridgeId);
    const members = (await this.conferenceMembers(bridgeId)) ?? [];
    this.bridges.delete(bridgeId);
    // Like an ARI bridge: destroying it takes the legs out (parked), it does not hang them up.
    await Promise.all(
      members.map((legId) =>
        this.apiOk(buildParkCommand(legId), `take ${legId} out of ${bridgeId}`, { goneIsOk: true }),
      ),
    );
  }

  async addToBridge(bridgeId: string, legId: string): Promise<void> {
    const command = buildJoinConferenceCommand(legId, bridgeId, this.profile());
    const what = `bridge ${legId} into ${bridgeId}`;
    const members = await this.conferenceMembers(bridgeId);
    if (!members && !this.bridges.has(bridgeId)) throw new PbxError('not-found', `${what}: no such bridge`);
    if (members?.includes(legId)) return;
    const joined = this.waitForMember(bridgeId, legId, 'add-member');
    try {
      await this.apiOk(command, what);
    } catch (error) {
      joined.cancel();
      throw error;
    }
    await this.settle(joined.promise, what, async () =>
      (await this.conferenceMembers(bridgeId))?.includes(legId),
    );
    this.bridges.add(bridgeId);
  }

  async removeFromBridge(bridgeId: string, legId: string): Promise<void> {
    assertEslId('bridge', bridgeId);
    const command = buildParkCommand(legId);
    const what = `remove ${legId} from ${bridgeId}`;
    const members = await this.conferenceMembers(bridgeId);
    if (!members && !this.bridges.has(bridgeId)) throw new PbxError('not-found', `${what}: no such bridge`);
    if (!members?.includes(legId)) {
      throw new PbxError('invalid-request', `${what}: the leg is not in this bridge`);
    }
    const left = this.waitForMember(bridgeId, legId, 'del-member');
    try {
      await this.apiOk(command, what);
    } catch (error) {
      left.cancel();
      throw error;
    }
    await this.settle(
      left.promise,
      what,
      async () => !(await this.conferenceMembers(bridgeId))?.includes(legId),
    );
  }

  async play(legId: string, media: string, playbackId: string): Promise<void> {
    const target = playbackTarget(media, {
      sounds: this.options.sounds,
      recordingsDir: this.options.recordingsDir,
    });
    const command = buildPlayCommand(legId, playbackId, target);
    this.playbacks.set(playbackId, legId);
    this.finishedPlaybacks.delete(playbackId);
    try {
      await this.apiOk(command, `play ${media} to ${legId}`);
    } catch (error) {
      this.playbacks.delete(playbackId);
      throw error;
    }
  }

  async stopPlayback(playbackId: string): Promise<void> {
    assertEslId('playback', playbackId);
    const legId = this.playbacks.get(playbackId);
    if (!legId) return; // finished already, or never ours: nothing to stop
    await this.apiOk(`uuid_break ${legId}`, `stop playback ${playbackId}`, { goneIsOk: true });
  }

  async record(legId: string, request: RecordRequest): Promise<void> {
    const command = buildRecordCommand(legId, request, { recordingsDir: this.options.recordingsDir });
    await this.apiOk(command, `record ${legId} as ${request.name}`);
    this.recordings.set(request.name, legId);
  }

  async stopRecording(name: string): Promise<void> {
    assertRecordingName(name);
    const legId = this.recordings.get(name);
    if (!legId) return; // over already, or never ours
    // The record application ends on a break, like playback; the leg then parks.
    await this.apiOk(`uuid_break ${legId}`, `stop recording ${name}`, { goneIsOk: true });
  }

  async fetchRecording(name: string): Promise<Uint8Array> {
    const path = this.localRecordingPath(name, 'fetch');
    try {
      return new Uint8Array(await readFile(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new PbxError('not-found', `fetch recording ${name}: not found`);
      }
      throw new PbxError('pbx-failure', `fetch recording ${name}: ${describe(error)}`);
    }
  }

  async deleteRecording(name: string): Promise<void> {
    const path = this.localRecordingPath(name, 'delete');
    await unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT')
        throw new PbxError('pbx-failure', `delete recording ${name}: ${describe(error)}`);
    });
  }

  private localRecordingPath(name: string, what: string): string {
    const dir = this.options.recordingsDir;
    if (!dir || !dir.startsWith('/') || dir.includes('${')) {
      throw new PbxError(
        'invalid-request',
        `${what} recording ${name}: set the FreeSWITCH adapter's recordingsDir to an absolute directory this host shares with FreeSWITCH`,
      );
    }
    return recordingPath(name, { recordingsDir: dir });
  }

  // --- trunks: sofia gateways written to the profile's gateway directory, then a rescan -----

  async applyTrunk(trunk: PbxTrunk): Promise<void> {
    const xml = sofiaGatewayXml(trunk); // validates every value first
    const { dir, profile } = this.gatewaySettings(trunk.name);
    this.requireConnection();
    const file = join(dir, `${trunk.name}.xml`);
    const tmp = `${file}.${randomUUID()}.tmp`;
    // 0600: the file holds the trunk's password.
    await writeFile(tmp, xml, { mode: 0o600 });
    await rename(tmp, file);
    // A changed gateway is only re-read once it is gone; "no such gateway" is fine.
    await this.api(`sofia profile ${profile} killgw ${trunk.name}`, `remove gateway ${trunk.name}`);
    await this.apiOk(`sofia profile ${profile} rescan`, `rescan sofia profile ${profile}`);
  }

  async removeTrunk(name: string): Promise<void> {
    const { dir, profile } = this.gatewaySettings(name);
    await unlink(join(dir, `${name}.xml`)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await this.api(`sofia profile ${profile} killgw ${name}`, `remove gateway ${name}`);
  }

  private gatewaySettings(name: string): { dir: string; profile: string } {
    if (!isTrunkName(name))
      throw new PbxError('invalid-request', `not a trunk name: ${JSON.stringify(name)}`);
    const profile = this.options.sofiaProfile ?? 'external';
    if (!isTrunkName(profile)) throw new PbxError('invalid-request', 'not a sofia profile name');
    if (!this.options.gatewayDir) {
      throw new PbxError(
        'invalid-request',
        'FreeSWITCH trunks need a gateway directory shared with FreeSWITCH (the adapter option gatewayDir); see freeswitch/README.md',
      );
    }
    return { dir: this.options.gatewayDir, profile };
  }

  async listOwned(): Promise<{ legIds: string[]; bridgeIds: string[] }> {
    const body = await this.api('show channels as json', 'list channels');
    let rows: Record<string, string>[] = [];
    try {
      const parsed = JSON.parse(body) as { rows?: Record<string, string>[] };
      rows = parsed.rows ?? [];
    } catch {
      throw new PbxError(
        'pbx-failure',
        `list channels: FreeSWITCH answered ${JSON.stringify(body.slice(0, 200))}`,
      );
    }
    const candidates = rows.filter(
      (r) => typeof r.uuid === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(r.uuid),
    );
    const owned = await Promise.all(
      candidates.map(async (row) => {
        const value = await this.api(`uuid_getvar ${row.uuid} ${OWNED_VARIABLE}`, `check ${row.uuid}`);
        return value.trim() === 'true' ? row : undefined;
      }),
    );
    const legs = owned.filter((r): r is Record<string, string> => r !== undefined);
    const bridgeIds = new Set(this.bridges);
    for (const row of legs) {
      if (row.application === 'conference' && row.application_data) {
        const name = row.application_data.split('@')[0]?.split('+')[0];
        if (name) bridgeIds.add(name);
      }
    }
    return { legIds: legs.map((r) => r.uuid), bridgeIds: [...bridgeIds] };
  }

  // --- connection supervision --------------------------------------------------------

  private connectOnce(): void {
    if (this.link.isStopped) return;
    let target: EslTarget;
    try {
      target = parseEslUrl(this.options.url());
    } catch (error) {
      this.logger.error(`cannot connect to FreeSWITCH: ${describe(error)}`);
      this.link.scheduleReconnect();
      return;
    }
    const where = describeEslTarget(target);
    let conn: Connection;
    try {
      conn = new Connection(target.host, target.port, target.password);
    } catch (error) {
      this.logger.warn(`FreeSWITCH event socket is not reachable at ${where}: ${describe(error)}`);
      this.link.scheduleReconnect();
      return;
    }
    this.conn = conn;
    this.lastDataAt = Date.now();
    const socket = conn.socket;
    socket?.setKeepAlive(true, 10_000);
    socket?.on('data', () => {
      if (this.conn === conn) this.lastDataAt = Date.now();
    });
    socket?.on('close', () => this.lost(conn, `event socket at ${where} closed`));
    conn.on('error', (error: unknown) => this.lost(conn, describe(error)));
    conn.on('esl::event::auth::fail', () => {
      this.logger.error(
        `FreeSWITCH at ${where} refused the event socket password (check FREESWITCH_ESL_URL)`,
      );
      this.lost(conn, 'event socket password refused');
    });
    conn.on('esl::ready', () => this.subscribe(conn, where));
    conn.on('esl::event::**', (event: unknown, headers: unknown) => {
      if (this.conn !== conn) return;
      const contentType = (headers as Record<string, string> | undefined)?.['Content-Type'];
      if (contentType === 'text/event-json') this.onEslEvent(event as EslEvent);
    });
    this.connectTimer = setTimeout(() => {
      if (this.conn === conn && !this.link.isConnected)
        this.lost(conn, `no answer from ${where} within 10 s`);
    }, 10_000);
  }

  private subscribe(conn: Connection, where: string): void {
    if (this.conn !== conn) return;
    conn.subscribe([...SUBSCRIBED_EVENTS], (reply: EslEvent) => {
      if (this.conn !== conn) return;
      const text = reply.getHeader('Reply-Text') ?? '';
      if (!text.startsWith('+OK')) {
        this.lost(conn, `event subscription refused (${text})`);
        return;
      }
      if (this.connectTimer) clearTimeout(this.connectTimer);
      this.connectTimer = undefined;
      this.startLivenessWatch(conn);
      this.link.markConnected(`at ${where}`);
    });
  }

  private startLivenessWatch(conn: Connection): void {
    if (this.livenessTimer) clearInterval(this.livenessTimer);
    const limit = this.options.livenessTimeoutMs ?? 70_000;
    this.livenessTimer = setInterval(
      () => {
        if (this.conn !== conn) return;
        if (Date.now() - this.lastDataAt > limit) {
          this.lost(conn, `nothing from FreeSWITCH for ${Math.round(limit / 1000)} s (no HEARTBEAT)`);
        }
      },
      Math.min(5_000, limit),
    );
    this.livenessTimer.unref();
  }

  /** The current connection failed: forget it, tell the engine, and try again later. */
  private lost(conn: Connection, reason: string): void {
    if (this.conn !== conn) return;
    this.dropConnection(reason);
    if (this.link.isConnected) this.link.markLost(reason);
    else if (!this.link.isStopped) this.logger.warn(`FreeSWITCH event socket: ${reason}; retrying`);
    this.link.scheduleReconnect();
  }

  private dropConnection(reason: string): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    if (this.livenessTimer) clearInterval(this.livenessTimer);
    this.livenessTimer = undefined;
    const conn = this.conn;
    this.conn = undefined;
    if (conn) {
      try {
        conn.removeAllListeners();
        conn.on('error', () => undefined); // a late socket error must not become an uncaught 'error'
        conn.socket?.destroy();
      } catch {
        // the socket may already be gone
      }
    }
    const error = new PbxError('not-connected', `FreeSWITCH connection lost (${reason}); try again shortly`);
    for (const p of [...this.pending]) p.reject(error);
    this.pending.clear();
    for (const w of [...this.memberWaiters]) w.reject(error);
    this.memberWaiters.clear();
  }

  // --- events ------------------------------------------------------------------------

  private onEslEvent(event: EslEvent): void {
    const headers = headersOf(event.headers);
    const name = headers['Event-Name'];
    if (name === 'BACKGROUND_JOB') return this.onJobDone(headers, event.getBody() ?? '');
    if (name === 'CUSTOM' && headers['Event-Subclass'] === 'conference::maintenance') {
      return this.onConferenceChange(headers);
    }
    const legId = headers['Unique-ID'];
    if (name === 'CHANNEL_HANGUP_COMPLETE' && legId) this.forgetLeg(legId);
    const translated = translateEslEvent(headers);
    if (!translated) return;
    if (translated.type === 'leg-ringing') {
      if (this.rang.has(translated.legId)) return;
      this.rang.add(translated.legId);
    }
    if (translated.type === 'leg-entered') {
      if (this.entered.has(translated.legId)) return;
      this.entered.add(translated.legId);
    }
    if (translated.type === 'recording-finished') this.recordings.delete(translated.name);
    if (translated.type === 'playback-finished') {
      if (this.finishedPlaybacks.has(translated.playbackId)) return;
      this.playbacks.delete(translated.playbackId);
      this.rememberFinished(translated.playbackId);
    }
    this.link.emit(translated);
  }

  /** A `bgapi originate` finished. On failure with no channel ever made, no hangup event will come. */
  private onJobDone(headers: EslHeaders, body: string): void {
    const jobId = headers['Job-UUID'];
    const legId = jobId ? this.jobs.get(jobId) : undefined;
    if (!jobId || !legId) return;
    this.jobs.delete(jobId);
    const result = originateJobResult(body);
    if (result.ok) {
      this.originating.delete(legId);
      return;
    }
    // Give CHANNEL_HANGUP_COMPLETE (which carries the real cause) a moment to arrive first.
    setTimeout(() => {
      if (this.originating.get(legId) !== jobId) return;
      this.originating.delete(legId);
      this.link.emit({
        type: 'leg-ended',
        legId,
        cause: freeswitchHangupCause(result.cause),
        at: new Date(),
      });
    }, 1500).unref();
  }

  private forgetLeg(legId: string): void {
    this.originating.delete(legId);
    this.rang.delete(legId);
    this.entered.delete(legId);
    for (const [playbackId, leg] of this.playbacks) if (leg === legId) this.playbacks.delete(playbackId);
    for (const [name, leg] of this.recordings) if (leg === legId) this.recordings.delete(name);
    const gone = new PbxError('not-found', `leg ${legId} hung up`);
    for (const w of [...this.memberWaiters]) {
      if (w.legId === legId) {
        this.memberWaiters.delete(w);
        w.reject(gone);
      }
    }
  }

  private onConferenceChange(headers: EslHeaders): void {
    const action = headers['Action'];
    const bridgeId = headers['Conference-Name'];
    const legId = headers['Unique-ID'];
    for (const w of [...this.memberWaiters]) {
      if (w.action === action && w.bridgeId === bridgeId && w.legId === legId) {
        this.memberWaiters.delete(w);
        w.resolve();
      }
    }
  }

  private rememberFinished(playbackId: string): void {
    this.finishedPlaybacks.add(playbackId);
    if (this.finishedPlaybacks.size > 1000) {
      const oldest = this.finishedPlaybacks.values().next().value;
      if (oldest !== undefined) this.finishedPlaybacks.delete(oldest);
    }
  }

  // --- commands ----------------------------------------------------------------------

  private profile(): string {
    return this.options.conferenceProfile ?? 'phonebank';
  }

  private requireConnection(): Connection {
    if (!this.conn || !this.link.isConnected) {
      throw new PbxError('not-connected', 'FreeSWITCH is not connected; try again shortly');
    }
    return this.conn;
  }

  /** Run an API command and return its body, whatever it says. */
  private api(command: string, what: string): Promise<string> {
    const conn = this.requireConnection();
    assertOneLine(command);
    return this.withTimeout(what, (done) =>
      conn.api(command, '', (res: EslEvent) => done(res.getBody() ?? '')),
    );
  }

  /** Send a raw command (bgapi) and return its Reply-Text. */
  private command(command: string, headers: Record<string, string>, what: string): Promise<string> {
    const conn = this.requireConnection();
    assertOneLine(command);
    return this.withTimeout(what, (done) =>
      conn.sendRecv(command, headers, (reply: EslEvent) => done(reply.getHeader('Reply-Text') ?? '')),
    );
  }

  /** Run an API command that answers +OK; "no such channel" is success when `goneIsOk`. */
  private async apiOk(command: string, what: string, opts: { goneIsOk?: boolean } = {}): Promise<string> {
    const body = (await this.api(command, what)).trim();
    if (body.startsWith('-ERR') || body.startsWith('-USAGE')) {
      const error = this.translateReply(body, what);
      if (opts.goneIsOk && error.code === 'not-found') return body;
      throw error;
    }
    return body;
  }

  private withTimeout(what: string, send: (done: (text: string) => void) => void): Promise<string> {
    const timeoutMs = this.options.commandTimeoutMs ?? 10_000;
    return new Promise<string>((resolve, reject) => {
      const entry: Pending = {
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.pending.delete(entry);
        reject(new PbxError('pbx-failure', `${what}: FreeSWITCH did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.add(entry);
      send((text) => {
        if (!this.pending.delete(entry)) return; // timed out or connection lost already
        clearTimeout(timer);
        resolve(text);
      });
    });
  }

  /** Members (channel UUIDs) of a conference, or undefined when FreeSWITCH has no such conference. */
  private async conferenceMembers(bridgeId: string): Promise<string[] | undefined> {
    assertEslId('bridge', bridgeId);
    const body = (await this.api(`conference ${bridgeId} json_list`, `list bridge ${bridgeId}`)).trim();
    if (!body.startsWith('[') && !body.startsWith('{')) {
      if (/not found|no active conferences/i.test(body)) return undefined;
      throw this.translateReply(body, `list bridge ${bridgeId}`);
    }
    try {
      const parsed = JSON.parse(body) as unknown;
      const conferences = (Array.isArray(parsed) ? parsed : [parsed]) as {
        conference_name?: string;
        members?: { uuid?: string }[];
      }[];
      const conference = conferences.find((c) => c.conference_name === bridgeId) ?? conferences[0];
      return (conference?.members ?? []).map((m) => m.uuid).filter((u): u is string => !!u);
    } catch {
      throw new PbxError('pbx-failure', `list bridge ${bridgeId}: unreadable answer from FreeSWITCH`);
    }
  }

  private waitForMember(
    bridgeId: string,
    legId: string,
    action: MemberWaiter['action'],
  ): { promise: Promise<void>; cancel: () => void } {
    let waiter!: MemberWaiter;
    const promise = new Promise<void>((resolve, reject) => {
      waiter = { bridgeId, legId, action, resolve, reject };
      this.memberWaiters.add(waiter);
    });
    promise.catch(() => undefined); // observed by settle(); never an unhandled rejection
    return { promise, cancel: () => this.memberWaiters.delete(waiter) };
  }

  /** Wait for a conference change; if its event never comes, look at the conference itself. */
  private async settle(
    promise: Promise<void>,
    what: string,
    check: () => Promise<boolean | undefined>,
  ): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.commandTimeoutMs ?? 5_000);
    });
    try {
      const outcome = await Promise.race([promise.then(() => 'done' as const), timeout]);
      if (outcome === 'done') return;
    } finally {
      clearTimeout(timer);
    }
    if (await check()) return;
    throw new PbxError('pbx-failure', `${what}: FreeSWITCH did not confirm it in time`);
  }

  private translateReply(reply: string, what: string): PbxError {
    const text = reply.replace(/^-(ERR|USAGE)\s*/, '').trim() || reply.trim();
    if (/no such channel|not found|does not exist|invalid uuid|no such uuid/i.test(text)) {
      return new PbxError('not-found', `${what}: not found`);
    }
    if (/usage|invalid|exists|in use/i.test(reply)) {
      return new PbxError('invalid-request', `${what}: refused by FreeSWITCH (${text})`);
    }
    return new PbxError('pbx-failure', `${what}: ${text}`);
  }
}

/** An error's message without anything that could hold a credential. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\/\/[^/@\s]*@/g, '//[secret]@').replace(/auth\s+\S+/gi, 'auth [secret]');
}
