/**
 * The contract of a project's caller-ID verification and voicemail recording (issue 6, SPEC §4):
 * the JSON the routes answer with and the Socket.IO events that push their changes. Plain
 * types, no imports, shared by relative path by the orchestrator and the Angular app.
 *
 * Routes (admin and organizer; scoped to the signed-in user's campaign, 404 otherwise):
 *   GET  /api/projects/:id/caller-id                         CallerIdStatus
 *   POST /api/projects/:id/caller-id/verifications           { callerId } → CallerIdStatus
 *        (a number the campaign verified before is reused at once, without a call)
 *   POST /api/projects/:id/caller-id/verifications/cancel    → CallerIdStatus
 *   GET  /api/projects/:id/voicemail                         VoicemailStatus
 *   PUT  /api/projects/:id/voicemail/file?name=FILE          the WAV or MP3 bytes → VoicemailStatus
 *   GET  /api/projects/:id/voicemail/audio                   the recording (audio/wav) for <audio>
 *   POST /api/projects/:id/voicemail/calls                   { phone } "call me to record" → VoicemailStatus
 *   POST /api/projects/:id/voicemail/calls/cancel            → VoicemailStatus
 *   DELETE /api/projects/:id/voicemail                       no message any more → VoicemailStatus
 * Socket.IO (the call screen's connection; staff sockets are in their campaign's room):
 *   `project.caller-id` (CallerIdStatus) and `project.voicemail` (VoicemailStatus) on every change.
 */

export type CallerIdVerificationStageJson = 'calling' | 'ringing' | 'awaiting-code' | 'verified' | 'failed';

export interface CallerIdVerificationJson {
  id: string;
  callerId: string;
  stage: CallerIdVerificationStageJson;
  /** Why it failed (wrong-code, no-code, no-answer, busy, unreachable, hung-up, cancelled, interrupted). */
  failure: string | null;
  /** The code to type on the phone; only while the call runs. */
  code: string | null;
  triesLeft: number;
  /** One sentence for the page. */
  message: string;
  startedAt: string;
  stageEnteredAt: string;
}

export interface CallerIdStatus {
  projectId: string;
  /** The project's caller ID for power dialing (E.164), verified or not. */
  callerId: string | null;
  verified: boolean;
  verifiedAt: string | null;
  /** Numbers this campaign verified; any project of the campaign may use them without a call. */
  campaignVerified: { e164: string; verifiedAt: string }[];
  /** The latest verification call of this project. */
  verification: CallerIdVerificationJson | null;
}

export type VoicemailCallStageJson =
  'calling' | 'ringing' | 'prompting' | 'recording' | 'reviewing' | 'saving' | 'kept' | 'failed';

export interface VoicemailCallJson {
  id: string;
  phone: string;
  stage: VoicemailCallStageJson;
  failure: string | null;
  take: number;
  message: string;
  startedAt: string;
  stageEnteredAt: string;
}

export interface VoicemailRecordingJson {
  id: string;
  source: 'phone' | 'upload';
  originalName: string | null;
  durationMs: number;
  sizeBytes: number;
  createdAt: string;
  /** Same-origin URL of the audio for an <audio> element (the session cookie authorizes it). */
  audioUrl: string;
}

export interface VoicemailStatus {
  projectId: string;
  recording: VoicemailRecordingJson | null;
  /** A PBX prompt an operator set instead of a recording (e.g. sound:tt-monkeys), if any. */
  pbxMedia: string | null;
  /** The latest "call me to record" call. */
  call: VoicemailCallJson | null;
}

/** Server → client events of these pages (beside the call screen's). */
export interface ProjectAudioServerEvents {
  'project.caller-id': (status: CallerIdStatus) => void;
  'project.voicemail': (status: VoicemailStatus) => void;
}
