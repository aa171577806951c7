import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../testing/test-database';
import type { TestDatabase } from '../testing/test-database';
import {
  callAndRecord,
  claim,
  newCampaign,
  newProject,
  newUser,
  newVoter,
  newVoters,
  target,
} from '../testing/factories';
import { applyOutcome } from './apply-outcome.command';
import { claimNextPhone } from './claim-phone.query';
import { one, rows } from '../sql';
import { voterProfile } from '../campaigns/projects.repository';
import { updateCampaignPolicy } from '../campaigns/campaigns.repository';

let db: TestDatabase;
let ds: DataSource;
beforeAll(async () => {
  db = await createTestDatabase('pb_outcomes');
  ds = db.ds;
});
afterAll(async () => db?.drop());

const T0 = new Date('2026-03-10T15:00:00Z');
const minutes = (m: number): Date => new Date(T0.getTime() + m * 60_000);
let n = 0;
const phoneNo = (): string => `212${2000000 + ++n}`;
const e164 = (p: string): string => `+1${p}`;

async function setup(projects = 2) {
  const campaign = await newCampaign(ds);
  const user = await newUser(ds, campaign.id);
  const ps = [];
  for (let i = 0; i < projects; i++) ps.push(await newProject(ds, campaign.id));
  return { campaign, user, projects: ps };
}

async function queueState(projectId: string, number: string) {
  return one<{ state: string; exit_reason: string | null; attempts: number; next_eligible_at: Date }>(
    ds,
    `SELECT q.state, q.exit_reason, q.attempts, q.next_eligible_at FROM queue_entries q JOIN phones p ON p.id = q.phone_id
     WHERE q.project_id = $1 AND p.e164 = $2`,
    [projectId, e164(number)],
  );
}

describe('terminal outcomes reach every project of the campaign', () => {
  it.each([
    ['successful', 'complete', 'complete'],
    ['voicemail', 'voicemail_left', 'voicemail_left'],
    ['refused', 'refused', 'refused'],
    ['do_not_call', 'dnc', 'dnc'],
  ] as const)('%s: phone %s everywhere, never handed out again', async (outcome, status, reason) => {
    const { campaign, user, projects } = await setup(2);
    const num = phoneNo();
    await newVoter(ds, campaign.id, { phones: [{ number: num }] });
    for (const p of projects) await target(ds, campaign.id, p.id, {}, T0);
    const c = await claim(ds, projects[0]!.id, user.id, T0);
    expect(c.phone.e164).toBe(e164(num));
    const r = await applyOutcome(ds, { attemptId: c.attemptId, outcome, now: T0, userId: user.id });
    expect(r.applied).toBe(true);
    const phone = await one<{ status: string }>(
      ds,
      'SELECT status FROM phones WHERE e164 = $1 AND campaign_id = $2',
      [e164(num), campaign.id],
    );
    expect(phone!.status).toBe(status);
    for (const p of projects) {
      expect(await queueState(p.id, num)).toMatchObject({ state: 'done', exit_reason: reason });
      expect(
        (
          await claimNextPhone(ds, {
            projectId: p.id,
            userId: user.id,
            leaseSeconds: 60,
            now: minutes(24 * 60),
          })
        ).kind,
      ).toBe('empty');
    }
    const attempt = await one<{ outcome: string; outcome_at: Date }>(
      ds,
      'SELECT outcome, outcome_at FROM call_attempts WHERE id = $1',
      [c.attemptId],
    );
    expect(attempt!.outcome).toBe(outcome);
  });
});

