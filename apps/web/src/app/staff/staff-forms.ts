/**
 * Pure helpers of the staff pages' forms (no Angular, no DOM): display formats, and turning
 * what was typed into the API's requests or into problems to show. Unit-tested in
 * staff-forms.spec.ts.
 */
import type {
  ProjectSettings,
  ProjectUpdateRequest,
  StaffSurveyQuestion,
  TargetFilterJson,
} from '../../../../../libs/contracts/src/staff.contract';

/** ISO weekdays 1 (Monday) … 7 (Sunday), as the projects table stores them. */
export const WEEKDAYS: readonly { day: number; short: string; long: string }[] = [
  { day: 1, short: 'Mon', long: 'Monday' },
  { day: 2, short: 'Tue', long: 'Tuesday' },
  { day: 3, short: 'Wed', long: 'Wednesday' },
  { day: 4, short: 'Thu', long: 'Thursday' },
  { day: 5, short: 'Fri', long: 'Friday' },
  { day: 6, short: 'Sat', long: 'Saturday' },
  { day: 7, short: 'Sun', long: 'Sunday' },
];

/** The zones campaigns mostly use (any IANA zone may be typed). */
export const COMMON_TIME_ZONES: readonly string[] = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
  'America/Puerto_Rico',
  'UTC',
];

/** 540 → "09:00"; 1440 → "24:00". */
export function minutesToTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "09:00" → 540; "24:00" → 1440; anything else → null. */
export function timeToMinutes(value: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return Number(m[2]) < 60 && minutes <= 1440 ? minutes : null;
}

/** "Mon–Fri 09:00–21:00" style summary of a calling window. */
export function formatHours(p: { hoursStart: number; hoursEnd: number; weekdays: number[] }): string {
  const days = [...p.weekdays].sort((a, b) => a - b);
  const names = WEEKDAYS.filter((d) => days.includes(d.day)).map((d) => d.short);
  const contiguous = days.length > 2 && days.every((d, i) => i === 0 || d === days[i - 1]! + 1);
  const dayText =
    days.length === 7
      ? 'Every day'
      : days.length === 0
        ? 'No days'
        : contiguous
          ? `${names[0]}–${names[names.length - 1]}`
          : names.join(', ');
  return `${dayText} ${minutesToTime(p.hoursStart)}–${minutesToTime(p.hoursEnd)}`;
}

export function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((a, b) => a + b, 0);
}

/** A comma/semicolon separated list as trimmed, non-empty values. */
export function splitList(value: string): string[] {
  return [
    ...new Set(
      value
        .split(/[,;]/)
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
}

const EXIT_REASONS: Record<string, string> = {
  complete: 'successful',
  successful: 'successful',
  voicemail_left: 'voicemail left',
  voicemail: 'voicemail left',
  refused: 'refused',
  dnc: 'do not call',
  do_not_call: 'do not call',
  attempts: 'attempt limit',
  attempt_limit: 'attempt limit',
  wrong_number: 'wrong number',
  install_flag: 'flagged install-wide',
};

export function exitReason(reason: string): string {
  return EXIT_REASONS[reason] ?? reason.replace(/_/g, ' ');
}

// ---- script and survey ----

export interface AnswerDraft {
  label: string;
  tag: string;
  group: string;
}

export interface QuestionDraft {
  /** Kept once saved (answers already recorded refer to it); '' for a new question. */
  id: string;
  text: string;
  answers: AnswerDraft[];
}

/** "Can we count on you?" → "can-we-count-on-you". */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}

/**
 * The survey as the API takes it: new questions get an id from their text (unique), blank
 * answer tags come from the answer's label, blank groups are left out. Returns the problems
 * instead when something is missing.
 */
export function toSurvey(
  drafts: QuestionDraft[],
): { survey: StaffSurveyQuestion[] } | { problems: string[] } {
  const problems: string[] = [];
  const used = new Set(drafts.map((q) => q.id).filter(Boolean));
  const survey = drafts.map((q, i) => {
    const n = i + 1;
    if (!q.text.trim()) problems.push(`Question ${n} has no text.`);
    if (q.answers.length === 0) problems.push(`Question ${n} has no answers.`);
    let id = q.id;
    if (!id) {
      const base = slug(q.text) || `question-${n}`;
      id = base;
      for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
      used.add(id);
    }
    const tags = new Set<string>();
    const answers = q.answers.map((a, j) => {
      const tag = a.tag.trim() || slug(a.label);
      if (!a.label.trim()) problems.push(`Answer ${j + 1} of question ${n} has no label.`);
      else if (!tag) problems.push(`Answer “${a.label}” of question ${n} needs a tag.`);
      if (tag && tags.has(tag)) problems.push(`Question ${n} uses the tag “${tag}” twice.`);
      tags.add(tag);
      const group = a.group.trim();
      return { label: a.label.trim(), tag, ...(group ? { group } : {}) };
    });
    return { id, text: q.text.trim(), answers };
  });
  return problems.length ? { problems } : { survey };
}

// ---- project settings ----

/** The settings draftOf reads. */
export type ProjectSettingsLike = Pick<
  ProjectSettings,
  | 'name'
  | 'timeZone'
  | 'hoursStart'
  | 'hoursEnd'
  | 'weekdays'
  | 'attemptLimit'
  | 'requeueDelayMinutes'
  | 'birthdayMode'
  | 'allowVoicemailToCells'
>;

/** The settings form as typed (numbers as text, so a blank field can mean "campaign default"). */
export interface ProjectDraft {
  name: string;
  timeZone: string;
  start: string;
  end: string;
  weekdays: number[];
  attemptLimit: string;
  requeueDelayMinutes: string;
  birthdayMode: boolean;
  allowVoicemailToCells: boolean;
}

export function draftOf(p: ProjectSettingsLike): ProjectDraft {
  return {
    name: p.name,
    timeZone: p.timeZone,
    start: minutesToTime(p.hoursStart),
    end: minutesToTime(p.hoursEnd),
    weekdays: [...p.weekdays].sort((a, b) => a - b),
    attemptLimit: p.attemptLimit === null ? '' : String(p.attemptLimit),
    requeueDelayMinutes: p.requeueDelayMinutes === null ? '' : String(p.requeueDelayMinutes),
    birthdayMode: p.birthdayMode,
    allowVoicemailToCells: p.allowVoicemailToCells,
  };
}

/** The draft as a PATCH body, or the problems (by field) that keep it from being saved. */
export function toUpdate(
  d: ProjectDraft,
): { update: ProjectUpdateRequest } | { problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  if (!d.name.trim()) problems['name'] = 'Give the project a name.';
  if (!d.timeZone.trim()) problems['timeZone'] = 'Choose a time zone, such as America/New_York.';
  const start = timeToMinutes(d.start);
  const end = timeToMinutes(d.end);
  if (start === null) problems['start'] = 'Give the start as HH:MM.';
  if (end === null) problems['end'] = 'Give the end as HH:MM.';
  if (start !== null && end !== null && start >= end)
    problems['end'] = 'The calling window must end after it starts.';
  if (d.weekdays.length === 0) problems['weekdays'] = 'Choose at least one day.';
  const whole = (text: string, min: number, max: number, field: string, what: string): number | null => {
    if (!text.trim()) return null;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max)
      problems[field] = `${what} must be a whole number from ${min} to ${max}.`;
    return n;
  };
  const attemptLimit = whole(d.attemptLimit, 1, 20, 'attemptLimit', 'The attempt limit');
  const requeue = whole(d.requeueDelayMinutes, 0, 10080, 'requeueDelayMinutes', 'The requeue delay');
  if (Object.keys(problems).length > 0) return { problems };
  return {
    update: {
      name: d.name.trim(),
      timeZone: d.timeZone.trim(),
      hoursStart: start!,
      hoursEnd: end!,
      weekdays: d.weekdays,
      attemptLimit,
      requeueDelayMinutes: requeue,
      birthdayMode: d.birthdayMode,
      allowVoicemailToCells: d.allowVoicemailToCells,
    },
  };
}

