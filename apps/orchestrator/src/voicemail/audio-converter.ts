import { Injectable } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TELEPHONY_WAV, type AudioContainer } from '@phonebank/domain';
import { ProjectCallError } from '../project-calls/project-call.errors';

const SOX_TIMEOUT_MS = 60_000;

/**
 * Converts a WAV or MP3 file to what Asterisk plays (8 kHz mono 16-bit PCM WAV) with SoX, the
 * Debian packages `sox` and `libsox-fmt-mp3` that scripts/ensure-system-deps.sh installs.
 * Works on temporary files (a WAV written to a pipe has no valid length) removed afterwards.
 */
@Injectable()
export class AudioConverter {
  async toTelephonyWav(input: Uint8Array, container: AudioContainer): Promise<Uint8Array> {
    const dir = await mkdtemp(join(tmpdir(), 'phonebank-audio-'));
    try {
      const source = join(dir, `in.${container}`);
      const target = join(dir, 'out.wav');
      await writeFile(source, input);
      await this.sox([
        '-V1',
        '-t',
        container,
        source,
        '-t',
        'wav',
        '-r',
        String(TELEPHONY_WAV.sampleRate),
        '-c',
        String(TELEPHONY_WAV.channels),
        '-b',
        String(TELEPHONY_WAV.bitsPerSample),
        '-e',
        'signed-integer',
        target,
      ]);
      return new Uint8Array(await readFile(target));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private sox(args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn('sox', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        if (stderr.length < 4000) stderr += d.toString();
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), SOX_TIMEOUT_MS);
      child.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          error.code === 'ENOENT'
            ? new ProjectCallError(
                'CONVERTER_MISSING',
                'converting audio needs SoX on the server: run scripts/ensure-system-deps.sh (apt-get install sox libsox-fmt-mp3)',
              )
            : error,
        );
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        if (code === 0) return resolve();
        const why = stderr
          .split('\n')
          .map((l) =>
            l
              .replace(/^sox (FAIL|WARN) \w+: /, '')
              .replace(/\/tmp\/\S+/g, 'the file')
              .trim(),
          )
          .find((l) => l.length > 0);
        reject(
          new ProjectCallError(
            'INVALID_AUDIO',
            `the file could not be read as audio${why ? ` (${why})` : ''}; upload a WAV or MP3 file`,
          ),
        );
      });
    });
  }
}
