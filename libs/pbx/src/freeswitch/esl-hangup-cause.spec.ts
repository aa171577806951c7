import { classifyCallEnd } from '@phonebank/domain';
import { FREESWITCH_CAUSE_TO_Q850, freeswitchHangupCause } from './esl-hangup-cause';

describe('freeswitchHangupCause', () => {
  it.each([
    ['NORMAL_CLEARING', 16],
    ['USER_BUSY', 17],
    ['NO_USER_RESPONSE', 18],
    ['NO_ANSWER', 19],
    ['CALL_REJECTED', 21],
    ['UNALLOCATED_NUMBER', 1],
    ['NO_ROUTE_DESTINATION', 3],
    ['NORMAL_CIRCUIT_CONGESTION', 34],
    ['NORMAL_TEMPORARY_FAILURE', 41],
    ['RECOVERY_ON_TIMER_EXPIRE', 102],
    ['INTERWORKING', 127],
  ])('maps the Q.850 cause %s to %i and keeps the name as text', (name, q850) => {
    expect(freeswitchHangupCause(name)).toEqual({ q850, text: name });
  });

  it.each([
    ['ORIGINATOR_CANCEL', 16],
    ['MANAGER_REQUEST', 16],
    ['ALLOTTED_TIMEOUT', 19],
    ['BUSY_EVERYWHERE', 17],
    ['DECLINE', 21],
    ['DOES_NOT_EXIST_ANYWHERE', 1],
    ['GATEWAY_DOWN', 38],
    ['INVALID_GATEWAY', 41],
    ['USER_NOT_REGISTERED', 20],
  ])('gives FreeSWITCH’s own cause %s the Q.850 cause %i with the same meaning', (name, q850) => {
    expect(freeswitchHangupCause(name).q850).toBe(q850);
  });

  it('classifies like Asterisk would: busy, no answer, bad number, temporary failure', () => {
    const classify = (name: string) =>
      classifyCallEnd({ answered: false, cause: freeswitchHangupCause(name) });
    expect(classify('USER_BUSY')).toEqual({ result: 'busy' });
    expect(classify('BUSY_EVERYWHERE')).toEqual({ result: 'busy' });
    expect(classify('NO_ANSWER')).toEqual({ result: 'no-answer' });
    expect(classify('ALLOTTED_TIMEOUT')).toEqual({ result: 'no-answer' });
    expect(classify('UNALLOCATED_NUMBER')).toEqual({ result: 'failed', failure: 'permanent' });
    expect(classify('GATEWAY_DOWN')).toEqual({ result: 'failed', failure: 'temporary' });
    expect(classify('INVALID_GATEWAY')).toEqual({ result: 'failed', failure: 'temporary' });
  });

  it('accepts lower case and surrounding space', () => {
    expect(freeswitchHangupCause(' user_busy ')).toEqual({ q850: 17, text: 'USER_BUSY' });
  });

  it('falls back to the numeric hangup_cause_q850 for an unknown name, else 0', () => {
    expect(freeswitchHangupCause('SOMETHING_NEW', '34')).toEqual({ q850: 34, text: 'SOMETHING_NEW' });
    expect(freeswitchHangupCause('SOMETHING_NEW', 42)).toEqual({ q850: 42, text: 'SOMETHING_NEW' });
    expect(freeswitchHangupCause('SOMETHING_NEW', '600')).toEqual({ q850: 0, text: 'SOMETHING_NEW' });
    expect(freeswitchHangupCause('SOMETHING_NEW', 'x')).toEqual({ q850: 0, text: 'SOMETHING_NEW' });
    expect(freeswitchHangupCause(undefined)).toEqual({ q850: 0, text: '' });
  });

  it('the name wins over the numeric cause (FreeSWITCH reports its own causes as 16)', () => {
    expect(freeswitchHangupCause('BUSY_EVERYWHERE', '16').q850).toBe(17);
  });

  it('maps every name to a Q.850 code in 0..127', () => {
    for (const [name, code] of Object.entries(FREESWITCH_CAUSE_TO_Q850)) {
      expect({ name, ok: Number.isInteger(code) && code >= 0 && code <= 127 }).toEqual({ name, ok: true });
    }
  });
});
