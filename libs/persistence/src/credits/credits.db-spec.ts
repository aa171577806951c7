import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../testing/test-database';
import type { TestDatabase } from '../testing/test-database';
import { newCampaign, newProject, newUser } from '../testing/factories';
import { chargeSessionUsage, insertDialSession } from '../power-dial/dial-sessions.repository';
import { creditLedger, creditSummary, topUpCredits } from './credits.query';

let db: TestDatabase;
let ds: DataSource;
beforeAll(async () => {
  db = await createTestDatabase('pb_credits');
  ds = db.ds;
});
afterAll(async () => db?.drop());

const T0 = new Date('2026-03-10T15:00:00Z');

describe('credits', () => {
  it('a top-up raises the balance, power-dialing usage lowers it, the ledger pages both, nothing is ever changed', async () => {
    const campaign = await newCampaign(ds, { rateCentsPerMinute: 2.9 });
    const other = await newCampaign(ds);
    const admin = await newUser(ds, campaign.id, 'admin');
    const volunteer = await newUser(ds, campaign.id, 'volunteer');
    const project = await newProject(ds, campaign.id, { name: 'Turnout' });

    expect(await creditSummary(ds, campaign.id, T0)).toMatchObject({ balanceCents: 0, minutesLeft: 0 });
    const top = await topUpCredits(ds, {
      campaignId: campaign.id,
      amountCents: 5000,
      reason: '  Invoice   1042 ',
      userId: admin.id,
      now: T0,
    });
    expect(top.balanceCents).toBe(5000);
    await topUpCredits(ds, {
      campaignId: other.id,
      amountCents: 999,
      reason: 'other',
      userId: admin.id,
      now: T0,
    });

    // The power dialer's metering writes usage against a dial session.
    const session = await insertDialSession(ds, {
      id: randomUUID(),
      campaignId: campaign.id,
      projectId: project.id,
      userId: volunteer.id,
      mode: 'phone',
      stage: 'idle',
      state: {},
      now: T0,
    });
    await chargeSessionUsage(ds, session.id, campaign.id, 2900, 'power-dialing'); // one minute: 2.9 cents
    await chargeSessionUsage(ds, session.id, campaign.id, 5800, 'power-dialing');

    const summary = await creditSummary(ds, campaign.id, new Date(T0.getTime() + 60_000));
    expect(summary).toEqual({
      balanceCents: 4991.3,
      rateCentsPerMinute: 2.9,
      minutesLeft: 1721,
      toppedUpCents: 5000,
      usedCents: 8.7,
      usedLast30DaysCents: 8.7,
    });

    const all = await creditLedger(ds, campaign.id, { page: 1, pageSize: 2 });
    expect(all.total).toBe(3);
    expect(all.items).toHaveLength(2);
    const usage = await creditLedger(ds, campaign.id, { kind: 'usage', page: 1, pageSize: 10 });
    expect(usage.total).toBe(2);
    expect(usage.items[0]).toMatchObject({
      kind: 'usage',
      amountCents: expect.any(Number),
      sessionId: session.id,
      volunteer: { id: volunteer.id, name: volunteer.name },
      project: { id: project.id, name: 'Turnout' },
      enteredBy: null,
    });
    const topUps = await creditLedger(ds, campaign.id, { kind: 'top-up', page: 1, pageSize: 10 });
    expect(topUps.items).toEqual([
      expect.objectContaining({
        kind: 'top-up',
        amountCents: 5000,
        reason: 'Invoice 1042',
        enteredBy: { id: admin.id, name: admin.name },
      }),
    ]);
    expect((await creditLedger(ds, campaign.id, { page: 2, pageSize: 2 })).items).toHaveLength(1);

    await expect(
      ds.query('UPDATE credit_ledger SET amount_cents = 1 WHERE campaign_id = $1', [campaign.id]),
    ).rejects.toThrow(/append-only/);
  });

  it('refuses top-ups that are not a positive whole number of cents, or have no reason', async () => {
    const campaign = await newCampaign(ds);
    const admin = await newUser(ds, campaign.id, 'admin');
    for (const amountCents of [0, -5, 1.5, 100_000_001])
      await expect(
        topUpCredits(ds, { campaignId: campaign.id, amountCents, reason: 'x', userId: admin.id, now: T0 }),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      topUpCredits(ds, { campaignId: campaign.id, amountCents: 100, reason: ' ', userId: admin.id, now: T0 }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await creditSummary(ds, campaign.id, T0)).balanceCents).toBe(0);
  });
});
