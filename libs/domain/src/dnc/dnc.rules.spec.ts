import { checkDncReason, mapDncColumns, parseDncRecord, phoneStatusAfterDncRemoval } from './dnc.rules';

describe('DNC rules', () => {
  it('requires a reason and keeps it on one line', () => {
    expect(checkDncReason('  asked   not\nto be called ')).toEqual({
      ok: true,
      reason: 'asked not to be called',
    });
    expect(checkDncReason('')).toMatchObject({ ok: false });
    expect(checkDncReason(null)).toMatchObject({ ok: false });
    expect(checkDncReason('x'.repeat(501))).toMatchObject({ ok: false });
  });

  it('finds the number and reason columns of a header, or reads a bare list of numbers', () => {
    expect(mapDncColumns(['Name', 'Phone Number', 'Reason'])).toEqual({
      ok: true,
      columns: { number: 1, reason: 2, hasHeader: true },
    });
    expect(mapDncColumns(['phone'])).toEqual({
      ok: true,
      columns: { number: 0, reason: null, hasHeader: true },
    });
    expect(mapDncColumns(['(212) 555-2000'])).toEqual({
      ok: true,
      columns: { number: 0, reason: null, hasHeader: false },
    });
    expect(mapDncColumns(['name', 'email'])).toMatchObject({ line: 1 });
  });

  it('parses a record into E.164 with its own reason or the file’s', () => {
    const columns = { number: 0, reason: 1, hasHeader: true };
    expect(parseDncRecord(['212-555-2000', ''], columns, 2, 'state list')).toEqual({
      ok: true,
      e164: '+12125552000',
      reason: 'state list',
    });
    expect(parseDncRecord(['+1 212 555 2001', 'called to complain'], columns, 3, 'x')).toEqual({
      ok: true,
      e164: '+12125552001',
      reason: 'called to complain',
    });
    const bad = parseDncRecord(['12345', ''], columns, 4, 'x');
    expect(bad).toMatchObject({ ok: false, error: { line: 4, column: 'phone' } });
    expect(
      parseDncRecord(['2125552000'], { number: 0, reason: null, hasHeader: false }, 5, ''),
    ).toMatchObject({
      ok: false,
      error: { line: 5, column: 'reason' },
    });
  });

  it('gives back the status DNC hid: a retired phone stays retired, others become active', () => {
    expect(phoneStatusAfterDncRemoval([])).toBe('active');
    expect(phoneStatusAfterDncRemoval(['do_not_call', 'busy', 'no_answer'])).toBe('active');
    expect(phoneStatusAfterDncRemoval(['do_not_call', 'refused'])).toBe('refused');
    expect(phoneStatusAfterDncRemoval(['voicemail', 'successful'])).toBe('voicemail_left');
    expect(phoneStatusAfterDncRemoval(['wrong_number', 'successful'])).toBe('complete');
  });
});
