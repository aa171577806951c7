import {
  isTelephonyWav,
  readWavInfo,
  sniffAudioContainer,
  telephonyWav,
  voicemailAudioProblem,
  voicemailMediaRef,
  voicemailRecordingIdOf,
} from './voicemail-audio';

/** A WAV header for any format, with `frames` frames of zeroed samples. */
function wav(opts: {
  rate: number;
  channels: number;
  bits: number;
  tag?: number;
  frames: number;
}): Uint8Array {
  const frameBytes = opts.channels * (opts.bits / 8);
  const data = opts.frames * frameBytes;
  const out = new Uint8Array(44 + data);
  const v = new DataView(out.buffer);
  const put = (at: number, s: string) => [...s].forEach((c, i) => (out[at + i] = c.charCodeAt(0)));
  put(0, 'RIFF');
  v.setUint32(4, 36 + data, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, opts.tag ?? 1, true);
  v.setUint16(22, opts.channels, true);
  v.setUint32(24, opts.rate, true);
  v.setUint32(28, opts.rate * frameBytes, true);
  v.setUint16(32, frameBytes, true);
  v.setUint16(34, opts.bits, true);
  put(36, 'data');
  v.setUint32(40, data, true);
  return out;
}

describe('voicemail audio', () => {
  it('tells WAV and MP3 from their first bytes, and nothing else', () => {
    expect(sniffAudioContainer(wav({ rate: 8000, channels: 1, bits: 16, frames: 1 }))).toBe('wav');
    expect(sniffAudioContainer(new TextEncoder().encode('ID3\u0004\u0000'))).toBe('mp3');
    expect(sniffAudioContainer(Uint8Array.from([0xff, 0xfb, 0x90, 0x64]))).toBe('mp3');
    expect(sniffAudioContainer(new TextEncoder().encode('%PDF-1.7 not audio'))).toBeNull();
    expect(sniffAudioContainer(new Uint8Array())).toBeNull();
  });

  it('reads format and duration of a WAV', () => {
    const info = readWavInfo(wav({ rate: 44100, channels: 2, bits: 16, frames: 44100 * 3 }));
    expect(info).toMatchObject({ formatTag: 1, sampleRate: 44100, channels: 2, bitsPerSample: 16 });
    expect(info.durationMs).toBe(3000);
    expect(isTelephonyWav(info)).toBe(false);
  });

  it('counts the samples really there when the header length is a placeholder', () => {
    const bytes = wav({ rate: 8000, channels: 1, bits: 16, frames: 8000 });
    new DataView(bytes.buffer).setUint32(40, 0xffffffff, true);
    expect(readWavInfo(bytes).durationMs).toBe(1000);
  });

  it('refuses what is not a usable WAV', () => {
    expect(() => readWavInfo(new TextEncoder().encode('hello'))).toThrow(/not a WAV/);
    const noData = wav({ rate: 8000, channels: 1, bits: 16, frames: 0 }).slice(0, 36);
    expect(() => readWavInfo(noData)).toThrow(/no sound data/);
  });

  it('accepts 8 kHz mono 16-bit PCM between half a second and three minutes', () => {
    const ok = readWavInfo(telephonyWav(new Int16Array(8000 * 2)));
    expect(isTelephonyWav(ok)).toBe(true);
    expect(voicemailAudioProblem(ok)).toBeNull();
    expect(voicemailAudioProblem(readWavInfo(telephonyWav(new Int16Array(100))))).toMatch(/shorter/);
    expect(voicemailAudioProblem(readWavInfo(telephonyWav(new Int16Array(8000 * 181))))).toMatch(/longer/);
    expect(
      voicemailAudioProblem(readWavInfo(wav({ rate: 8000, channels: 1, bits: 8, tag: 7, frames: 8000 }))),
    ).toMatch(/not 8 kHz mono 16-bit PCM/);
  });

  it('names a project’s recording by id, and reads only such names back', () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(voicemailMediaRef(id)).toBe(`voicemail:${id}`);
    expect(voicemailRecordingIdOf(`voicemail:${id}`)).toBe(id);
    expect(voicemailRecordingIdOf('sound:tt-monkeys')).toBeNull();
    expect(voicemailRecordingIdOf(null)).toBeNull();
    expect(() => voicemailMediaRef('../../etc/passwd')).toThrow();
  });
});