describe('busy / no answer / failed', () => {
  it.each(['busy', 'no_answer', 'failed'] as const)(
    '%s counts an attempt across projects, requeues after 30 min, stops at 3',
    async (outcome) => {
      const { campaign, user, projects } = await setup(2);
      const [a, b] = projects as [(typeof projects)[0], (typeof projects)[0]];
      const num = phoneNo();
      await newVoter(ds, campaign.id, { phones: [{ number: num }] });
      await target(ds, campaign.id, a.id, {}, T0);
      await target(ds, campaign.id, b.id, {}, T0);

      await callAndRecord(ds, a.id, user.id, T0, outcome);
      for (const p of [a, b])
        expect(await queueState(p.id, num)).toMatchObject({ state: 'queued', attempts: 1 });
      // Not before 30 minutes, in either project.
      for (const p of [a, b]) {
        expect(
          (await claimNextPhone(ds, { projectId: p.id, userId: user.id, leaseSeconds: 60, now: minutes(29) }))
            .kind,
        ).toBe('empty');
      }
      // Second attempt from the other project at 30 min.
      await callAndRecord(ds, b.id, user.id, minutes(30), outcome);
      expect(await queueState(a.id, num)).toMatchObject({ state: 'queued', attempts: 2 });
      // Third attempt: the phone is never tried again, anywhere.
      await callAndRecord(ds, a.id, user.id, minutes(60), outcome);
      for (const p of [a, b]) {
        expect(await queueState(p.id, num)).toMatchObject({
          state: 'done',
          exit_reason: 'attempt_limit',
          attempts: 3,
        });
        expect(
          (
            await claimNextPhone(ds, {
              projectId: p.id,
              userId: user.id,
              leaseSeconds: 60,
              now: minutes(600),
            })
          ).kind,
        ).toBe('empty');
      }
      const phone = await one<{ attempts: number; status: string }>(
        ds,
        'SELECT attempts, status FROM phones WHERE e164 = $1 AND campaign_id = $2',
        [e164(num), campaign.id],
      );
      expect(phone).toEqual({ attempts: 3, status: 'active' });
    },
  );

  it('a requeued phone goes to the end of the queue', async () => {
    const { campaign, user, projects } = await setup(1);
    const p = projects[0]!;
    const best = phoneNo();
    const other = phoneNo();
    await newVoters(ds, campaign.id, [
      { phones: [{ number: best, score: 90 }] },
      { phones: [{ number: other, score: 10 }] },
    ]);
    await target(ds, campaign.id, p.id, {}, T0);
    const first = await callAndRecord(ds, p.id, user.id, T0, 'busy');
    expect(first.phone.e164).toBe(e164(best));
    // After the delay both are eligible: the never-tried phone comes first despite its lower score.
    const second = await claim(ds, p.id, user.id, minutes(31));
    expect(second.phone.e164).toBe(e164(other));
  });

  it('attempt limit and requeue delay follow campaign and project settings', async () => {
    const { campaign, user } = await setup(0);
    await updateCampaignPolicy(ds, campaign.id, { defaultAttemptLimit: 2, defaultRequeueDelayMinutes: 10 });
    const p = await newProject(ds, campaign.id);
    const q = await newProject(ds, campaign.id, { attemptLimit: 5, requeueDelayMinutes: 60 });
    const num = phoneNo();
    await newVoter(ds, campaign.id, { phones: [{ number: num }] });
    await target(ds, campaign.id, p.id, {}, T0);
    await target(ds, campaign.id, q.id, {}, T0);
    await callAndRecord(ds, p.id, user.id, T0, 'no_answer');
    expect(
      (await claimNextPhone(ds, { projectId: p.id, userId: user.id, leaseSeconds: 60, now: minutes(9) }))
        .kind,
    ).toBe('empty');
    await callAndRecord(ds, p.id, user.id, minutes(10), 'no_answer');
    expect(await queueState(p.id, num)).toMatchObject({ state: 'done', exit_reason: 'attempt_limit' });
    expect(await queueState(q.id, num)).toMatchObject({ state: 'queued', attempts: 2 });
    expect(
      (await claimNextPhone(ds, { projectId: q.id, userId: user.id, leaseSeconds: 60, now: minutes(69) }))
        .kind,
    ).toBe('empty');
    expect((await claim(ds, q.id, user.id, minutes(70))).phone.e164).toBe(e164(num));
  });
});

