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
