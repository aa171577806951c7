import { assertRecordingName, parsePbxMedia } from './media';
import { PbxError } from './pbx.port';

describe('PBX media names', () => {
  it('reads prompts, stored recordings and URLs', () => {
    expect(parsePbxMedia('sound:digits/1')).toEqual({ kind: 'sound', name: 'digits/1' });
    expect(parsePbxMedia('recording:vmrec-abc-1')).toEqual({ kind: 'recording', name: 'vmrec-abc-1' });
    expect(parsePbxMedia('url:http://127.0.0.1:3000/api/media/voicemail/Ab_9-x.wav')).toEqual({
      kind: 'url',
      url: 'http://127.0.0.1:3000/api/media/voicemail/Ab_9-x.wav',
    });
  });

  it.each([
    'sound:a,sound:b',
    'sound:../../etc/passwd',
    'recording:/etc/passwd',
    'url:ftp://host/x.wav',
    'url:http://host/x.wav?x=1',
    'url:http://host/a,b.wav',
    'url:http://user:pw@host/x.wav',
    'url:http://host/../x.wav',
    'http://host/x.wav',
    'sound:a b',
  ])('refuses %j', (media) => {
    expect(() => parsePbxMedia(media)).toThrow(PbxError);
  });

  it('accepts recording names that are safe file names only', () => {
    expect(assertRecordingName('vmrec-1f2e-3')).toBe('vmrec-1f2e-3');
    for (const bad of ['', '-x', 'a/b', 'a.wav', 'x'.repeat(129), 'a b']) {
      expect(() => assertRecordingName(bad)).toThrow(PbxError);
    }
  });
});
