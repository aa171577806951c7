import type { PbxEvent } from '../pbx.port';
import {
  ARG_VARIABLE_PREFIX,
  HANDLED_VARIABLE,
  MAX_APP_ARGS,
  OWNED_VARIABLE,
  PLAYBACK_ID_PARAM,
  RECORDING_VARIABLE,
} from './esl-commands';
import { freeswitchHangupCause } from './esl-hangup-cause';

/** An ESL event's headers (`event json` bodies), channel variables under `variable_*`. */
export type EslHeaders = Readonly<Record<string, string | undefined>>;

/** The event names the adapter subscribes to; CUSTOM and its subclasses must come last. */
export const SUBSCRIBED_EVENTS = [
  'CHANNEL_CREATE',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_ANSWER',
  'CHANNEL_PARK',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_EXECUTE_COMPLETE',
  'DTMF',
  'PLAYBACK_STOP',
  'RECORD_STOP',
  'BACKGROUND_JOB',
  'HEARTBEAT',
  'CUSTOM',
  'conference::maintenance',
] as const;

/** Turn a modesl event's header list into a plain record (json events may carry arrays). */
export function headersOf(list: readonly { name: string; value: unknown }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of list) {
    out[name] = Array.isArray(value) ? value.map(String).join(',') : String(value ?? '');
  }
  return out;
}

/** Is this a channel event of a leg the engine owns (marked by originate or by the dialplan)? */
export function isOwnedLeg(headers: EslHeaders): boolean {
  return headers[`variable_${OWNED_VARIABLE}`] === 'true' && !!headers['Unique-ID'];
}

/** The app args the dialplan or originate put on the leg (phonebank_arg_0, _1, ...). */
export function appArgsOf(headers: EslHeaders): string[] {
  const args: string[] = [];
  for (let i = 0; i < MAX_APP_ARGS; i++) {
    const value = headers[`variable_${ARG_VARIABLE_PREFIX}${i}`];
    if (value === undefined) break;
    args.push(value);
  }
  return args;
}

/** The playback id carried in a playback application's argument `{phonebank_playback_id=...}file`. */
export function playbackIdInArgument(data: string | undefined): string | undefined {
  const m = /^\{(?:[^}]*,)?phonebank_playback_id=([^,}]+)/.exec(data ?? '');
  return m?.[1];
}

/**
 * Translate one ESL event into the port's event, or nothing: events of legs the engine does
 * not own, and events with no meaning for the engine, give undefined. Pure; the adapter adds
 * only de-duplication (one leg-ringing per leg, one playback-finished per playback).
 *
 *   CHANNEL_PROGRESS(_MEDIA), outbound   → leg-ringing   (180 / 183 from the trunk)
 *   CHANNEL_ANSWER, outbound             → leg-answered
 *   CHANNEL_PARK, inbound, first time    → leg-entered   (the dialplan parked a dial-in)
 *   DTMF                                 → leg-dtmf
 *   CHANNEL_HANGUP_COMPLETE              → leg-ended     (Hangup-Cause → Q.850)
 *   PLAYBACK_STOP with our playback id   → playback-finished
 *   RECORD_STOP of a recording we named  → recording-finished
 *   CHANNEL_EXECUTE_COMPLETE playback "FILE NOT FOUND" → playback-finished (no PLAYBACK_STOP comes)
 */
export function translateEslEvent(headers: EslHeaders, at: Date = new Date()): PbxEvent | undefined {
  if (!isOwnedLeg(headers)) return undefined;
  const legId = headers['Unique-ID'] as string;
  const outbound = headers['Call-Direction'] === 'outbound';
  switch (headers['Event-Name']) {
    case 'CHANNEL_PROGRESS':
    case 'CHANNEL_PROGRESS_MEDIA':
      return outbound ? { type: 'leg-ringing', legId, at } : undefined;
    case 'CHANNEL_ANSWER':
      return outbound ? { type: 'leg-answered', legId, at } : undefined;
    case 'CHANNEL_PARK':
      // Only the dialplan's park of a new dial-in; not the park after the engine moved the leg.
      if (outbound || headers[`variable_${HANDLED_VARIABLE}`] === 'true') return undefined;
      return {
        type: 'leg-entered',
        legId,
        direction: 'inbound',
        args: appArgsOf(headers),
        callerNumber: headers['Caller-Caller-ID-Number'] ?? '',
        dialedNumber: headers['Caller-Destination-Number'] ?? '',
        at,
      };
    case 'DTMF': {
      const digit = headers['DTMF-Digit'];
      return digit ? { type: 'leg-dtmf', legId, digit, at } : undefined;
    }
    case 'CHANNEL_HANGUP_COMPLETE':
      return {
        type: 'leg-ended',
        legId,
        cause: freeswitchHangupCause(
          headers['Hangup-Cause'] ?? headers['variable_hangup_cause'],
          headers['variable_hangup_cause_q850'],
        ),
        at,
      };
    case 'PLAYBACK_STOP': {
      const playbackId = headers[PLAYBACK_ID_PARAM] ?? headers[`variable_${PLAYBACK_ID_PARAM}`];
      return playbackId ? { type: 'playback-finished', playbackId, legId, at } : undefined;
    }
    case 'RECORD_STOP': {
      const name = headers[`variable_${RECORDING_VARIABLE}`];
      if (!name) return undefined;
      const ms = Number(headers['variable_record_ms']);
      return {
        type: 'recording-finished',
        name,
        legId,
        durationMs: Number.isFinite(ms) && ms > 0 ? ms : null,
        at,
      };
    }
    case 'CHANNEL_EXECUTE_COMPLETE': {
      if (headers['Application'] !== 'playback') return undefined;
      if (headers['Application-Response'] !== 'FILE NOT FOUND') return undefined;
      const playbackId = playbackIdInArgument(headers['Application-Data']);
      return playbackId ? { type: 'playback-finished', playbackId, legId, at } : undefined;
    }
    default:
      return undefined;
  }
}

/** The result of a `bgapi originate` job: `+OK <uuid>` or `-ERR <CAUSE>`. */
export function originateJobResult(body: string): { ok: true } | { ok: false; cause: string } {
  const text = body.trim();
  if (text.startsWith('+OK')) return { ok: true };
  const m = /^-ERR\s+([A-Z_]+)/.exec(text);
  return { ok: false, cause: m?.[1] ?? (text.replace(/^-ERR\s*/, '') || 'UNSPECIFIED') };
}
