import { PbxError } from './pbx.port';

/**
 * What `PbxPort.play` accepts, checked in one place for every adapter:
 *   `sound:NAME`      a prompt of the PBX (Asterisk core sounds names; digits/1 …)
 *   `recording:NAME`  a recording stored on the PBX (made with `record`)
 *   `url:http(s)://…` audio the PBX fetches over HTTP (a WAV the orchestrator serves)
 * Names and URLs are limited to characters that cannot add a second media, an option or a
 * command in any PBX syntax (no commas, spaces, braces, quotes, query strings).
 */
export type PbxMedia =
  { kind: 'sound'; name: string } | { kind: 'recording'; name: string } | { kind: 'url'; url: string };

const NAME = /^(sound|recording):([A-Za-z0-9_\-/.]{1,200})$/;
const URL_MEDIA = /^url:(https?:\/\/[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:\/[A-Za-z0-9._~\-/]*)?)$/;
const RECORDING_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export function parsePbxMedia(media: string): PbxMedia {
  if (typeof media === 'string') {
    const url = URL_MEDIA.exec(media);
    if (url && !url[1].includes('..')) return { kind: 'url', url: url[1] };
    const named = NAME.exec(media);
    if (named && !named[2].includes('..') && !named[2].startsWith('/')) {
      return named[1] === 'sound' ? { kind: 'sound', name: named[2] } : { kind: 'recording', name: named[2] };
    }
  }
  throw new PbxError('invalid-request', `not a playable media name: ${JSON.stringify(media)}`);
}

/** A recording's name on the PBX: letters, digits, - and _ (it becomes a file name). */
export function assertRecordingName(name: string): string {
  if (typeof name !== 'string' || !RECORDING_NAME.test(name)) {
    throw new PbxError('invalid-request', `not a valid recording name: ${JSON.stringify(name)}`);
  }
  return name;
}
