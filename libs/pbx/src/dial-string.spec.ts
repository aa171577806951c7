import { isE164, pjsipDialString } from './dial-string';

describe('pjsipDialString', () => {
  it('builds PJSIP/number@trunk from an E.164 number and a trunk name', () => {
    expect(pjsipDialString('voter-trunk', '+12025550100')).toBe('PJSIP/+12025550100@voter-trunk');
  });

  it.each([
    '2025550100',
    '+1 202 555 0100',
    '+12025550100&PJSIP/evil',
    '+0123456789',
    '+1',
    '+1234567890123456',
  ])('refuses the number %j', (n) => {
    expect(() => pjsipDialString('voter-trunk', n)).toThrow(/E\.164/);
    expect(isE164(n)).toBe(false);
  });

  it.each(['', 'voter trunk', 'trunk/other', 'a@b', 'x&y'])('refuses the trunk name %j', (t) => {
    expect(() => pjsipDialString(t, '+12025550100')).toThrow(/trunk/);
  });
});

describe('pjsipDialString with a trunk number format', () => {
  it('dials the number the way the trunk wants it', () => {
    expect(pjsipDialString('carrier', '+12025550100', '9#2025550100')).toBe('PJSIP/9#2025550100@carrier');
  });

  it.each(['', '202 555', '2025550100@evil', '1/2', '+', '12&PJSIP/x'])(
    'refuses the dialed number %j',
    (d) => {
      expect(() => pjsipDialString('carrier', '+12025550100', d)).toThrow(/dialed number/);
    },
  );
});
