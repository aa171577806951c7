import { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { CallOutcome } from '@phonebank/domain';
import { createCampaign, createUser } from '../campaigns/campaigns.repository';
import type { CampaignRow, UserRow } from '../campaigns/campaigns.repository';
import { createProject } from '../campaigns/projects.repository';
import type { ProjectInput, ProjectRow } from '../campaigns/projects.repository';
import { importVotersCsv } from '../import/voter-import.command';
import type { ImportResult } from '../import/voter-import.command';
import { saveTargetsIntoProject } from '../targeting/targeting.query';
import type { TargetFilter } from '../targeting/targeting.query';
import { claimNextPhone } from '../queue/claim-phone.query';
import type { PhoneClaim } from '../queue/claim-phone.query';
import { applyOutcome } from '../queue/apply-outcome.command';
import { one } from '../sql';

let seq = 0;
const next = (): number => ++seq;

export async function newCampaign(
  ds: DataSource,
  input: Partial<Parameters<typeof createCampaign>[1]> = {},
): Promise<CampaignRow> {
  return createCampaign(ds, { name: `Campaign ${next()}`, ...input });
}

export async function newUser(
  ds: DataSource,
  campaignId: string,
  role: UserRow['role'] = 'volunteer',
): Promise<UserRow & { token: string }> {
  const { user, apiToken } = await createUser(ds, { campaignId, role, name: `${role} ${next()}` });
  return { ...user, token: apiToken };
}

/** A project open around the clock in UTC unless told otherwise. */
export async function newProject(
  ds: DataSource,
  campaignId: string,
  input: Partial<ProjectInput> = {},
): Promise<ProjectRow> {
  return createProject(ds, campaignId, {
    name: `Project ${next()}`,
    timeZone: 'UTC',
    hoursStart: 0,
    hoursEnd: 1440,
    ...input,
  });
}

export interface VoterSpec {
  externalId?: string;
  firstName?: string;
  lastName?: string;
  state?: string;
  timeZone?: string;
  birthday?: string;
  tags?: string[];
  city?: string;
  zip?: string;
  phones?: { number: string; score?: number; type?: string }[];
}

const csvField = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Voters (with phones) through the real CSV import. */
export async function newVoters(
  ds: DataSource,
  campaignId: string,
  voters: VoterSpec[],
): Promise<ImportResult> {
  const header =
    'voter_id,first_name,last_name,state,time_zone,birthday,tags,city,zip,phone1,phone1_score,phone1_type,phone2,phone2_score,phone2_type,phone3,phone3_score,phone3_type';
  const lines = voters.map((v) => {
    const phones = [0, 1, 2].flatMap((i) => {
      const p = v.phones?.[i];
      return p ? [p.number, String(p.score ?? 50), p.type ?? 'landline'] : ['', '', ''];
    });
    return [
      v.externalId ?? `V${next()}`,
      v.firstName ?? 'Pat',
      v.lastName ?? `Voter${next()}`,
      v.state ?? '',
      v.timeZone ?? 'UTC',
      v.birthday ?? '',
      (v.tags ?? []).join(';'),
      v.city ?? '',
      v.zip ?? '',
      ...phones,
    ]
      .map(csvField)
      .join(',');
  });
  const r = await importVotersCsv(ds, campaignId, Readable.from([`${header}\n${lines.join('\n')}\n`]));
  if (!r.ok) throw new Error(`factory import failed: ${JSON.stringify(r.errors.slice(0, 3))}`);
  return r;
}

export async function newVoter(ds: DataSource, campaignId: string, spec: VoterSpec = {}): Promise<string> {
  const externalId = spec.externalId ?? `V${next()}`;
  await newVoters(ds, campaignId, [{ ...spec, externalId }]);
  const r = await one<{ id: string }>(
    ds,
    'SELECT id FROM voters WHERE campaign_id = $1 AND external_id = $2',
    [campaignId, externalId],
  );
  return String(r!.id);
}

export async function target(
  ds: DataSource,
  campaignId: string,
  projectId: string,
  filter: TargetFilter = {},
  now = new Date(),
  suppressDays?: number,
) {
  return saveTargetsIntoProject(ds, {
    campaignId,
    projectId,
    filter,
    now,
    suppressDays: suppressDays ?? null,
  });
}

/** Claim the next phone or fail the test. */
export async function claim(
  ds: DataSource,
  projectId: string,
  userId: string,
  now: Date,
  leaseSeconds = 300,
): Promise<PhoneClaim> {
  const r = await claimNextPhone(ds, { projectId, userId, leaseSeconds, now });
  if (r.kind !== 'claimed') throw new Error(`expected a phone, got ${JSON.stringify(r)}`);
  return r.claim;
}

export async function callAndRecord(
  ds: DataSource,
  projectId: string,
  userId: string,
  now: Date,
  outcome: CallOutcome,
  wrongVoterIds?: string[],
): Promise<PhoneClaim> {
  const c = await claim(ds, projectId, userId, now);
  await applyOutcome(ds, { attemptId: c.attemptId, outcome, now, userId, wrongVoterIds });
  return c;
}
