import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { recentDialInFailures, recordDialInFailure } from '@phonebank/persistence';
import type { PbxEvent, PbxPort } from '@phonebank/pbx';
import { PBX_PORT } from '../pbx/pbx.module';
import { DialSessionService } from './dial-session.service';

const PIN_LENGTH = 6;
const MAX_TRIES = 3;
/** A caller with this many wrong PINs in the window is turned away at once. */
const FAILURES_BEFORE_LOCKOUT = 10;
const FAILURE_WINDOW_MINUTES = 15;
/** Hang up a caller who types nothing usable for this long. */
const PIN_TIMEOUT_MS = 60_000;

const PROMPT = 'sound:conf-getpin';
const RETRY = 'sound:conf-invalidpin';
const GOODBYE = 'sound:vm-goodbye';

interface PinEntry {
  legId: string;
  caller: string;
  digits: string;
  tries: number;
  prompt: string | null;
  leaving: boolean;
  timer: NodeJS.Timeout;
  /** Digits are handled strictly one after the other, in the order they were typed. */
  chain: Promise<void>;
}

/**
 * The dial-in number: a volunteer calls it, hears the PIN prompt, types the PIN of their
 * session by DTMF and is joined to their own bridge for the rest of the session. Three wrong
 * PINs end the call politely; a caller that keeps guessing is turned away for a while.
 */
@Injectable()
export class DialInHandler implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('DialIn');
  private readonly entries = new Map<string, PinEntry>();
  private playbackSeq = 0;
  private unsubscribe?: () => void;

  constructor(
    private readonly db: DataSource,
    @Inject(PBX_PORT) private readonly pbx: PbxPort,
    private readonly sessions: DialSessionService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.pbx.onEvent(
      (e) => void this.onEvent(e).catch((err: unknown) => this.fail(e, err)),
    );
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const e of this.entries.values()) clearTimeout(e.timer);
  }

  private fail(event: PbxEvent, error: unknown): void {
    this.logger.error(
      `dial-in ${event.type} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    if ('legId' in event && event.legId) {
      this.entries.delete(event.legId);
      void this.pbx.hangup(event.legId).catch(() => undefined);
    }
  }

  private async onEvent(event: PbxEvent): Promise<void> {
    switch (event.type) {
      case 'leg-entered':
        if (event.args[0] === 'dial-in') await this.greet(event.legId, event.callerNumber || 'unknown');
        return;
      case 'leg-dtmf': {
        const entry = this.entries.get(event.legId);
        if (!entry) return;
        const digit = event.digit;
        entry.chain = entry.chain.then(() => (entry.leaving ? undefined : this.onDigit(entry, digit)));
        await entry.chain;
        return;
      }
      case 'playback-finished': {
        if (!event.legId) return;
        const entry = this.entries.get(event.legId);
        if (entry?.leaving && event.playbackId === entry.prompt) {
          this.drop(entry);
          await this.pbx.hangup(entry.legId);
        }
        return;
      }
      case 'leg-ended': {
        const entry = this.entries.get(event.legId);
        if (entry) this.drop(entry);
        return;
      }
      default:
        return;
    }
  }

  private async greet(legId: string, caller: string): Promise<void> {
    await this.pbx.answer(legId);
    const entry: PinEntry = {
      legId,
      caller,
      digits: '',
      tries: 0,
      prompt: null,
      leaving: false,
      chain: Promise.resolve(),
      timer: setTimeout(() => void this.goodbye(entry, 'no PIN typed in time'), PIN_TIMEOUT_MS),
    };
    this.entries.set(legId, entry);
    const failures = await recentDialInFailures(this.db, caller, new Date(), FAILURE_WINDOW_MINUTES);
    if (failures >= FAILURES_BEFORE_LOCKOUT) {
      await this.goodbye(entry, `${failures} wrong PINs from this caller in ${FAILURE_WINDOW_MINUTES} min`);
      return;
    }
    await this.play(entry, PROMPT);
  }

  private async onDigit(entry: PinEntry, digit: string): Promise<void> {
    if (!this.entries.has(entry.legId)) return;
    if (entry.digits === '' && entry.prompt) {
      // Typing over the prompt stops it.
      await this.pbx.stopPlayback(entry.prompt).catch(() => undefined);
      entry.prompt = null;
    }
    if (digit === '#' || digit === '*') {
      if (entry.digits.length > 0) await this.submit(entry);
      return;
    }
    entry.digits += digit;
    if (entry.digits.length >= PIN_LENGTH) await this.submit(entry);
  }

  private async submit(entry: PinEntry): Promise<void> {
    const pin = entry.digits;
    entry.digits = '';
    {
      const sessionId = pin.length === PIN_LENGTH ? this.sessions.sessionForPin(pin) : undefined;
      if (sessionId) {
        this.drop(entry);
        this.logger.log(`volunteer leg ${entry.legId} joined session ${sessionId}`);
        await this.sessions.joinVolunteerLeg(sessionId, entry.legId);
        return;
      }
      entry.tries += 1;
      const failures = await recordDialInFailure(this.db, entry.caller, new Date(), FAILURE_WINDOW_MINUTES);
      this.logger.warn(
        `wrong session PIN on leg ${entry.legId} (try ${entry.tries}, ${failures} from this caller)`,
      );
      if (entry.tries >= MAX_TRIES || failures >= FAILURES_BEFORE_LOCKOUT) {
        await this.goodbye(entry, 'three wrong PINs');
        return;
      }
      await this.play(entry, RETRY);
    }
  }

  private async goodbye(entry: PinEntry, why: string): Promise<void> {
    if (entry.leaving) return;
    entry.leaving = true;
    this.logger.warn(`ending dial-in leg ${entry.legId}: ${why}`);
    if (entry.prompt) await this.pbx.stopPlayback(entry.prompt).catch(() => undefined);
    await this.play(entry, GOODBYE);
  }

  private async play(entry: PinEntry, media: string): Promise<void> {
    this.playbackSeq += 1;
    const playbackId = `dialin-${entry.legId}-${this.playbackSeq}`;
    entry.prompt = playbackId;
    await this.pbx.play(entry.legId, media, playbackId);
  }

  private drop(entry: PinEntry): void {
    clearTimeout(entry.timer);
    this.entries.delete(entry.legId);
  }
}
