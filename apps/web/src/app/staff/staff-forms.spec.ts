import {
  EMPTY_FILTER,
  draftOf,
  formatHours,
  minutesToTime,
  slug,
  splitList,
  timeToMinutes,
  toFilter,
  toSurvey,
  toUpdate,
} from './staff-forms';

describe('staff forms', () => {
  it('converts calling-window times both ways and summarizes the window', () => {
    expect(minutesToTime(540)).toBe('09:00');
    expect(minutesToTime(1440)).toBe('24:00');
    expect(timeToMinutes('9:30')).toBe(570);
    expect(timeToMinutes('24:00')).toBe(1440);
    expect(timeToMinutes('24:01')).toBeNull();
    expect(timeToMinutes('10:60')).toBeNull();
    expect(timeToMinutes('noon')).toBeNull();
    expect(formatHours({ hoursStart: 540, hoursEnd: 1260, weekdays: [1, 2, 3, 4, 5, 6, 7] })).toBe(
      'Every day 09:00–21:00',
    );
    expect(formatHours({ hoursStart: 600, hoursEnd: 1230, weekdays: [5, 1, 2, 3, 4] })).toBe(
      'Mon–Fri 10:00–20:30',
    );
    expect(formatHours({ hoursStart: 600, hoursEnd: 720, weekdays: [6, 7] })).toBe('Sat, Sun 10:00–12:00');
  });

  it('builds the settings update, blank limits meaning the campaign default, or says what is wrong', () => {
    const draft = draftOf({
      name: 'Weekend',
      timeZone: 'America/Chicago',
      hoursStart: 600,
      hoursEnd: 1200,
      weekdays: [7, 6],
      attemptLimit: null,
      requeueDelayMinutes: 45,
      birthdayMode: false,
      allowVoicemailToCells: true,
    });
    expect(draft).toMatchObject({ start: '10:00', end: '20:00', weekdays: [6, 7], attemptLimit: '' });
    expect(toUpdate(draft)).toEqual({
      update: {
        name: 'Weekend',
        timeZone: 'America/Chicago',
        hoursStart: 600,
        hoursEnd: 1200,
        weekdays: [6, 7],
        attemptLimit: null,
        requeueDelayMinutes: 45,
        birthdayMode: false,
        allowVoicemailToCells: true,
      },
    });
    expect(
      toUpdate({
        ...draft,
        name: ' ',
        start: '21:00',
        weekdays: [],
        attemptLimit: '0',
        requeueDelayMinutes: '1.5',
      }),
    ).toEqual({
      problems: {
        name: expect.any(String),
        end: 'The calling window must end after it starts.',
        weekdays: expect.any(String),
        attemptLimit: 'The attempt limit must be a whole number from 1 to 20.',
        requeueDelayMinutes: 'The requeue delay must be a whole number from 0 to 10080.',
      },
    });
  });

  it('builds the survey: ids from the question text (unique, kept once saved), tags from labels, groups only when set', () => {
    expect(slug('Can we count on your vote?')).toBe('can-we-count-on-your-vote');
    expect(
      toSurvey([
        {
          id: 'support',
          text: ' Support? ',
          answers: [
            { label: 'Yes', tag: 'supporter', group: ' Supporters ' },
            { label: 'Not sure', tag: '', group: '' },
          ],
        },
        { id: '', text: 'Yard sign?', answers: [{ label: 'Yes', tag: 'sign', group: '' }] },
        { id: '', text: 'Yard sign?', answers: [{ label: 'Yes', tag: 'sign', group: '' }] },
      ]),
    ).toEqual({
      survey: [
        {
          id: 'support',
          text: 'Support?',
          answers: [
            { label: 'Yes', tag: 'supporter', group: 'Supporters' },
            { label: 'Not sure', tag: 'not-sure' },
          ],
        },
        { id: 'yard-sign', text: 'Yard sign?', answers: [{ label: 'Yes', tag: 'sign' }] },
        { id: 'yard-sign-2', text: 'Yard sign?', answers: [{ label: 'Yes', tag: 'sign' }] },
      ],
    });
    expect(
      toSurvey([
        {
          id: '',
          text: '',
          answers: [
            { label: '', tag: 'x', group: '' },
            { label: 'A', tag: 'x', group: '' },
          ],
        },
        { id: '', text: 'Empty', answers: [] },
      ]),
    ).toEqual({
      problems: [
        'Question 1 has no text.',
        'Answer 1 of question 1 has no label.',
        'Question 1 uses the tag “x” twice.',
        'Question 2 has no answers.',
      ],
    });
  });

  it('turns the targeting form into a filter, or says which field is wrong', () => {
    expect(splitList(' a, b;a ,, c ')).toEqual(['a', 'b', 'c']);
    expect(toFilter(EMPTY_FILTER)).toEqual({ filter: { hasPhone: true } });
    expect(
      toFilter({
        ...EMPTY_FILTER,
        tagsAny: 'persuade, senior',
        groupsAny: 'Supporters',
        minAge: '18',
        maxAge: '35',
        birthdayFrom: '3-1',
        birthdayTo: '03-31',
        states: 'ny, nj',
        cities: 'Albany',
        zipPrefix: '122',
        hasPhone: '',
      }),
    ).toEqual({
      filter: {
        tagsAny: ['persuade', 'senior'],
        groupsAny: ['Supporters'],
        minAge: 18,
        maxAge: 35,
        birthdayFrom: '03-01',
        birthdayTo: '03-31',
        states: ['NY', 'NJ'],
        cities: ['Albany'],
        zipPrefix: '122',
      },
    });
    expect(
      toFilter({
        ...EMPTY_FILTER,
        minAge: '40',
        maxAge: '30',
        birthdayFrom: '13-01',
        states: 'New York',
        zips: '1220',
        zipPrefix: '12a',
      }),
    ).toEqual({
      problems: {
        maxAge: expect.any(String),
        birthdayFrom: expect.any(String),
        states: expect.any(String),
        zips: expect.any(String),
        zipPrefix: expect.any(String),
      },
    });
  });
});
