import {
  CONTACT_OUTCOMES,
  CONNECTED_OUTCOMES,
  ReportError,
  callFigures,
  callsByHourOfDay,
  moneyFigures,
  parseReportRange,
  perHour,
  percentOf,
  surveyResults,
  unionMs,
  volunteerTime,
} from './call-report.calculator';
import { csvCell, csvLine } from './csv';

const HOUR = 3_600_000;

describe('parseReportRange', () => {
  it('takes whole local days, both ends included', () => {
    expect(parseReportRange('2026-03-01', '2026-03-01')).toEqual({
      from: '2026-03-01',
      to: '2026-03-01',
      days: 1,
    });
    expect(parseReportRange('2024-02-28', '2024-03-01').days).toBe(3); // leap day
    expect(parseReportRange('2025-01-01', '2025-12-31').days).toBe(365);
  });

  it.each([
    ['2026-03-02', '2026-03-01', 'before'],
    ['2026-02-30', '2026-03-01', 'YYYY-MM-DD'],
    ['2026-3-1', '2026-03-01', 'YYYY-MM-DD'],
    ['yesterday', '2026-03-01', 'YYYY-MM-DD'],
    ['2024-01-01', '2025-01-02', 'at most 366 days'],
  ])('refuses %s..%s (%s)', (from, to, message) => {
    expect(() => parseReportRange(from, to)).toThrow(ReportError);
    expect(() => parseReportRange(from, to)).toThrow(message);
  });
});

describe('ratios', () => {
  it('percent with one decimal, half up, exact', () => {
    expect(percentOf(1, 3)).toBe(33.3);
    expect(percentOf(2, 3)).toBe(66.7);
    expect(percentOf(1, 8)).toBe(12.5);
    expect(percentOf(1, 16)).toBe(6.3); // 6.25 → 6.3
    expect(percentOf(0, 5)).toBe(0);
    expect(percentOf(5, 5)).toBe(100);
  });

  it('has no ratio without a denominator', () => {
    expect(percentOf(0, 0)).toBeNull();
    expect(perHour(0, 0)).toBeNull();
    expect(perHour(12, 0)).toBeNull();
  });

  it('calls per hour, one decimal', () => {
    expect(perHour(60, HOUR)).toBe(60);
    expect(perHour(7, 40 * 60_000)).toBe(10.5);
    expect(perHour(1, 3 * HOUR)).toBe(0.3);
    expect(perHour(0, HOUR)).toBe(0);
  });

  it.each([[() => percentOf(-1, 3)], [() => percentOf(1.5, 3)], [() => perHour(1, Number.NaN)]])(
    'refuses bad counts',
    (f) => {
      expect(f).toThrow(ReportError);
    },
  );
});

describe('callFigures', () => {
  it('derives attempts, contacts and the outcome mix from the outcome counts', () => {
    const f = callFigures({
      outcomes: { successful: 2, voicemail: 1, busy: 3, no_answer: 1, refused: 1, do_not_call: 0 },
      numbersDialed: 6,
      volunteerMs: 30 * 60_000,
    });
    expect(f).toMatchObject({
      attempts: 8,
      numbersDialed: 6,
      connected: 4,
      contacts: 3,
      contactRate: 37.5,
      connectRate: 50,
      volunteerMs: 1_800_000,
      callsPerVolunteerHour: 16,
    });
    expect(f.outcomes).toEqual([
      { outcome: 'successful', count: 2, percent: 25 },
      { outcome: 'voicemail', count: 1, percent: 12.5 },
      { outcome: 'refused', count: 1, percent: 12.5 },
      { outcome: 'busy', count: 3, percent: 37.5 },
      { outcome: 'no_answer', count: 1, percent: 12.5 },
      { outcome: 'failed', count: 0, percent: 0 },
      { outcome: 'wrong_number', count: 0, percent: 0 },
      { outcome: 'do_not_call', count: 0, percent: 0 },
    ]);
  });

  it('reports zero attempts and zero hours without dividing by zero', () => {
    const f = callFigures({ outcomes: {}, numbersDialed: 0, volunteerMs: 0 });
    expect(f).toMatchObject({
      attempts: 0,
      contacts: 0,
      contactRate: null,
      connectRate: null,
      callsPerVolunteerHour: null,
    });
    expect(f.outcomes.every((o) => o.count === 0 && o.percent === null)).toBe(true);
    expect(f.outcomes).toHaveLength(8);
  });

  it('voicemail is connected but not a contact', () => {
    expect(CONNECTED_OUTCOMES).toContain('voicemail');
    expect(CONTACT_OUTCOMES).not.toContain('voicemail');
    expect(callFigures({ outcomes: { voicemail: 2 }, numbersDialed: 2, volunteerMs: 0 })).toMatchObject({
      connected: 2,
      contacts: 0,
      contactRate: 0,
    });
  });

  it('refuses more numbers than attempts, and bad counts', () => {
    expect(() => callFigures({ outcomes: { busy: 1 }, numbersDialed: 2, volunteerMs: 0 })).toThrow(
      'cannot exceed',
    );
    expect(() => callFigures({ outcomes: { busy: -1 }, numbersDialed: 0, volunteerMs: 0 })).toThrow(
      ReportError,
    );
  });
});

describe('callsByHourOfDay', () => {
  it('fills all 24 hours and adds repeated ones', () => {
    const hours = callsByHourOfDay([
      { hour: 9, attempts: 2, contacts: 1 },
      { hour: 23, attempts: 1, contacts: 0 },
      { hour: 9, attempts: 1, contacts: 1 },
    ]);
    expect(hours).toHaveLength(24);
    expect(hours[0]).toEqual({ hour: 0, attempts: 0, contacts: 0 });
    expect(hours[9]).toEqual({ hour: 9, attempts: 3, contacts: 2 });
    expect(hours[23]).toEqual({ hour: 23, attempts: 1, contacts: 0 });
  });

  it('refuses an hour outside the day', () => {
    expect(() => callsByHourOfDay([{ hour: 24, attempts: 1, contacts: 0 }])).toThrow(ReportError);
  });
});

