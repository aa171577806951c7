import { areaCodeOf, normalizePhone, parseLineType } from './phone-number';

describe('normalizePhone', () => {
  it.each([
    ['(212) 555-2000', '+12125552000'],
    ['212.555.2000', '+12125552000'],
    ['1-212-555-2000', '+12125552000'],
    ['+1 212 555 2000', '+12125552000'],
    ['  2125552000 ', '+12125552000'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('%s → %s', (raw, e164) => {
    expect(normalizePhone(raw)).toMatchObject({ ok: true, e164 });
  });
  it.each([
    ['', 'empty'],
    ['call me', 'invalid_characters'],
    ['212-555-2000 x12', 'invalid_characters'],
    ['555-2000', 'too_short'],
    ['212555200000', 'too_long'],
    ['112-555-2000', 'invalid_area_code'],
    ['212-155-2000', 'invalid_exchange'],
    ['911-555-2000', 'service_code'],
    ['212-411-2000', 'service_code'],
    ['212-555-0199', 'fictional_number'],
    ['+1234', 'too_short'],
  ])('rejects %j: %s', (raw, reason) => {
    const r = normalizePhone(raw);
    expect(r).toMatchObject({ ok: false, reason });
    if (!r.ok) expect(r.message.length).toBeGreaterThan(5);
  });
  it('knows area codes of NANP numbers only', () => {
    expect(areaCodeOf('+12125552000')).toBe('212');
    expect(areaCodeOf('+442079460958')).toBeNull();
  });
  it('reads line types', () => {
    expect(parseLineType('Mobile')).toBe('cell');
    expect(parseLineType('')).toBe('unknown');
    expect(parseLineType('fax')).toBeNull();
  });
});
