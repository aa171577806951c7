import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../testing/test-database';
import type { TestDatabase } from '../testing/test-database';
import { claim, newCampaign, newProject, newUser, newVoter, target } from '../testing/factories';
import { applyOutcome } from '../queue/apply-outcome.command';
import { claimNextPhone } from '../queue/claim-phone.query';
import { insertDialSession, markAttempt, saveDialSessionState } from '../power-dial/dial-sessions.repository';
import { CAMPAIGN_ACTIVITY_CHANNEL } from './campaign-activity';
import { dashboardSnapshot } from './dashboard.query';

let db: TestDatabase;
let ds: DataSource;
beforeAll(async () => {
  db = await createTestDatabase('pb_dashboard');
  ds = db.ds;
});
afterAll(async () => db?.drop());

const T0 = new Date('2026-03-10T15:00:00Z');
const minutes = (m: number): Date => new Date(T0.getTime() + m * 60_000);

describe('the live dashboard snapshot', () => {
  it('shows volunteers and their state, calls in progress, queues and today’s outcomes, of one campaign only', async () => {
    const campaign = await newCampaign(ds);
    const other = await newCampaign(ds);
    const hand = await newUser(ds, campaign.id, 'volunteer');
    const power = await newUser(ds, campaign.id, 'volunteer');
    const project = await newProject(ds, campaign.id, { name: 'GOTV' });
    for (const n of ['2125554001', '2125554002', '2125554003'])
      await newVoter(ds, campaign.id, { phones: [{ number: n }] });
    await target(ds, campaign.id, project.id, {}, T0);

    let s = await dashboardSnapshot(ds, campaign.id, T0, 'America/New_York');
    expect(s).toMatchObject({ day: '2026-03-10', timeZone: 'America/New_York', volunteers: [], calls: [] });
    expect(s.queues).toEqual([
      {
        projectId: project.id,
        name: 'GOTV',
        remaining: 3,
        readyNow: 3,
        waiting: 0,
        inProgress: 0,
        outcomesToday: 0,
      },
    ]);

    // A volunteer dialing by hand claims a phone: on a call, the number on screen.
    const c1 = await claim(ds, project.id, hand.id, minutes(1));
    s = await dashboardSnapshot(ds, campaign.id, minutes(1));
    expect(s.volunteers).toEqual([
      expect.objectContaining({ userId: hand.id, mode: 'standard', state: 'on-call', sessionId: null }),
    ]);
    expect(s.calls).toEqual([
      expect.objectContaining({ attemptId: c1.attemptId, phone: c1.phone.e164, stage: 'on-screen' }),
    ]);
    expect(s.queues[0]).toMatchObject({ remaining: 3, readyNow: 2, inProgress: 1 });

    // A power-dialing volunteer: the dial session's stage; their call's stamps give its stage.
    const sessionId = randomUUID();
    await insertDialSession(ds, {
      id: sessionId,
      campaignId: campaign.id,
      projectId: project.id,
      userId: power.id,
      mode: 'phone',
      stage: 'idle',
      state: {},
      now: minutes(1),
    });
    const c2 = await claim(ds, project.id, power.id, minutes(2));
    await markAttempt(ds, c2.attemptId, 'dial_started_at', minutes(2));
    await markAttempt(ds, c2.attemptId, 'ringing_at', minutes(2));
    await saveDialSessionState(ds, sessionId, 'ringing', minutes(2), {}, false);

    await applyOutcome(ds, { attemptId: c1.attemptId, outcome: 'busy', userId: hand.id, now: minutes(3) });
    s = await dashboardSnapshot(ds, campaign.id, minutes(3));
    expect(s.volunteers).toEqual([
      expect.objectContaining({ userId: power.id, mode: 'phone', state: 'ringing', sessionId }),
      expect.objectContaining({ userId: hand.id, mode: 'standard', state: 'between-calls' }),
    ]);
    expect(s.calls).toEqual([expect.objectContaining({ attemptId: c2.attemptId, stage: 'ringing' })]);
    expect(s.outcomesToday).toMatchObject({ busy: 1, successful: 0, do_not_call: 0 });
    // The busy phone waits for its requeue delay; one is out on a call; one is ready.
    expect(s.queues[0]).toMatchObject({
      remaining: 3,
      readyNow: 1,
      waiting: 1,
      inProgress: 1,
      outcomesToday: 1,
    });

    // The power session's next phone, claimed while its volunteer is idle: held, not a call yet.
    const ahead = await claimNextPhone(ds, {
      projectId: project.id,
      userId: power.id,
      leaseSeconds: 900,
      now: minutes(4),
      sessionId,
    });
    expect(ahead.kind).toBe('claimed');
    s = await dashboardSnapshot(ds, campaign.id, minutes(4));
    expect(s.calls.map((c) => c.attemptId)).toEqual([c2.attemptId]);
    expect(s.queues[0]).toMatchObject({ readyNow: 0, inProgress: 2 });

    // Hand-dialing volunteers drop off after 15 quiet minutes; "today" is the viewer's day.
    s = await dashboardSnapshot(ds, campaign.id, minutes(20), 'Australia/Eucla'); // UTC+8:45: its day began at 15:15Z;
    expect(s.volunteers.map((v) => v.userId)).toEqual([power.id]);
    expect(s.day).toBe('2026-03-11');
    expect(s.outcomesToday.busy).toBe(0);

    const elsewhere = await dashboardSnapshot(ds, other.id, minutes(3));
    expect(elsewhere).toMatchObject({ volunteers: [], calls: [], queues: [] });
  });

  it('dial-session changes are announced to every listener (NOTIFY), with the campaign id', async () => {
    const campaign = await newCampaign(ds);
    const user = await newUser(ds, campaign.id, 'volunteer');
    const project = await newProject(ds, campaign.id);
    const listener = new Client({ connectionString: db.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (m) => heard.push(`${m.channel}:${m.payload}`));
    await listener.query(`LISTEN ${CAMPAIGN_ACTIVITY_CHANNEL}`);
    try {
      const id = randomUUID();
      await insertDialSession(ds, {
        id,
        campaignId: campaign.id,
        projectId: project.id,
        userId: user.id,
        mode: 'voip',
        stage: 'awaiting-leg',
        state: {},
        now: T0,
      });
      await saveDialSessionState(ds, id, 'idle', T0, {}, false);
      await saveDialSessionState(ds, id, 'idle', T0, { unchanged: 'stage' }, false);
      const deadline = Date.now() + 5000;
      while (heard.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      expect(heard).toEqual([
        `${CAMPAIGN_ACTIVITY_CHANNEL}:${campaign.id}`,
        `${CAMPAIGN_ACTIVITY_CHANNEL}:${campaign.id}`,
      ]);
    } finally {
      await listener.end();
    }
  });
});