describe('volunteer time', () => {
  it('counts overlapping intervals once', () => {
    expect(unionMs([])).toBe(0);
    expect(
      unionMs([
        { start: 0, end: 10 },
        { start: 5, end: 20 },
        { start: 30, end: 40 },
        { start: 40, end: 45 },
        { start: 50, end: 50 },
        { start: 70, end: 60 },
      ]),
    ).toBe(35);
    expect(
      unionMs([
        { start: 0, end: 100 },
        { start: 10, end: 20 },
      ]),
    ).toBe(100);
  });

  it('splits each volunteer by kind and totals without double counting', () => {
    const t = volunteerTime([
      { userId: 'a', kind: 'power-dial', start: 0, end: HOUR },
      { userId: 'a', kind: 'standard', start: HOUR / 2, end: 2 * HOUR },
      { userId: 'b', kind: 'standard', start: 0, end: 60_000 },
      { userId: null, kind: 'standard', start: 0, end: 1 },
    ]);
    expect(t).toEqual([
      { userId: 'a', totalMs: 2 * HOUR, powerDialMs: HOUR, standardMs: 1.5 * HOUR },
      { userId: 'b', totalMs: 60_000, powerDialMs: 0, standardMs: 60_000 },
      { userId: null, totalMs: 1, powerDialMs: 0, standardMs: 1 },
    ]);
  });
});

describe('surveyResults', () => {
  const questions = [
    {
      id: 'support',
      text: 'Can we count on your vote?',
      answers: [
        { label: 'Yes', tag: 'supporter' },
        { label: 'No', tag: 'opponent' },
        { label: 'Undecided', tag: 'undecided' },
      ],
    },
    { id: 'sign', text: 'Yard sign?', answers: [{ label: 'Yes', tag: 'yard-sign' }] },
  ];

  it('counts each answer of each question, zeros included, in question order', () => {
    const r = surveyResults(questions, [
      { questionId: 'support', tag: 'supporter', count: 3 },
      { questionId: 'support', tag: 'opponent', count: 1 },
    ]);
    expect(r).toEqual([
      {
        questionId: 'support',
        text: 'Can we count on your vote?',
        answered: 4,
        answers: [
          { tag: 'supporter', label: 'Yes', count: 3, percent: 75 },
          { tag: 'opponent', label: 'No', count: 1, percent: 25 },
          { tag: 'undecided', label: 'Undecided', count: 0, percent: 0 },
        ],
      },
      {
        questionId: 'sign',
        text: 'Yard sign?',
        answered: 0,
        answers: [{ tag: 'yard-sign', label: 'Yes', count: 0, percent: null }],
      },
    ]);
  });

  it('keeps answers to questions and tags the project no longer offers', () => {
    const r = surveyResults(questions.slice(1), [
      { questionId: 'sign', tag: 'big-sign', count: 2 },
      { questionId: 'gone', tag: 'x', count: 1 },
    ]);
    expect(r[0]!.answers).toEqual([
      { tag: 'yard-sign', label: 'Yes', count: 0, percent: 0 },
      { tag: 'big-sign', label: 'big-sign', count: 2, percent: 100 },
    ]);
    expect(r[1]).toEqual({
      questionId: 'gone',
      text: 'gone',
      answered: 1,
      answers: [{ tag: 'x', label: 'x', count: 1, percent: 100 }],
    });
  });
});

describe('moneyFigures', () => {
  it('gives cost, per hour and per 100 numbers in millicents and in dollars rounded to the cent', () => {
    expect(moneyFigures({ chargedMillicents: 174_000, connectedMs: HOUR, phonesCalled: 60 })).toEqual({
      chargedMillicents: 174_000,
      connectedMs: HOUR,
      phonesCalled: 60,
      perHourMillicents: 174_000,
      per100PhonesMillicents: 290_000,
      charged: '$1.74',
      perHour: '$1.74',
      per100Phones: '$2.90',
    });
  });

  it('rounds money half up to the cent', () => {
    // 1 450 millicents = 1.45 cents → $0.01; 1 500 → 1.5 cents → $0.02; per 100 of 3 phones: 48 333.3 → 48 333
    const m = moneyFigures({ chargedMillicents: 1_450, connectedMs: 30_000, phonesCalled: 3 });
    expect(m.charged).toBe('$0.01');
    expect(m.per100PhonesMillicents).toBe(48_333);
    expect(m.per100Phones).toBe('$0.48');
    expect(m.perHourMillicents).toBe(174_000);
    expect(moneyFigures({ chargedMillicents: 1_500, connectedMs: 0, phonesCalled: 0 }).charged).toBe('$0.02');
  });

  it('has no per-hour or per-100 cost with zero hours or zero numbers', () => {
    expect(moneyFigures({ chargedMillicents: 0, connectedMs: 0, phonesCalled: 0 })).toMatchObject({
      charged: '$0.00',
      perHourMillicents: null,
      perHour: null,
      per100PhonesMillicents: null,
      per100Phones: null,
    });
  });
});

describe('CSV', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+12025550100', "'+12025550100"],
    ['-1+2', "'-1+2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j → %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes numbers as they are and nothing for null', () => {
    expect(csvLine([-5, 1.5, null, undefined, 'x'])).toBe('-5,1.5,,,x\r\n');
  });
});
