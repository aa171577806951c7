/**
 * The audio of a project's voicemail message: what an uploaded file may be, what the PBX plays
 * (8 kHz mono 16-bit PCM WAV, Asterisk's `wav` format), and how a project names its recording.
 * Pure: reads bytes, never files.
 */
export type AudioContainer = 'wav' | 'mp3';

/** Uploads larger than this are refused before conversion (a 2-minute 48 kHz stereo WAV is ~23 MB). */
export const MAX_VOICEMAIL_UPLOAD_BYTES = 25 * 1024 * 1024;
/** The longest message kept (a voicemail drop longer than this wastes the machine's tape). */
export const MAX_VOICEMAIL_DURATION_MS = 180_000;
export const MIN_VOICEMAIL_DURATION_MS = 500;

export const TELEPHONY_WAV = { sampleRate: 8000, channels: 1, bitsPerSample: 16 } as const;

export interface WavInfo {
  /** WAVE format tag: 1 PCM, 3 IEEE float, 6 A-law, 7 µ-law, 0xFFFE extensible. */
  formatTag: number;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Offset and length of the sample data. */
  dataOffset: number;
  dataBytes: number;
  durationMs: number;
}

export class AudioFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AudioFormatError';
  }
}

/** What the first bytes say the file is (the file name and Content-Type are only hints). */
export function sniffAudioContainer(bytes: Uint8Array): AudioContainer | null {
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WAVE') return 'wav';
  if (bytes.length >= 3 && ascii(bytes, 0, 3) === 'ID3') return 'mp3';
  // An MPEG audio frame: 11 sync bits, layer III (or II), not a reserved version/bitrate.
  if (bytes.length >= 4 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0) {
    const version = (bytes[1] >> 3) & 0x03;
    const layer = (bytes[1] >> 1) & 0x03;
    const bitrate = bytes[2] >> 4;
    if (version !== 1 && layer !== 0 && bitrate !== 0x0f) return 'mp3';
  }
  return null;
}

/** Read a RIFF/WAVE header: format, rate, channels, where the samples are and how long they last. */
export function readWavInfo(bytes: Uint8Array): WavInfo {
  if (sniffAudioContainer(bytes) !== 'wav')
    throw new AudioFormatError('not a WAV file (no RIFF/WAVE header)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes' | 'durationMs'> | null = null;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length)
        throw new AudioFormatError('the WAV format chunk is cut short');
      let formatTag = view.getUint16(body, true);
      if (formatTag === 0xfffe && size >= 26 && body + 26 <= bytes.length) {
        formatTag = view.getUint16(body + 24, true); // the sub-format GUID starts with the real tag
      }
      fmt = {
        formatTag,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw new AudioFormatError('the WAV file has its samples before its format');
      if (fmt.channels < 1 || fmt.sampleRate < 1 || fmt.bitsPerSample < 1) {
        throw new AudioFormatError('the WAV format chunk names no channels, rate or sample size');
      }
      // Streams written to a pipe carry a placeholder length: count what is really there.
      const dataBytes = Math.min(size, bytes.length - body);
      const frameBytes = fmt.channels * Math.ceil(fmt.bitsPerSample / 8);
      const frames = Math.floor(dataBytes / frameBytes);
      return {
        ...fmt,
        dataOffset: body,
        dataBytes,
        durationMs: Math.round((frames / fmt.sampleRate) * 1000),
      };
    }
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  throw new AudioFormatError('the WAV file has no sound data');
}

/** Is this already what the PBX plays without converting (8 kHz mono 16-bit PCM)? */
export function isTelephonyWav(info: WavInfo): boolean {
  return (
    info.formatTag === 1 &&
    info.sampleRate === TELEPHONY_WAV.sampleRate &&
    info.channels === TELEPHONY_WAV.channels &&
    info.bitsPerSample === TELEPHONY_WAV.bitsPerSample
  );
}

/** Why a converted recording cannot be the project's message, or null when it can. */
export function voicemailAudioProblem(info: WavInfo): string | null {
  if (!isTelephonyWav(info)) return 'the audio is not 8 kHz mono 16-bit PCM';
  if (info.durationMs < MIN_VOICEMAIL_DURATION_MS) return 'the recording is shorter than half a second';
  if (info.durationMs > MAX_VOICEMAIL_DURATION_MS) {
    return `the recording is longer than ${MAX_VOICEMAIL_DURATION_MS / 1000} seconds; shorten it`;
  }
  return null;
}

/** A minimal 8 kHz mono 16-bit PCM WAV around little-endian samples. */
export function telephonyWav(samples: Int16Array): Uint8Array {
  const dataBytes = samples.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const put = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  };
  put(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, TELEPHONY_WAV.sampleRate, true);
  view.setUint32(28, TELEPHONY_WAV.sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  put(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(44 + i * 2, samples[i], true);
  return out;
}

// ---- how a project names its recording -----------------------------------------------------

const VOICEMAIL_REF = /^voicemail:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * `projects.voicemail_recording` holds a media reference: `voicemail:<recording id>` for a
 * recording kept in the database (recorded by phone or uploaded), which the engine turns into a
 * URL the PBX fetches when it plays it; or a PBX media name (`sound:…`) set by an operator.
 */
export function voicemailMediaRef(recordingId: string): string {
  const ref = `voicemail:${recordingId.toLowerCase()}`;
  if (!VOICEMAIL_REF.test(ref)) throw new Error('a voicemail recording id is a UUID');
  return ref;
}

/** The recording id of a `voicemail:<id>` reference, or null for anything else. */
export function voicemailRecordingIdOf(ref: string | null | undefined): string | null {
  return (ref && VOICEMAIL_REF.exec(ref)?.[1]) || null;
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  let s = '';
  for (let i = at; i < at + length && i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
