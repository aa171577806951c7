import { computeTrunkHealth, sipCauseLabel, sipCauseOf } from './trunk-health';

const empty = {
  seizures: 0,
  answered: 0,
  talkSecondsTotal: 0,
  talkCallsEnded: 0,
  postDialDelaysMs: [],
  causes: [],
};

describe('trunk health', () => {
  it('no calls: no ratios, no warnings', () => {
    expect(computeTrunkHealth(empty)).toEqual({
      seizures: 0,
      answered: 0,
      asr: null,
      acdSeconds: null,
      pddMeanMs: null,
      pddP95Ms: null,
      causeMix: [],
      warnings: [],
    });
  });

  it('ASR, ACD and PDD from the aggregates', () => {
    const h = computeTrunkHealth({
      seizures: 4,
      answered: 3,
      talkSecondsTotal: 90,
      talkCallsEnded: 3,
      postDialDelaysMs: [100, 300, 200, 1000],
      causes: [
        { q850: 16, sip: null, answered: true, calls: 3 },
        { q850: 17, sip: null, answered: false, calls: 1 },
      ],
    });
    expect(h.asr).toBe(0.75);
    expect(h.acdSeconds).toBe(30);
    expect(h.pddMeanMs).toBe(400);
    expect(h.pddP95Ms).toBe(1000);
    expect(h.causeMix).toEqual([
      { sip: 200, label: '200 answered', calls: 3, share: 0.75 },
      { sip: 486, label: '486 Busy Here', calls: 1, share: 0.25 },
    ]);
  });

  it('maps Q.850 causes to SIP responses; a recorded SIP response wins', () => {
    expect(sipCauseOf(17, null, false)).toBe(486);
    expect(sipCauseOf(1, null, false)).toBe(404);
    expect(sipCauseOf(34, null, false)).toBe(503);
    expect(sipCauseOf(16, null, false)).toBe(487);
    expect(sipCauseOf(16, 480, false)).toBe(480);
    expect(sipCauseOf(0, null, false)).toBeNull();
    expect(sipCauseLabel(null)).toBe('unknown');
    expect(sipCauseLabel(599)).toBe('599');
  });

  it('merges causes that map to the same SIP response', () => {
    const h = computeTrunkHealth({
      ...empty,
      causes: [
        { q850: 34, sip: null, answered: false, calls: 2 },
        { q850: 41, sip: null, answered: false, calls: 1 },
        { q850: null, sip: 503, answered: false, calls: 1 },
      ],
    });
    expect(h.causeMix).toEqual([{ sip: 503, label: '503 Service Unavailable', calls: 4, share: 1 }]);
  });

  it('warns about a low ASR, carrier failures and 403s only with enough calls', () => {
    const causes = [
      { q850: 16, sip: null, answered: true, calls: 2 },
      { q850: 34, sip: null, answered: false, calls: 15 },
      { q850: 55, sip: null, answered: false, calls: 3 },
    ];
    const many = computeTrunkHealth({ ...empty, seizures: 20, answered: 2, causes });
    expect(many.warnings).toEqual([
      expect.stringMatching(/low answer-seizure ratio \(10%\)/),
      expect.stringMatching(/75% of calls ended with a 5xx/),
      expect.stringMatching(/3 calls were refused with 403/),
    ]);
    expect(computeTrunkHealth({ ...empty, seizures: 5, answered: 0, causes }).warnings).toEqual([]);
  });

  it('warns about a slow post-dial delay', () => {
    const h = computeTrunkHealth({ ...empty, postDialDelaysMs: [6000, 7000, 6500, 8000, 6000] });
    expect(h.warnings).toEqual([expect.stringMatching(/slow post-dial delay \(mean 6\.7 s\)/)]);
  });
});
