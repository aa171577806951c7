import { classifyCallEnd, Q850 } from './hangup-cause';

const cause = (q850: number, text = '') => ({ q850, text });

describe('classifyCallEnd', () => {
  it('an answered call is answered whatever the cause of its end', () => {
    expect(classifyCallEnd({ answered: true, cause: cause(Q850.NORMAL_CLEARING) })).toEqual({
      result: 'answered',
    });
    expect(classifyCallEnd({ answered: true, cause: cause(Q850.USER_BUSY) }).result).toBe('answered');
  });

  it.each([
    [Q850.USER_BUSY, 'busy'], // 486 Busy Here
    [Q850.CALL_REJECTED, 'busy'], // 603 Decline: the voter pressed "decline"
    [Q850.NO_USER_RESPONSE, 'no-answer'], // 480 / 408 from some carriers
    [Q850.NO_ANSWER, 'no-answer'],
    [Q850.SUBSCRIBER_ABSENT, 'no-answer'],
  ])('unanswered with Q.850 %i is %s', (code, result) => {
    expect(classifyCallEnd({ answered: false, cause: cause(code) }).result).toBe(result);
  });

  it.each([Q850.UNALLOCATED, Q850.NO_ROUTE_DESTINATION, Q850.NUMBER_CHANGED, Q850.INVALID_NUMBER_FORMAT])(
    'Q.850 %i is a permanent failure (bad number)',
    (code) => {
      expect(classifyCallEnd({ answered: false, cause: cause(code) })).toEqual({
        result: 'failed',
        failure: 'permanent',
      });
    },
  );

  it.each([
    Q850.NORMAL_CIRCUIT_CONGESTION, // 503
    Q850.NETWORK_OUT_OF_ORDER,
    Q850.NORMAL_TEMPORARY_FAILURE, // 500
    Q850.SWITCH_CONGESTION,
    Q850.DESTINATION_OUT_OF_ORDER, // 502
    Q850.RECOVERY_ON_TIMER_EXPIRE,
    Q850.INTERWORKING,
    0,
  ])('Q.850 %i is a temporary failure', (code) => {
    expect(classifyCallEnd({ answered: false, cause: cause(code) })).toEqual({
      result: 'failed',
      failure: 'temporary',
    });
  });

  it('the engine’s own no-answer timer makes it no-answer, whatever the cancel cause', () => {
    for (const code of [Q850.NORMAL_CLEARING, Q850.INTERWORKING, 0]) {
      expect(
        classifyCallEnd({ answered: false, cause: cause(code), endedByNoAnswerTimer: true }).result,
      ).toBe('no-answer');
    }
  });

  it('a call the engine abandoned before answer is abandoned, unless the voter was busy first', () => {
    expect(
      classifyCallEnd({ answered: false, cause: cause(Q850.NORMAL_CLEARING), abandonedByEngine: true })
        .result,
    ).toBe('abandoned');
    expect(
      classifyCallEnd({ answered: false, cause: cause(Q850.USER_BUSY), abandonedByEngine: true }).result,
    ).toBe('busy');
  });

  it('normal clearing before answer without any engine action is a temporary failure', () => {
    expect(classifyCallEnd({ answered: false, cause: cause(Q850.NORMAL_CLEARING) })).toEqual({
      result: 'failed',
      failure: 'temporary',
    });
  });
});
