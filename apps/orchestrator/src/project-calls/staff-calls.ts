import type { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { HangupCause } from '@phonebank/domain';
import { describeError, type PbxEvent, type PbxPort } from '@phonebank/pbx';
import { PromptPlayer } from './prompt-player';
import { ProjectCallError } from './project-call.errors';

/** After the last prompt of a finished call, hang up even if the PBX never says it ended. */
const GOODBYE_LIMIT_MS = 20_000;

/** The events every staff call machine takes from the PBX and from this runner. */
export type StaffCallEvent =
  | { type: 'ringing' }
  | { type: 'answered' }
  | { type: 'digit'; digit: string }
  | { type: 'call-ended'; cause: HangupCause }
  | { type: 'ring-timeout' }
  | { type: 'cancel' };

/** The commands every staff call machine gives that this runner carries out itself. */
export type StaffCallCommand =
  /** Play these prompts in order (stopping any prompt still playing); hang up after the last when asked. */
  | { type: 'play'; media: readonly string[]; thenHangUp: boolean }
  | { type: 'stop-prompt' }
  | { type: 'hang-up' };

export interface StaffCallState {
  stage: string;
  /** The call is over (hung up by either side). */
  callEnded: boolean;
}

/** A call this orchestrator placed for campaign staff, followed while it lasts. */
export interface StaffCall<S extends StaffCallState> {
  id: string;
  campaignId: string;
  projectId: string;
  userId: string;
  state: S;
  /** Events of this call run one after the other. */
  queue: Promise<unknown>;
  /** The ring timer, the goodbye timer and the machine's own timers, by name. */
  timers: Map<string, NodeJS.Timeout>;
}

export interface StaffCallUpdate<V> {
  campaignId: string;
  status: V;
}

/** What one kind of staff call brings: its pure machine, its storage and its own commands. */
export interface StaffCallKind<
  S extends StaffCallState,
  E extends { type: string },
  X extends { type: string },
  L extends StaffCall<S>,
  V,
> {
  /** How logs name one call ("verification", "recording call"). */
  label: string;
  /** Playback ids of its prompts start with this. */
  promptPrefix: string;
  transition(
    state: S,
    event: StaffCallEvent | E,
    now: Date,
  ): { state: S; commands: readonly (StaffCallCommand | X)[]; ignored: boolean };
  isFinished(state: S): boolean;
  /** Whether the change from `before` to `after` is kept in the database and announced. */
  changed(before: S, after: S): boolean;
  /** Keep the call's state, compare-and-set on `fromStage`: false when another writer moved it first. */
  save(call: L, fromStage: S['stage']): Promise<boolean>;
  /** Carry out a command of this kind's own. */
  execute(call: L, command: X): Promise<void>;
  /** Fed when a list of prompts that does not hang up finished; nothing when absent. */
  promptsFinished?: E;
  /** PBX events other than the leg's ringing, answer, digits and end. */
  onOtherEvent?(event: PbxEvent): void;
  /** The status staff see for the project; undefined when the project is not the campaign's. */
  load(campaignId: string, projectId: string): Promise<V | undefined>;
}

/**
 * The lifecycle of the calls campaign staff ask for (caller-ID verification, "call me to
 * record"): the live calls of this orchestrator, each with its own event queue, PBX events routed
 * to them, ring and goodbye timers, prompts, the compare-and-set save of every change and the
 * announcement of the new status. The kind decides everything else.
 */
export class StaffCalls<
  S extends StaffCallState,
  E extends { type: string },
  X extends { type: string },
  L extends StaffCall<S>,
  V,
> {
  private readonly live = new Map<string, L>();
  private readonly updates = new EventEmitter();
  private readonly prompts: PromptPlayer;
  private unsubscribe?: () => void;

  constructor(
    private readonly pbx: PbxPort,
    private readonly logger: Logger,
    private readonly kind: StaffCallKind<S, E, X, L, V>,
  ) {
    this.prompts = new PromptPlayer(pbx, kind.promptPrefix);
    this.updates.setMaxListeners(0);
  }

  /** Start following PBX events. */
  attach(): void {
    this.unsubscribe = this.pbx.onEvent((event) => this.onPbxEvent(event));
  }

  close(): void {
    this.unsubscribe?.();
    for (const call of this.live.values()) this.clearTimers(call);
  }

  onUpdate(listener: (update: StaffCallUpdate<V>) => void): () => void {
    this.updates.on('update', listener);
    return () => this.updates.off('update', listener);
  }

  get(id: string): L | undefined {
    return this.live.get(id);
  }

  find(match: (call: L) => boolean): L | undefined {
    for (const call of this.live.values()) if (match(call)) return call;
    return undefined;
  }

  // --- status -----------------------------------------------------------------------------

  async status(campaignId: string, projectId: string): Promise<V> {
    const status = await this.kind.load(campaignId, projectId);
    if (!status) throw new ProjectCallError('NOT_FOUND', 'project not found');
    return status;
  }

  async announce(campaignId: string, projectId: string): Promise<V> {
    const status = await this.status(campaignId, projectId);
    this.updates.emit('update', { campaignId, status } satisfies StaffCallUpdate<V>);
    return status;
  }

  // --- calls ------------------------------------------------------------------------------

  /** Follow a call whose row was just inserted. */
  open(call: Omit<L, 'queue' | 'timers'>): L {
    const live = { ...call, queue: Promise.resolve(), timers: new Map<string, NodeJS.Timeout>() } as L;
    this.live.set(live.id, live);
    return live;
  }

  /**
   * Announce the new call and place it through `trunk`; the ring timer starts once the PBX took
   * it. A call the PBX refuses ends at once. Answers the project's status.
   */
  async place(
    call: L,
    dial: { trunk: string; number: string; callerId: string; ringTimeoutSeconds: number; app: string },
  ): Promise<V> {
    const status = await this.announce(call.campaignId, call.projectId);
    try {
      await this.pbx.originate({
        legId: call.id,
        trunk: dial.trunk,
        number: dial.number,
        callerId: dial.callerId,
        ringTimeoutSeconds: dial.ringTimeoutSeconds + 5,
        appArgs: [dial.app, call.id],
      });
      call.timers.set(
        'ring',
        setTimeout(() => void this.feed(call, { type: 'ring-timeout' }), dial.ringTimeoutSeconds * 1000),
      );
    } catch (error) {
      this.logger.warn(
        `${this.kind.label} ${call.id}: the call could not be placed: ${describeError(error)}`,
      );
      await this.feed(call, { type: 'call-ended', cause: { q850: 0, text: 'originate refused' } });
      return this.status(call.campaignId, call.projectId);
    }
    return status;
  }

  /** Cancel the call when this orchestrator follows it; false when it does not. */
  async cancel(id: string): Promise<boolean> {
    const call = this.live.get(id);
    if (!call) return false;
    await this.feed(call, { type: 'cancel' });
    return true;
  }

  feed(call: L, event: StaffCallEvent | E): Promise<void> {
    const run = call.queue.then(() => this.apply(call, event));
    call.queue = run.catch((error: unknown) =>
      this.logger.error(`${this.kind.label} ${call.id}: ${event.type} failed: ${describeError(error)}`),
    );
    return call.queue as Promise<void>;
  }

  /** (Re)start the call's timer `name`, which feeds `event` when it fires. */
  startTimer(call: L, name: string, ms: number, event: StaffCallEvent | E): void {
    this.cancelTimer(call, name);
    call.timers.set(
      name,
      setTimeout(() => void this.feed(call, event), ms),
    );
  }

  cancelTimer(call: L, name: string): void {
    const timer = call.timers.get(name);
    if (timer) clearTimeout(timer);
    call.timers.delete(name);
  }

  // --- the machine ------------------------------------------------------------------------

  private async apply(call: L, event: StaffCallEvent | E): Promise<void> {
    const before = call.state;
    const t = this.kind.transition(before, event, new Date());
    if (t.ignored) return;
    call.state = t.state;
    const changed = this.kind.changed(before, t.state);
    if (changed) {
      if (!(await this.kind.save(call, before.stage))) {
        // Someone else ended it (a restart of another instance): stop following the call.
        this.logger.warn(`${this.kind.label} ${call.id}: ended elsewhere; hanging up`);
        this.drop(call);
        await this.pbx.hangup(call.id).catch(() => undefined);
        return;
      }
      if (before.stage !== t.state.stage) this.logger.log(`${this.kind.label} ${call.id}: ${t.state.stage}`);
    }
    for (const command of t.commands) {
      try {
        await this.execute(call, command);
      } catch (error) {
        this.logger.error(`${this.kind.label} ${call.id}: ${command.type} failed: ${describeError(error)}`);
      }
    }
    if (changed) await this.announce(call.campaignId, call.projectId);
    if (this.kind.isFinished(call.state) && call.state.callEnded) this.drop(call);
  }

  private async execute(call: L, command: StaffCallCommand | X): Promise<void> {
    if (!isStaffCallCommand(command)) return this.kind.execute(call, command);
    const c: StaffCallCommand = command;
    switch (c.type) {
      case 'play':
        if (c.thenHangUp && !call.timers.has('goodbye')) {
          call.timers.set(
            'goodbye',
            setTimeout(() => void this.pbx.hangup(call.id).catch(() => undefined), GOODBYE_LIMIT_MS),
          );
        }
        await this.prompts.play(call.id, c.media, () => {
          if (c.thenHangUp) void this.pbx.hangup(call.id).catch(() => undefined);
          else if (this.kind.promptsFinished) void this.feed(call, this.kind.promptsFinished);
        });
        return;
      case 'stop-prompt':
        await this.prompts.stop(call.id);
        return;
      case 'hang-up':
        await this.pbx.hangup(call.id);
        return;
    }
  }

  private onPbxEvent(event: PbxEvent): void {
    switch (event.type) {
      case 'playback-finished':
        this.prompts.onPlaybackFinished(event.playbackId, event.legId);
        return;
      case 'leg-ringing':
      case 'leg-answered':
      case 'leg-dtmf':
      case 'leg-ended': {
        const call = this.live.get(event.legId);
        if (!call) return;
        if (event.type === 'leg-ringing') void this.feed(call, { type: 'ringing' });
        else if (event.type === 'leg-answered') {
          this.cancelTimer(call, 'ring');
          void this.feed(call, { type: 'answered' });
        } else if (event.type === 'leg-dtmf') void this.feed(call, { type: 'digit', digit: event.digit });
        else {
          this.prompts.forget(call.id);
          void this.feed(call, { type: 'call-ended', cause: event.cause });
        }
        return;
      }
      default:
        this.kind.onOtherEvent?.(event);
        return;
    }
  }

  private drop(call: L): void {
    this.clearTimers(call);
    this.prompts.forget(call.id);
    this.live.delete(call.id);
  }

  private clearTimers(call: L): void {
    for (const timer of call.timers.values()) clearTimeout(timer);
  }
}

function isStaffCallCommand(command: { type: string }): command is StaffCallCommand {
  return command.type === 'play' || command.type === 'stop-prompt' || command.type === 'hang-up';
}

/** A duplicate running call (unique index) becomes a CONFLICT saying `message`. */
export async function insertUnlessRunning<T>(insert: Promise<T>, message: string): Promise<T> {
  try {
    return await insert;
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new ProjectCallError('CONFLICT', message);
    throw error;
  }
}