describe('wrong number', () => {
  it('flags only the chosen voter of a two-voter household; the phone stays for the other', async () => {
    const { campaign, user, projects } = await setup(1);
    const p = projects[0]!;
    const shared = phoneNo();
    const annCell = phoneNo();
    const ann = await newVoter(ds, campaign.id, {
      firstName: 'Ann',
      phones: [
        { number: shared, score: 80 },
        { number: annCell, score: 40, type: 'cell' },
      ],
    });
    const bob = await newVoter(ds, campaign.id, {
      firstName: 'Bob',
      phones: [{ number: shared, score: 80 }],
    });
    await target(ds, campaign.id, p.id, {}, T0);
    const c = await claim(ds, p.id, user.id, T0);
    expect(c.phone.e164).toBe(e164(shared));
    expect(c.voters.map((v) => v.firstName).sort()).toEqual(['Ann', 'Bob']);
    await applyOutcome(ds, {
      attemptId: c.attemptId,
      outcome: 'wrong_number',
      wrongVoterIds: [ann],
      now: T0,
      userId: user.id,
    });
    const links = await rows<{ voter_id: string; wrong_number: boolean }>(
      ds,
      'SELECT vp.voter_id::text, vp.wrong_number FROM voter_phones vp JOIN phones p ON p.id = vp.phone_id WHERE p.e164 = $1 ORDER BY 1',
      [e164(shared)],
    );
    expect(Object.fromEntries(links.map((l) => [l.voter_id, l.wrong_number]))).toEqual({
      [ann]: true,
      [bob]: false,
    });
    expect(await queueState(p.id, shared)).toMatchObject({ state: 'queued' });
    // Ann's other number may be called now.
    const next = await claim(ds, p.id, user.id, minutes(1));
    expect(next.phone.e164).toBe(e164(annCell));
    expect(next.voters[0]).toMatchObject({ firstName: 'Ann', targeted: true });
    await applyOutcome(ds, {
      attemptId: next.attemptId,
      outcome: 'successful',
      now: minutes(1),
      userId: user.id,
    });
    // Wrong for Bob too: every targeted voter is flagged, the phone leaves the queue.
    const again = await claim(ds, p.id, user.id, minutes(40));
    expect(again.phone.e164).toBe(e164(shared));
    await applyOutcome(ds, {
      attemptId: again.attemptId,
      outcome: 'wrong_number',
      wrongVoterIds: [bob],
      now: minutes(40),
      userId: user.id,
    });
    expect(await queueState(p.id, shared)).toMatchObject({ state: 'done', exit_reason: 'wrong_number' });
  });

  it('refuses a wrong number without voters, or with a voter not on the phone', async () => {
    const { campaign, user, projects } = await setup(1);
    await newVoter(ds, campaign.id, { phones: [{ number: phoneNo() }] });
    const stranger = await newVoter(ds, campaign.id, { phones: [{ number: phoneNo() }] });
    await target(ds, campaign.id, projects[0]!.id, { voterIds: [] }, T0);
    const c = await claim(ds, projects[0]!.id, user.id, T0);
    await expect(
      applyOutcome(ds, { attemptId: c.attemptId, outcome: 'wrong_number', wrongVoterIds: [], now: T0 }),
    ).rejects.toMatchObject({ code: 'INVALID_OUTCOME' });
    const other =
      c.voters[0]!.id === stranger
        ? (
            await rows<{ id: string }>(
              ds,
              'SELECT id::text FROM voters WHERE campaign_id = $1 AND id <> $2',
              [campaign.id, stranger],
            )
          )[0]!.id
        : stranger;
    await expect(
      applyOutcome(ds, { attemptId: c.attemptId, outcome: 'wrong_number', wrongVoterIds: [other], now: T0 }),
    ).rejects.toMatchObject({ code: 'INVALID_OUTCOME' });
  });
});

describe('do not call', () => {
  it('reaches a second project, joins the campaign list, keeps future projects out, still shows on the profile', async () => {
    const { campaign, user, projects } = await setup(2);
    const num = phoneNo();
    const voter = await newVoter(ds, campaign.id, { phones: [{ number: num }] });
    await target(ds, campaign.id, projects[0]!.id, {}, T0);
    await target(ds, campaign.id, projects[1]!.id, {}, T0);
    await callAndRecord(ds, projects[0]!.id, user.id, T0, 'do_not_call');
    expect(await queueState(projects[1]!.id, num)).toMatchObject({ state: 'done', exit_reason: 'dnc' });
    expect(
      await one(ds, 'SELECT 1 FROM campaign_dnc WHERE campaign_id = $1 AND e164 = $2', [
        campaign.id,
        e164(num),
      ]),
    ).toBeDefined();
    const future = await newProject(ds, campaign.id);
    const saved = await target(ds, campaign.id, future.id, {}, minutes(5));
    expect(saved.phonesQueued).toBe(0);
    expect(await queueState(future.id, num)).toBeUndefined();
    const profile = (await voterProfile(ds, campaign.id, voter)) as {
      phones: { e164: string; dnc: boolean; status: string }[];
    };
    expect(profile.phones).toEqual([expect.objectContaining({ e164: e164(num), dnc: true, status: 'dnc' })]);
  });

  it('a campaign DNC entry added by re-import does not come back, and other campaigns are unaffected until 3 mark it', async () => {
    const num = phoneNo();
    const setups = [];
    for (let i = 0; i < 4; i++) {
      const s = await setup(1);
      await newVoter(ds, s.campaign.id, { phones: [{ number: num }] });
      await target(ds, s.campaign.id, s.projects[0]!.id, {}, T0);
      setups.push(s);
    }
    // Two campaigns say DNC, one says wrong: three campaigns → flagged install-wide.
    await callAndRecord(ds, setups[0]!.projects[0]!.id, setups[0]!.user.id, T0, 'do_not_call');
    await callAndRecord(ds, setups[1]!.projects[0]!.id, setups[1]!.user.id, T0, 'do_not_call');
    expect(await one(ds, 'SELECT 1 FROM install_flags WHERE e164 = $1', [e164(num)])).toBeUndefined();
    expect(await queueState(setups[3]!.projects[0]!.id, num)).toMatchObject({ state: 'queued' });
    const c = await claim(ds, setups[2]!.projects[0]!.id, setups[2]!.user.id, T0);
    const r = await applyOutcome(ds, {
      attemptId: c.attemptId,
      outcome: 'wrong_number',
      wrongVoterIds: [c.voters[0]!.id],
      now: T0,
    });
    expect(r.installFlagged).toBe(true);
    expect(await one(ds, 'SELECT campaign_count FROM install_flags WHERE e164 = $1', [e164(num)])).toEqual({
      campaign_count: 3,
    });
    // The fourth campaign never marked it, but the install-wide flag takes it out of its queue.
    expect(await queueState(setups[3]!.projects[0]!.id, num)).toMatchObject({
      state: 'done',
      exit_reason: 'install_flag',
    });
    expect(
      (
        await claimNextPhone(ds, {
          projectId: setups[3]!.projects[0]!.id,
          userId: setups[3]!.user.id,
          leaseSeconds: 60,
          now: T0,
        })
      ).kind,
    ).toBe('empty');
    // And a new campaign importing the number cannot queue it.
    const late = await setup(1);
    await newVoter(ds, late.campaign.id, { phones: [{ number: num }] });
    expect((await target(ds, late.campaign.id, late.projects[0]!.id, {}, T0)).phonesQueued).toBe(0);
  });
});

