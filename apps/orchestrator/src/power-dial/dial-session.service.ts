import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@phonebank/config';
import {
  canStartPowerDialing,
  chargeDueSoFar,
  classifyCallEnd,
  createDialSession,
  resolveCallerId,
  shouldEndAfterCurrentCall,
  toDialSessionView,
  transitionDialSession,
  type CallOutcome,
  type Clock,
  type DialSessionCommand,
  type DialSessionEvent,
  type DialSessionNotice,
  type DialSessionState,
  type DialSessionTransition,
  type DialSessionView,
  type LineType,
} from '@phonebank/domain';
import {
  applyOutcome,
  campaignBalanceMillicents,
  campaignRateMillicentsPerMinute,
  chargeSessionUsage,
  claimNextPhone,
  claimNextPhoneKeyed,
  confirmClaimAhead,
  insertDialSession,
  listLiveDialSessions,
  markAttempt,
  markAttemptDialed,
  markAttemptEnded,
  one,
  releaseClaim,
  saveDialSessionState,
  setVolunteerLeg,
  userCanAccessProject,
  type ClaimResult,
  type DialMode,
  type KeyedClaim,
  type UserRow,
} from '@phonebank/persistence';
import type { PbxEvent, PbxPort } from '@phonebank/pbx';
import { APP_CONFIG } from '../config/config.module';
import { PBX_PORT } from '../pbx/pbx.module';
import { VoicemailMediaService } from '../voicemail/voicemail-media.service';
import { CLOCK } from '../clock/clock.module';
import { PowerDialError } from './power-dial.errors';
import { PowerDialMetrics } from './power-dial.metrics';
import { TrunkLineError, TrunkLineLimiter, type GrantedLine } from '../trunks/trunk-line.limiter';

/** How long a claimed phone stays leased to a session before the queue takes it back. */
const LEASE_SECONDS = 15 * 60;
/** How often a connected volunteer leg is metered against the campaign's credit. */
const METER_INTERVAL_MS = 30_000;
/** A phone claimed ahead and not asked for within this long goes back to the queue. */
const AHEAD_MAX_MS = 60_000;

/**
 * The next phone, claimed while the volunteer is idle so that "Call" goes straight to the dial
 * (the claim is the slowest step of click-to-INVITE). Nothing is dialed ahead: at the click the
 * claim is confirmed (same calling hours and filters, lease still held, phone not DNC since) or
 * given back and claimed afresh; an unused one goes back after AHEAD_MAX_MS, when the session
 * pauses or ends, and at restart with the session's other open claims.
 */
interface AheadClaim {
  attemptId: string;
  /** Settles with the claim, or null when it failed (the click then claims as usual). */
  claimed: Promise<KeyedClaim | null>;
  timer: NodeJS.Timeout;
}

interface LiveSession {
  id: string;
  campaignId: string;
  projectId: string;
  userId: string;
  mode: DialMode;
  pin: string;
  state: DialSessionState;
  /** Events are applied one at a time, in order. */
  queue: Promise<unknown>;
  bridgeId: string;
  volunteerLegId: string | null;
  legConnectedAt: Date | null;
  billedMillicents: number;
  rateMillicentsPerMinute: number;
  noAnswerTimers: Map<string, NodeJS.Timeout>;
  answeredAttempts: Set<string>;
  clickedAt: Map<string, number>;
  answeredAt: Map<string, number>;
  /** Trunk lines taken alongside the claim, by attempt id, until the originate uses them. */
  lines: Map<string, Promise<GrantedLine>>;
  ahead: AheadClaim | null;
  meterTimer?: NodeJS.Timeout;
  /** The newest state not yet written (write-behind, see persistState). */
  unsavedState?: DialSessionState;
  /** Settles when every state handed to persistState so far is written. */
  stateSaved: Promise<void>;
}

export interface SessionUpdate {
  sessionId: string;
  userId: string;
  campaignId: string;
  view: DialSessionView;
  notice: DialSessionNotice | null;
}

export interface StartedSession {
  sessionId: string;
  pin: string;
  dialInNumber: string;
  view: DialSessionView;
}

interface ProjectDialRow {
  campaign_id: string;
  caller_id: string | null;
  caller_id_verified_at: Date | null;
  trunk: string | null;
  voicemail_recording: string | null;
  allow_voicemail_to_cells: boolean;
  archived_at: Date | null;
}

/**
 * Power dialing (SPEC §2 modes 2–3): runs each volunteer's dial session. The pure
 * dial-session machine decides; this service feeds it events (PBX, clicks, queue, ledger,
 * timers) and carries out its commands. Sessions live in PostgreSQL (`dial_sessions`); this
 * map is only the cache of the ones this orchestrator is running.
 */
