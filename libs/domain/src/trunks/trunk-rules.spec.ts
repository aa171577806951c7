import {
  callerIdMatches,
  codecProblems,
  formatNumber,
  isCallerIdPattern,
  resolveCallerId,
} from './trunk-rules';

const open = {
  allowedCallerIds: [],
  defaultCallerId: null,
  callerIdFormat: 'e164' as const,
  dialFormat: 'e164' as const,
  dialPrefix: '',
};

describe('trunk caller-ID and number rules', () => {
  it('with no allow list the project caller ID and the E.164 number go out unchanged', () => {
    expect(resolveCallerId(open, '+15557654321', '+12025550123')).toEqual({
      ok: true,
      callerId: '+15557654321',
      presented: 'project',
      dialedNumber: '+12025550123',
    });
  });

  it('allow-list entries are numbers or prefixes ending in *', () => {
    expect(isCallerIdPattern('+1202555*')).toBe(true);
    expect(isCallerIdPattern('+12025550123')).toBe(true);
    expect(isCallerIdPattern('1202*')).toBe(false);
    expect(isCallerIdPattern('+1202*555')).toBe(false);
    expect(callerIdMatches('+1202555*', '+12025550199')).toBe(true);
    expect(callerIdMatches('+1202555*', '+13035550199')).toBe(false);
  });

  it('a caller ID the trunk does not allow falls back to the trunk default, else is refused', () => {
    const rules = { ...open, allowedCallerIds: ['+1202555*'] };
    expect(resolveCallerId(rules, '+15557654321', '+12025550123')).toMatchObject({ ok: false });
    expect(
      resolveCallerId({ ...rules, defaultCallerId: '+12025550100' }, '+15557654321', '+12025550123'),
    ).toMatchObject({
      ok: true,
      callerId: '+12025550100',
      presented: 'trunk-default',
    });
    expect(resolveCallerId(rules, '+12025550111', '+12025550123')).toMatchObject({
      ok: true,
      presented: 'project',
    });
  });

  it('formats numbers the way the carrier wants, with its tech prefix', () => {
    expect(formatNumber('+12025550123', 'e164-no-plus')).toBe('12025550123');
    expect(formatNumber('+12025550123', 'nanp10')).toBe('2025550123');
    expect(formatNumber('+442071234567', 'nanp10')).toBeNull();
    expect(
      resolveCallerId(
        { ...open, dialFormat: 'nanp10', callerIdFormat: 'e164-no-plus', dialPrefix: '9#' },
        '+15557654321',
        '+12025550123',
      ),
    ).toEqual({ ok: true, callerId: '15557654321', presented: 'project', dialedNumber: '9#2025550123' });
    expect(resolveCallerId({ ...open, dialFormat: 'nanp10' }, '+15557654321', '+442071234567')).toMatchObject(
      {
        ok: false,
      },
    );
  });

  it('validates codec lists against the known set', () => {
    expect(codecProblems(['ulaw', 'alaw', 'opus'])).toEqual([]);
    expect(codecProblems([])).toEqual(['a trunk needs at least one codec']);
    expect(codecProblems(['ulaw', 'mp3', 'ulaw'])).toEqual([
      expect.stringMatching(/unknown codec "mp3"/),
      'codec "ulaw" is listed twice',
    ]);
  });
});