// ---- targeting ----

/** The filter form as typed. */
export interface FilterDraft {
  tagsAny: string;
  tagsAll: string;
  tagsNone: string;
  groupsAny: string;
  minAge: string;
  maxAge: string;
  birthdayFrom: string;
  birthdayTo: string;
  states: string;
  cities: string;
  zips: string;
  zipPrefix: string;
  hasPhone: '' | 'yes' | 'no';
}

export const EMPTY_FILTER: FilterDraft = {
  tagsAny: '',
  tagsAll: '',
  tagsNone: '',
  groupsAny: '',
  minAge: '',
  maxAge: '',
  birthdayFrom: '',
  birthdayTo: '',
  states: '',
  cities: '',
  zips: '',
  zipPrefix: '',
  hasPhone: 'yes',
};

/** The draft as the API's filter, or the problems by field. */
export function toFilter(
  d: FilterDraft,
): { filter: TargetFilterJson } | { problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const filter: TargetFilterJson = {};
  const list = (key: 'tagsAny' | 'tagsAll' | 'tagsNone' | 'groupsAny' | 'cities'): void => {
    const values = splitList(d[key]);
    if (values.length) filter[key] = values;
  };
  list('tagsAny');
  list('tagsAll');
  list('tagsNone');
  list('groupsAny');
  list('cities');
  const age = (key: 'minAge' | 'maxAge'): void => {
    if (!d[key].trim()) return;
    const n = Number(d[key]);
    if (!Number.isInteger(n) || n < 0 || n > 130) problems[key] = 'An age is a whole number from 0 to 130.';
    else filter[key] = n;
  };
  age('minAge');
  age('maxAge');
  if (filter.minAge !== undefined && filter.maxAge !== undefined && filter.minAge > filter.maxAge)
    problems['maxAge'] = 'The oldest age must not be below the youngest.';
  const day = (key: 'birthdayFrom' | 'birthdayTo'): void => {
    const v = d[key].trim();
    if (!v) return;
    const m = /^(\d{1,2})-(\d{1,2})$/.exec(v);
    const month = m ? Number(m[1]) : 0;
    const dayOfMonth = m ? Number(m[2]) : 0;
    if (!m || month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > 31)
      problems[key] = 'Write the day as MM-DD, for example 03-31.';
    else filter[key] = `${String(month).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`;
  };
  day('birthdayFrom');
  day('birthdayTo');
  const states = splitList(d.states).map((s) => s.toUpperCase());
  if (states.some((s) => !/^[A-Z]{2}$/.test(s))) problems['states'] = 'States are two-letter codes: NY, CA…';
  else if (states.length) filter.states = states;
  const zips = splitList(d.zips);
  if (zips.some((z) => !/^\d{5}/.test(z))) problems['zips'] = 'ZIP codes have five digits.';
  else if (zips.length) filter.zips = zips;
  if (d.zipPrefix.trim()) {
    if (!/^\d{1,5}$/.test(d.zipPrefix.trim())) problems['zipPrefix'] = 'A ZIP prefix is 1 to 5 digits.';
    else filter.zipPrefix = d.zipPrefix.trim();
  }
  if (d.hasPhone) filter.hasPhone = d.hasPhone === 'yes';
  return Object.keys(problems).length ? { problems } : { filter };
}