@Injectable()
export class DialSessionService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('PowerDial');
  private readonly sessions = new Map<string, LiveSession>();
  private readonly byAttempt = new Map<string, string>();
  private readonly byLeg = new Map<string, string>();
  /** Calls waiting for a free line on their trunk: attempt id → how to stop the wait. */
  private readonly lineWaits = new Map<string, AbortController>();
  private readonly updates = new EventEmitter();
  private unsubscribe?: () => void;

  constructor(
    private readonly db: DataSource,
    @Inject(PBX_PORT) private readonly pbx: PbxPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: PowerDialMetrics,
    private readonly lines: TrunkLineLimiter,
    private readonly voicemailMedia: VoicemailMediaService,
  ) {
    this.updates.setMaxListeners(0);
  }

  onModuleInit(): void {
    this.unsubscribe = this.pbx.onEvent((event) => this.onPbxEvent(event));
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    for (const s of this.sessions.values()) {
      for (const t of s.noAnswerTimers.values()) clearTimeout(t);
      if (s.meterTimer) clearInterval(s.meterTimer);
    }
    // Let in-flight events and state writes finish and give back the phones claimed ahead, but
    // never hang the shutdown on a stuck one (a restart releases whatever is left).
    await Promise.race([
      Promise.allSettled(
        [...this.sessions.values()].map((s) =>
          s.queue.then(() => Promise.all([s.stateSaved, this.dropAhead(s)])),
        ),
      ),
      new Promise((r) => setTimeout(r, 3000)),
    ]);
  }

  /** Every state change of every session (the Socket.IO gateway and tests listen here). */
  onUpdate(listener: (update: SessionUpdate) => void): () => void {
    this.updates.on('update', listener);
    return () => this.updates.off('update', listener);
  }

  // --- the volunteer's requests ------------------------------------------------------

  async start(
    user: UserRow & { campaignId: string },
    projectId: string,
    mode: DialMode,
  ): Promise<StartedSession> {
    if (mode === 'standard') {
      throw new PowerDialError('INVALID_MODE', 'standard dialing needs no dial session; use the queue API');
    }
    const project = await one<ProjectDialRow>(
      this.db,
      `SELECT campaign_id, caller_id, caller_id_verified_at, trunk, voicemail_recording, allow_voicemail_to_cells, archived_at
       FROM projects WHERE id = $1`,
      [projectId],
    );
    if (
      !project ||
      project.campaign_id !== user.campaignId ||
      project.archived_at ||
      !(await userCanAccessProject(this.db, user, projectId))
    ) {
      throw new PowerDialError('NOT_FOUND', 'project not found');
    }
    if (!project.caller_id || !project.caller_id_verified_at) {
      throw new PowerDialError(
        'CALLER_ID_UNVERIFIED',
        'this project has no verified caller ID yet; campaign staff must verify one before power dialing',
      );
    }
    const rate = await campaignRateMillicentsPerMinute(this.db, user.campaignId);
    const balance = await campaignBalanceMillicents(this.db, user.campaignId);
    const credit = canStartPowerDialing({ balanceMillicents: balance }, rate);
    if (!credit.allowed) {
      throw new PowerDialError(
        'NO_CREDIT',
        'the campaign has no prepaid credit left for power dialing; ask campaign staff to top up',
      );
    }
    const sessionId = randomUUID();
    const now = this.clock.now();
    const state = createDialSession(
      {
        sessionId,
        campaignId: user.campaignId,
        projectId,
        callerId: project.caller_id,
        trunkId: project.trunk ?? this.config.dialing.defaultTrunk,
        noAnswerTimeoutMs: this.config.dialing.ringTimeoutSeconds * 1000,
        voicemailRecording: project.voicemail_recording,
        allowVoicemailToCells: project.allow_voicemail_to_cells,
      },
      now,
    );
    const row = await insertDialSession(this.db, {
      id: sessionId,
      campaignId: user.campaignId,
      projectId,
      userId: user.id,
      mode,
      stage: state.stage,
      state,
      now,
    });
    const live: LiveSession = {
      id: sessionId,
      campaignId: user.campaignId,
      projectId,
      userId: user.id,
      mode,
      pin: row.pin,
      state,
      queue: Promise.resolve(),
      bridgeId: `session-${sessionId}`,
      volunteerLegId: null,
      legConnectedAt: null,
      billedMillicents: 0,
      rateMillicentsPerMinute: rate,
      noAnswerTimers: new Map(),
      answeredAttempts: new Set(),
      clickedAt: new Map(),
      answeredAt: new Map(),
      lines: new Map(),
      ahead: null,
      stateSaved: Promise.resolve(),
    };
    this.sessions.set(sessionId, live);
    this.metrics.sessionsInUse.inc();
    this.logger.log(`session ${sessionId}: started (${mode}) for project ${projectId}`);
    return { sessionId, pin: row.pin, dialInNumber: this.dialInNumber(), view: toDialSessionView(state) };
  }

  view(user: UserRow, sessionId: string): DialSessionView {
    return toDialSessionView(this.owned(user, sessionId).state);
  }

  viewOf(t: DialSessionTransition): DialSessionView {
    return toDialSessionView(t.state);
  }

  /** A click on "Call". `requestId` is chosen by the browser and repeated on retries. */
  async call(user: UserRow, sessionId: string, requestId: string): Promise<DialSessionTransition> {
    const s = this.owned(user, sessionId);
    s.clickedAt.set(requestId, performance.now());
    return this.feed(s, { type: 'call-requested', requestId });
  }

  async hangUp(user: UserRow, sessionId: string): Promise<DialSessionTransition> {
    const s = this.owned(user, sessionId);
    const attempt = 'attempt' in s.state ? s.state.attempt : null;
    if (!attempt) throw new PowerDialError('NO_CALL', 'there is no call to hang up');
    this.lineWaits.get(attempt.attemptId)?.abort(); // still waiting for a line: never send it
    return this.feed(s, { type: 'hangup-requested', attemptId: attempt.attemptId });
  }

  async startVoicemail(user: UserRow, sessionId: string): Promise<DialSessionTransition> {
    const s = this.owned(user, sessionId);
    const attempt = 'attempt' in s.state ? s.state.attempt : null;
    if (!attempt) throw new PowerDialError('NO_CALL', 'there is no call to send to voicemail');
    return this.feed(s, { type: 'voicemail-requested', attemptId: attempt.attemptId });
  }

  /** The volunteer's outcome for the call just made (wrap-up), with SPEC §3's effects. */
  async recordOutcome(
    user: UserRow,
    sessionId: string,
    attemptId: string,
    outcome: CallOutcome,
    wrongVoterIds: string[] = [],
  ): Promise<DialSessionTransition> {
    const s = this.owned(user, sessionId);
    await applyOutcome(this.db, {
      attemptId,
      outcome,
      now: this.clock.now(),
      userId: user.id,
      wrongVoterIds,
    });
    this.metrics.outcomes.inc({ outcome, cause: 'volunteer' });
    return this.feed(s, { type: 'outcome-recorded', attemptId });
  }

  async pause(user: UserRow, sessionId: string): Promise<DialSessionTransition> {
    return this.feed(this.owned(user, sessionId), { type: 'pause-requested' });
  }

  async resume(user: UserRow, sessionId: string): Promise<DialSessionTransition> {
    return this.feed(this.owned(user, sessionId), { type: 'resume-requested' });
  }

  async end(user: UserRow, sessionId: string): Promise<DialSessionTransition> {
    const s = this.owned(user, sessionId);
    const attempt = 'attempt' in s.state ? s.state.attempt : null;
    if (attempt) this.lineWaits.get(attempt.attemptId)?.abort();
    return this.feed(s, { type: 'end-requested' });
  }

  /** The volunteer's browser lost / regained its socket: no new call while it is away. */
  async browserPresence(sessionId: string, present: boolean): Promise<void> {
    const s = this.sessions.get(sessionId);
    if (!s) return;
    await this.feed(s, { type: present ? 'browser-reconnected' : 'browser-disconnected' });
  }

  // --- the volunteer's persistent leg (dial-in or WebRTC) --------------------------

  /** Is there a live session waiting for a leg with this PIN? Returns its id. */
  sessionForPin(pin: string): string | undefined {
    for (const s of this.sessions.values()) {
      if (s.pin === pin && s.state.stage !== 'ended' && s.volunteerLegId === null) return s.id;
    }
    return undefined;
  }

  /** Join an answered volunteer leg to the session's own mixing bridge. */
  async joinVolunteerLeg(sessionId: string, legId: string): Promise<void> {
    const s = this.sessions.get(sessionId);
    if (!s) throw new PowerDialError('NOT_FOUND', 'session not found');
    await this.pbx.createBridge(s.bridgeId).catch((e: unknown) => {
      if (!/refused|exists|409/i.test(String(e))) throw e; // the bridge survives a rejoin
    });
    await this.pbx.addToBridge(s.bridgeId, legId);
    s.volunteerLegId = legId;
    s.legConnectedAt = this.clock.now();
    this.byLeg.set(legId, s.id);
    await setVolunteerLeg(this.db, s.id, legId, s.legConnectedAt);
    s.meterTimer = setInterval(() => void this.meter(s, false), METER_INTERVAL_MS);
    this.metrics.volunteerLegs.inc();
    await this.feed(s, { type: 'leg-joined' });
  }

  // --- feeding the machine ---------------------------------------------------------

  private feed(s: LiveSession, event: DialSessionEvent): Promise<DialSessionTransition> {
    const run = s.queue.then(() => this.apply(s, event));
    s.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(s: LiveSession, event: DialSessionEvent): Promise<DialSessionTransition> {
    const now = this.clock.now();
    const t = transitionDialSession(s.state, event, now);
    if (t.rejection) {
      this.logger.debug?.(
        `session ${s.id}: ${event.type} rejected in ${t.rejection.stage}: ${t.rejection.reason}`,
      );
    }
    s.state = t.state;
    this.persistState(s, t.state);
    for (const command of t.commands) {
      try {
        await this.execute(s, command);
      } catch (error) {
        this.logger.error(`session ${s.id}: ${command.type} failed: ${describe(error)}`);
        this.onCommandFailure(s, command, error);
      }
    }
    if (s.state.stage === 'idle') this.claimAhead(s);
    else if (s.state.stage !== 'claiming') void this.dropAhead(s);
    return t;
  }

  /**
   * Take a line on `trunk` for the attempt: within the trunk's concurrent calls and calls per
   * second, across every instance. A full trunk makes the call wait (bounded; the call screen
   * is told), never dial past the limit; hanging up or ending meanwhile stops the wait.
   */
  private takeLine(s: LiveSession, trunk: string, attemptId: string): Promise<GrantedLine> {
    const wait = new AbortController();
    this.lineWaits.set(attemptId, wait);
    const line = this.lines
      .acquire(trunk, attemptId, {
        signal: wait.signal,
        onWaiting: () => this.pushNotice(s, { kind: 'waiting-for-line', trunk }),
      })
      .finally(() => this.lineWaits.delete(attemptId));
    line.catch(() => undefined); // awaited by the originate, or dropped
    return line;
  }

  /** The attempt will not be dialed: stop waiting for its line, or give the line back. */
  private dropLine(s: LiveSession, attemptId: string): void {
    const line = s.lines.get(attemptId);
    if (!line) return;
    s.lines.delete(attemptId);
    this.lineWaits.get(attemptId)?.abort();
    line.then(
      () => this.lines.release(attemptId),
      () => undefined,
    );
  }

  /** Claim the next phone while the volunteer is idle (see AheadClaim). */
  private claimAhead(s: LiveSession): void {
    if (s.ahead || s.volunteerLegId === null) return;
    const attemptId = randomUUID();
    const claimed = claimNextPhoneKeyed(this.db, {
      projectId: s.projectId,
      userId: s.userId,
      leaseSeconds: LEASE_SECONDS,
      now: this.clock.now(),
      sessionId: s.id,
      attemptId,
    }).catch((error: unknown) => {
      this.logger.warn(`session ${s.id}: could not claim ahead: ${describe(error)}`);
      return null;
    });
    const ahead: AheadClaim = {
      attemptId,
      claimed,
      timer: setTimeout(() => {
        if (s.ahead === ahead) void this.dropAhead(s);
      }, AHEAD_MAX_MS),
    };
    s.ahead = ahead;
  }

  /** Give back the phone claimed ahead, if any; settles when it is back in the queue. */
  private async dropAhead(s: LiveSession): Promise<void> {
    const ahead = s.ahead;
    if (!ahead) return;
    s.ahead = null;
    clearTimeout(ahead.timer);
    const k = await ahead.claimed;
    if (k?.result.kind !== 'claimed') return;
    await releaseClaim(this.db, ahead.attemptId, this.clock.now()).catch((error: unknown) =>
      this.logger.warn(`session ${s.id}: could not give back a phone claimed ahead: ${describe(error)}`),
    );
  }

  /**
   * The phone claimed ahead, for a click: its claim if it may still be dialed now, otherwise
   * null (given back; the caller claims afresh, as it does when nothing was claimed ahead).
   */
  private async takeAhead(s: LiveSession, now: Date): Promise<ClaimResult | null> {
    const ahead = s.ahead;
    if (!ahead) return null;
    s.ahead = null;
    clearTimeout(ahead.timer);
    const k = await ahead.claimed;
    if (!k || k.result.kind !== 'claimed' || k.key === null) return null;
    const confirmed = await confirmClaimAhead(
      this.db,
      { key: k.key, attemptId: ahead.attemptId, projectId: s.projectId },
      now,
    ).catch((error: unknown) => {
      this.logger.warn(`session ${s.id}: could not confirm a phone claimed ahead: ${describe(error)}`);
      return false;
    });
    if (confirmed) return k.result;
    await releaseClaim(this.db, ahead.attemptId, now).catch(() => undefined);
    return null;
  }

  private observeStage(
    stage: 'wait' | 'claim' | 'line' | 'originate',
    since: number,
    until = performance.now(),
  ) {
    this.metrics.clickStages.observe({ stage }, (until - since) / 1000);
  }

  /**
   * Write the session's state behind the commands, not before them: the state row is a record
   * for the dashboard and for recovery, while the call path (claim, originate, bridge) must not
   * wait for it. Writes stay in order per session and coalesce (a burst of transitions writes
   * the newest state once); a session that ends waits for its last write (teardown).
   */
  private persistState(s: LiveSession, state: DialSessionState): void {
    const scheduled = s.unsavedState !== undefined;
    s.unsavedState = state;
    if (scheduled) return;
    s.stateSaved = s.stateSaved.then(async () => {
      const latest = s.unsavedState;
      s.unsavedState = undefined;
      if (!latest) return;
      await saveDialSessionState(
        this.db,
        s.id,
        latest.stage,
        latest.stageEnteredAt,
        latest,
        latest.stage === 'ended',
      ).catch((error: unknown) =>
        this.logger.error(`session ${s.id}: could not save its state: ${describe(error)}`),
      );
    });
  }

  private async execute(s: LiveSession, c: DialSessionCommand): Promise<void> {
    const now = this.clock.now();
    switch (c.type) {
      case 'claim-phone': {
        const claimStarted = performance.now();
        const clickedAt = s.clickedAt.get(c.requestId);
        if (clickedAt !== undefined) this.observeStage('wait', clickedAt, claimStarted);
        // The call's trunk line (SPEC §7) is taken under the attempt id while the claim runs
        // (or is confirmed, for a phone claimed ahead): the round trips overlap.
        let result: ClaimResult | null = null;
        const ahead = s.ahead;
        if (ahead) {
          s.lines.set(ahead.attemptId, this.takeLine(s, c.trunkId, ahead.attemptId));
          result = await this.takeAhead(s, now);
          if (!result) this.dropLine(s, ahead.attemptId);
        }
        let attemptId: string;
        if (result && ahead) attemptId = ahead.attemptId;
        else {
          attemptId = randomUUID();
          s.lines.set(attemptId, this.takeLine(s, c.trunkId, attemptId));
          try {
            result = await claimNextPhone(this.db, {
              projectId: c.projectId,
              userId: s.userId,
              leaseSeconds: LEASE_SECONDS,
              now,
              sessionId: s.id,
              attemptId,
            });
          } catch (error) {
            this.dropLine(s, attemptId);
            throw error;
          }
        }
        this.observeStage('claim', claimStarted);
        if (result.kind === 'claimed') {
          const { claim } = result;
          this.byAttempt.set(claim.attemptId, s.id);
          const clicked = s.clickedAt.get(c.requestId);
          if (clicked !== undefined) s.clickedAt.set(claim.attemptId, clicked);
          s.clickedAt.delete(c.requestId);
          void this.feed(s, {
            type: 'phone-claimed',
            requestId: c.requestId,
            attemptId: claim.attemptId,
            phone: claim.phone.e164,
            lineType: claim.phone.lineType as LineType,
          });
        } else {
          this.dropLine(s, attemptId);
          s.clickedAt.delete(c.requestId);
          void this.feed(s, { type: 'queue-empty', requestId: c.requestId });
        }
        return;
      }
      case 'release-claim':
        this.dropLine(s, c.attemptId);
        await releaseClaim(this.db, c.attemptId, now);
        return;
      case 'originate': {
        this.byAttempt.set(c.attemptId, s.id);
        // Every call takes a line on its trunk first (SPEC §7), normally while it was claimed.
        const lineStarted = performance.now();
        const early = s.lines.get(c.attemptId);
        s.lines.delete(c.attemptId);
        const line = await (early ?? this.takeLine(s, c.trunkId, c.attemptId));
        this.observeStage('line', lineStarted);
        const dial = resolveCallerId(line.rules, c.callerId, c.phone);
        if (!dial.ok) throw new TrunkLineError('CALLER_ID_REFUSED', `trunk ${c.trunkId}: ${dial.reason}`);
        // The attempt row exists since the claim (its id is the channel id); its dial time (the
        // INVITE leaving, for post-dial delay) is written alongside the originate.
        const sentAt = this.clock.now();
        // Not awaited: the session's next event (a voter answering at once) must not wait for it.
        void markAttemptDialed(this.db, c.attemptId, line.trunkId, sentAt).catch((error: unknown) =>
          this.logger.error(`attempt ${c.attemptId}: could not record the dial time: ${describe(error)}`),
        );
        this.metrics.channelsInUse.inc();
        // read now: a fast failure (404, 503) can end the channel before the originate returns
        const clicked = s.clickedAt.get(c.attemptId);
        const originateStarted = performance.now();
        await this.pbx.originate({
          legId: c.channelId,
          trunk: c.trunkId,
          number: c.phone,
          dialedNumber: dial.dialedNumber === c.phone ? undefined : dial.dialedNumber,
          callerId: dial.callerId,
          // A backstop only: the machine's own no-answer timer ends the call at the limit.
          ringTimeoutSeconds: c.timeoutSeconds + 5,
          appArgs: ['voter', s.id],
        });
        this.observeStage('originate', originateStarted);
        s.clickedAt.delete(c.attemptId);
        if (clicked !== undefined)
          this.metrics.clickToOriginate.observe((performance.now() - clicked) / 1000);
        return;
      }
      case 'start-no-answer-timer': {
        const timer = setTimeout(() => {
          s.noAnswerTimers.delete(c.attemptId);
          void this.feed(s, { type: 'no-answer-timer-fired', attemptId: c.attemptId });
        }, c.durationMs);
        s.noAnswerTimers.set(c.attemptId, timer);
        return;
      }
      case 'cancel-no-answer-timer': {
        const timer = s.noAnswerTimers.get(c.attemptId);
        if (timer) clearTimeout(timer);
        s.noAnswerTimers.delete(c.attemptId);
        return;
      }
      case 'bridge-voter': {
        await this.pbx.addToBridge(s.bridgeId, c.attemptId);
        const answered = s.answeredAt.get(c.attemptId);
        if (answered !== undefined)
          this.metrics.answerToBridge.observe((performance.now() - answered) / 1000);
        return;
      }
      case 'hang-up-voter':
        await this.pbx.hangup(c.attemptId, c.reason === 'no-answer-timeout' ? 'no-answer' : 'normal');
        return;
      case 'move-voter-to-voicemail':
        await this.pbx.removeFromBridge(s.bridgeId, c.attemptId).catch(() => undefined);
        await markAttempt(this.db, c.attemptId, 'voicemail_started_at', now);
        // `voicemail:<id>` (kept in the database) becomes a URL the PBX fetches; PBX names pass.
        await this.pbx.play(
          c.attemptId,
          await this.voicemailMedia.playable(c.recording),
          `voicemail-${c.attemptId}`,
        );
        return;
      case 'record-automatic-outcome': {
        const q850 = c.cause.source === 'hangup-cause' ? c.cause.hangupCause.q850 : null;
        await applyOutcome(this.db, { attemptId: c.attemptId, outcome: c.outcome, now, q850Cause: q850 });
        this.metrics.outcomes.inc({
          outcome: c.outcome,
          cause: q850 === null ? c.cause.source : String(q850),
        });
        return;
      }
      case 'notify':
        this.updates.emit('update', {
          sessionId: s.id,
          userId: s.userId,
          campaignId: s.campaignId,
          view: c.view,
          notice: c.notice,
        } satisfies SessionUpdate);
        return;
      case 'end-session':
        await this.teardown(s);
        return;
    }
  }

  /** A command that failed must not leave the session stuck: turn it into the event it implies. */
  private onCommandFailure(s: LiveSession, command: DialSessionCommand, error: unknown): void {
    if (command.type === 'originate' && error instanceof TrunkLineError) {
      // Never sent: no line (or the trunk refuses the caller ID). The phone goes back to the
      // queue uncounted, and the call screen says why.
      void this.lines.release(command.channelId);
      this.metrics.outcomes.inc({ outcome: 'abandoned', cause: error.code.toLowerCase() });
      void this.feed(s, {
        type: 'voter-ended',
        attemptId: command.attemptId,
        result: 'abandoned',
        cause: { q850: 34, text: error.message },
      }).then(() => {
        if (error.code !== 'CANCELLED')
          this.pushNotice(s, { kind: 'line-unavailable', message: error.message });
      });
    } else if (command.type === 'originate') {
      s.clickedAt.delete(command.attemptId);
      void this.lines.release(command.channelId);
      this.metrics.channelsInUse.dec();
      // The request may have reached Asterisk after all (a timeout): make sure no call is left.
      void this.pbx.hangup(command.channelId).catch(() => undefined);
      this.metrics.outcomes.inc({ outcome: 'failed', cause: 'originate-refused' });
      void this.feed(s, {
        type: 'voter-ended',
        attemptId: command.attemptId,
        result: 'failed',
        cause: { q850: 0, text: `originate refused: ${describe(error)}` },
      });
    } else if (command.type === 'claim-phone') {
      void this.feed(s, { type: 'queue-empty', requestId: command.requestId });
    } else if (command.type === 'bridge-voter') {
      void this.pbx.hangup(command.attemptId).catch(() => undefined);
    }
  }

  /** Tell the call screen something beside a transition (e.g. the call waits for a line). */
  private pushNotice(s: LiveSession, notice: DialSessionNotice): void {
    this.updates.emit('update', {
      sessionId: s.id,
      userId: s.userId,
      campaignId: s.campaignId,
      view: toDialSessionView(s.state),
      notice,
    } satisfies SessionUpdate);
  }

  private async teardown(s: LiveSession): Promise<void> {
    if (s.meterTimer) clearInterval(s.meterTimer);
    await this.dropAhead(s);
    for (const attemptId of [...s.lines.keys()]) this.dropLine(s, attemptId);
    for (const t of s.noAnswerTimers.values()) clearTimeout(t);
    s.noAnswerTimers.clear();
    if (s.volunteerLegId) {
      await this.meter(s, true);
      this.byLeg.delete(s.volunteerLegId);
      await this.pbx.hangup(s.volunteerLegId).catch(() => undefined);
      this.metrics.volunteerLegs.dec();
      s.volunteerLegId = null;
    }
    await this.pbx.destroyBridge(s.bridgeId).catch(() => undefined);
    await s.stateSaved;
    this.sessions.delete(s.id);
    this.metrics.sessionsInUse.dec();
    this.logger.log(`session ${s.id}: ended`);
  }

  // --- metering (SPEC §6) ------------------------------------------------------------

  private async meter(s: LiveSession, final: boolean): Promise<void> {
    if (!s.legConnectedAt) return;
    const now = this.clock.now();
    const due = chargeDueSoFar(s.legConnectedAt, now, s.rateMillicentsPerMinute, s.billedMillicents);
    if (due > 0) {
      await chargeSessionUsage(this.db, s.id, s.campaignId, due, 'power-dialing', now);
      s.billedMillicents += due;
    }
    if (final) {
      s.legConnectedAt = null;
      s.billedMillicents = 0;
      await setVolunteerLeg(this.db, s.id, null, null, now);
      return;
    }
    const balance = await campaignBalanceMillicents(this.db, s.campaignId);
    if (shouldEndAfterCurrentCall({ balanceMillicents: balance }, s.rateMillicentsPerMinute)) {
      this.logger.warn(`session ${s.id}: campaign credit exhausted; ending after the current call`);
      await this.feed(s, { type: 'credits-exhausted' });
    }
  }

  /** Meter now (tests and the credit page use it to see usage without waiting). */
  async meterNow(sessionId: string): Promise<void> {
    const s = this.sessions.get(sessionId);
    if (s) await this.meter(s, false);
  }

  // --- PBX events --------------------------------------------------------------------

  private onPbxEvent(event: PbxEvent): void {
    switch (event.type) {
      case 'connected':
        // Every (re)connection: end legs and bridges of our Stasis app that no session here
        // follows (left by a previous run of this orchestrator, or by an Asterisk hiccup).
        // One orchestrator instance per ARI application name (ASTERISK_ARI_APP).
        void this.reconcile(event.reconnected ? 'ARI reconnected' : 'ARI connected');
        return;
      case 'leg-ringing': {
        const s = this.sessionOfAttempt(event.legId);
        if (!s) return;
        void markAttempt(this.db, event.legId, 'ringing_at', this.clock.now()).catch(() => undefined);
        void this.feed(s, { type: 'voter-ringing', attemptId: event.legId });
        return;
      }
      case 'leg-answered': {
        const s = this.sessionOfAttempt(event.legId);
        if (!s) return;
        s.answeredAttempts.add(event.legId);
        s.answeredAt.set(event.legId, performance.now());
        void markAttempt(this.db, event.legId, 'answered_at', this.clock.now()).catch(() => undefined);
        void this.feed(s, { type: 'voter-answered', attemptId: event.legId });
        return;
      }
      case 'leg-ended': {
        const legSession = this.byLeg.get(event.legId);
        if (legSession) {
          const s = this.sessions.get(legSession);
          this.byLeg.delete(event.legId);
          if (!s) return;
          s.volunteerLegId = null;
          if (s.meterTimer) clearInterval(s.meterTimer);
          this.metrics.volunteerLegs.dec();
          void this.meter(s, true)
            .catch((e: unknown) => this.logger.error(`session ${s.id}: metering failed: ${describe(e)}`))
            .then(() => this.feed(s, { type: 'leg-lost' }));
          return;
        }
        const s = this.sessionOfAttempt(event.legId);
        if (!s) return;
        this.byAttempt.delete(event.legId);
        this.metrics.channelsInUse.dec();
        const answered = s.answeredAttempts.delete(event.legId);
        s.answeredAt.delete(event.legId);
        s.clickedAt.delete(event.legId);
        const { result } = classifyCallEnd({ answered, cause: event.cause });
        void markAttemptEnded(this.db, event.legId, this.clock.now(), event.cause.q850).catch(
          () => undefined,
        );
        void this.feed(s, { type: 'voter-ended', attemptId: event.legId, result, cause: event.cause });
        return;
      }
      case 'playback-finished': {
        const m = /^voicemail-(.+)$/.exec(event.playbackId);
        if (!m) return;
        const s = this.sessionOfAttempt(m[1]);
        if (s) void this.feed(s, { type: 'voicemail-finished', attemptId: m[1] });
        return;
      }
      default:
        return;
    }
  }

  private sessionOfAttempt(attemptId: string): LiveSession | undefined {
    const id = this.byAttempt.get(attemptId);
    return id ? this.sessions.get(id) : undefined;
  }

  /**
   * After a restart of this orchestrator (or of Asterisk): end what no one can follow any more.
   * Voter legs still up are hung up and their claims released (the phone goes back to the
   * queue, never dialed twice at once); sessions are paused until the volunteer dials in again.
   */
  async reconcile(why: string): Promise<void> {
    const owned = await this.pbx
      .listOwned()
      .catch(() => ({ legIds: [] as string[], bridgeIds: [] as string[] }));
    const known = new Set([...this.byAttempt.keys(), ...this.byLeg.keys()]);
    for (const legId of owned.legIds) {
      if (!known.has(legId)) await this.pbx.hangup(legId).catch(() => undefined);
    }
    const liveBridges = new Set([...this.sessions.values()].map((s) => s.bridgeId));
    for (const bridgeId of owned.bridgeIds) {
      if (!liveBridges.has(bridgeId)) await this.pbx.destroyBridge(bridgeId).catch(() => undefined);
    }
    if (owned.legIds.length + owned.bridgeIds.length > 0) {
      this.logger.log(`${why}: reconciled ${owned.legIds.length} legs and ${owned.bridgeIds.length} bridges`);
    }
  }

  /**
   * At boot: sessions this orchestrator left behind (it crashed or was restarted) cannot be
   * followed; their open claims are released and they are ended. The volunteer starts a new
   * session from the call screen. Runs before any call is placed.
   */
  async recoverAfterRestart(): Promise<void> {
    const orphans = (await listLiveDialSessions(this.db)).filter((r) => !this.sessions.has(r.id));
    if (orphans.length === 0) return;
    const now = this.clock.now();
    for (const row of orphans) {
      const open = await this.db.query(
        `SELECT id FROM call_attempts WHERE session_id = $1 AND outcome IS NULL AND released_at IS NULL`,
        [row.id],
      );
      for (const a of open as { id: string }[]) {
        await this.pbx.hangup(a.id).catch(() => undefined);
        await releaseClaim(this.db, a.id, now);
      }
      if (row.volunteerLegId) await this.pbx.hangup(row.volunteerLegId).catch(() => undefined);
      await this.pbx.destroyBridge(`session-${row.id}`).catch(() => undefined);
      await this.db.query(`UPDATE dial_sessions SET stage = 'ended', ended_at = $2 WHERE id = $1`, [
        row.id,
        now,
      ]);
    }
    this.logger.warn(
      `ended ${orphans.length} dial sessions left by a previous run; their claims were released`,
    );
  }

  private owned(user: UserRow, sessionId: string): LiveSession {
    const s = this.sessions.get(sessionId);
    if (!s || s.userId !== user.id)
      throw new PowerDialError('NOT_FOUND', 'dial session not found or already ended');
    return s;
  }

  private dialInNumber(): string {
    return this.config.dialing.dialInNumber;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