describe('idempotency and leases', () => {
  it('applying the same outcome of the same attempt twice changes nothing; a different one is refused', async () => {
    const { campaign, user, projects } = await setup(1);
    const num = phoneNo();
    await newVoter(ds, campaign.id, { phones: [{ number: num }] });
    await target(ds, campaign.id, projects[0]!.id, {}, T0);
    const c = await claim(ds, projects[0]!.id, user.id, T0);
    expect((await applyOutcome(ds, { attemptId: c.attemptId, outcome: 'busy', now: T0 })).applied).toBe(true);
    expect(
      (await applyOutcome(ds, { attemptId: c.attemptId, outcome: 'busy', now: minutes(1) })).applied,
    ).toBe(false);
    expect(await queueState(projects[0]!.id, num)).toMatchObject({ attempts: 1 });
    await expect(
      applyOutcome(ds, { attemptId: c.attemptId, outcome: 'successful', now: minutes(1) }),
    ).rejects.toMatchObject({ code: 'OUTCOME_CONFLICT' });
  });

  it('an expired lease puts the phone back; the late outcome of the lost lease is refused', async () => {
    const { campaign, user, projects } = await setup(1);
    const other = await newUser(ds, campaign.id);
    await newVoter(ds, campaign.id, { phones: [{ number: phoneNo() }] });
    await target(ds, campaign.id, projects[0]!.id, {}, T0);
    const c = await claim(ds, projects[0]!.id, user.id, T0, 60);
    expect(
      (
        await claimNextPhone(ds, {
          projectId: projects[0]!.id,
          userId: other.id,
          leaseSeconds: 60,
          now: minutes(0.5),
        })
      ).kind,
    ).toBe('empty');
    const again = await claim(ds, projects[0]!.id, other.id, minutes(1.01), 60);
    expect(again.phone.id).toBe(c.phone.id);
    await expect(
      applyOutcome(ds, { attemptId: c.attemptId, outcome: 'successful', now: minutes(2) }),
    ).rejects.toMatchObject({ code: 'LEASE_LOST' });
    expect(
      (await applyOutcome(ds, { attemptId: again.attemptId, outcome: 'successful', now: minutes(2) }))
        .applied,
    ).toBe(true);
  });

  it('hands out the best accuracy score first, then the longest waiting', async () => {
    const { campaign, user, projects } = await setup(1);
    const p = projects[0]!;
    const [low, high, midOld, midNew] = [phoneNo(), phoneNo(), phoneNo(), phoneNo()];
    await newVoters(ds, campaign.id, [
      { phones: [{ number: low, score: 10 }] },
      { phones: [{ number: high, score: 95 }] },
      { phones: [{ number: midOld, score: 50 }] },
    ]);
    await target(ds, campaign.id, p.id, {}, T0);
    await newVoters(ds, campaign.id, [{ phones: [{ number: midNew, score: 50 }] }]);
    await target(ds, campaign.id, p.id, {}, minutes(1));
    const order: string[] = [];
    for (let i = 0; i < 4; i++) order.push((await claim(ds, p.id, user.id, minutes(2))).phone.e164);
    expect(order).toEqual([high, midOld, midNew, low].map(e164));
  });
});
