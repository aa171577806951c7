import { Readable } from 'node:stream';
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
  target,
} from '../testing/factories';
import { claimNextPhone, releaseClaim } from '../queue/claim-phone.query';
import { voterProfile } from '../campaigns/projects.repository';
import { one, rows } from '../sql';
import {
  addToDnc,
  dncAudit,
  exportDncCsv,
  importDncCsv,
  listDnc,
  removeFromDnc,
} from './campaign-dnc.command';
import type { DncActor } from './campaign-dnc.command';

let db: TestDatabase;
let ds: DataSource;
beforeAll(async () => {
  db = await createTestDatabase('pb_dnc');
  ds = db.ds;
});
afterAll(async () => db?.drop());

const T0 = new Date('2026-03-10T15:00:00Z');
const minutes = (m: number): Date => new Date(T0.getTime() + m * 60_000);
let n = 0;
const phoneNo = (): string => `212${3000000 + ++n}`;
const e164 = (p: string): string => `+1${p}`;

async function setup(projects = 2) {
  const campaign = await newCampaign(ds);
  const organizer = await newUser(ds, campaign.id, 'organizer');
  const volunteer = await newUser(ds, campaign.id, 'volunteer');
  const ps = [];
  for (let i = 0; i < projects; i++) ps.push(await newProject(ds, campaign.id));
  const actor: DncActor = { userId: organizer.id, userName: organizer.name };
  return { campaign, organizer, volunteer, projects: ps, actor };
}

async function entry(projectId: string, number: string) {
  return one<{ state: string; exit_reason: string | null; attempts: number; next_eligible_at: Date }>(
    ds,
    `SELECT q.state, q.exit_reason, q.attempts, q.next_eligible_at FROM queue_entries q JOIN phones p ON p.id = q.phone_id
     WHERE q.project_id = $1 AND p.e164 = $2`,
    [projectId, e164(number)],
  );
}
const status = async (campaignId: string, number: string) =>
  (
    await one<{ status: string }>(ds, 'SELECT status FROM phones WHERE campaign_id = $1 AND e164 = $2', [
      campaignId,
      e164(number),
    ])
  )?.status;

/** Every phone a volunteer could get from a project now (each claimed, then all given back untouched). */
async function drain(projectId: string, userId: string, now: Date): Promise<string[]> {
  const claims = [];
  for (;;) {
    const r = await claimNextPhone(ds, { projectId, userId, leaseSeconds: 60, now });
    if (r.kind !== 'claimed') break;
    claims.push(r.claim);
  }
  for (const c of claims) await releaseClaim(ds, c.attemptId, now);
  return claims.map((c) => c.phone.e164);
}

describe('adding a number to the DNC list', () => {
  it('makes the phone DNC in every project, takes it out of every queue, keeps it out of future projects, audits it', async () => {
    const { campaign, volunteer, projects, actor } = await setup(2);
    const [p1, p2] = [projects[0]!, projects[1]!];
    const listed = phoneNo();
    const other = phoneNo();
    const voterId = await newVoter(ds, campaign.id, { phones: [{ number: listed }] });
    await newVoter(ds, campaign.id, { phones: [{ number: other }] });
    await target(ds, campaign.id, p1.id, {}, T0);
    await target(ds, campaign.id, p2.id, {}, T0);

    const change = await addToDnc(ds, {
      campaignId: campaign.id,
      number: `(${listed.slice(0, 3)}) ${listed.slice(3, 6)}-${listed.slice(6)}`,
      reason: 'Asked by letter',
      actor,
      now: minutes(1),
    });
    expect(change).toMatchObject({
      e164: e164(listed),
      changed: true,
      phoneStatus: 'dnc',
      queueEntriesClosed: 2,
      installFlagged: false,
    });
    expect(await status(campaign.id, listed)).toBe('dnc');
    expect(await entry(p1.id, listed)).toMatchObject({ state: 'done', exit_reason: 'dnc' });
    expect(await entry(p2.id, listed)).toMatchObject({ state: 'done', exit_reason: 'dnc' });
    expect(await drain(p1.id, volunteer.id, minutes(2))).toEqual([e164(other)]);
    expect(await drain(p2.id, volunteer.id, minutes(2))).toEqual([e164(other)]);

    // A project made afterwards never gets it; the voter's profile still shows the number, marked DNC.
    const p3 = await newProject(ds, campaign.id);
    const saved = await target(ds, campaign.id, p3.id, {}, minutes(3));
    expect(saved.votersWithPhone).toBe(1);
    expect(await drain(p3.id, volunteer.id, minutes(3))).toEqual([e164(other)]);
    const profile = (await voterProfile(ds, campaign.id, voterId)) as {
      phones: { e164: string; dnc: boolean }[];
    };
    expect(profile.phones).toEqual([expect.objectContaining({ e164: e164(listed), dnc: true })]);

    // Listed once: adding again changes nothing and is not audited again.
    const again = await addToDnc(ds, {
      campaignId: campaign.id,
      number: listed,
      reason: 'again',
      actor,
      now: minutes(4),
    });
    expect(again).toMatchObject({ changed: false, phoneStatus: 'dnc' });
    const audit = await dncAudit(ds, campaign.id, { page: 1, pageSize: 10 });
    expect(audit.items).toEqual([
      expect.objectContaining({
        e164: e164(listed),
        action: 'add',
        source: 'manual',
        reason: 'Asked by letter',
        user: { id: actor.userId, name: actor.userName },
      }),
    ]);
    const list = await listDnc(ds, campaign.id, { page: 1, pageSize: 10 });
    expect(list.items).toEqual([
      expect.objectContaining({
        e164: e164(listed),
        source: 'manual',
        reason: 'Asked by letter',
        addedBy: { id: actor.userId, name: actor.userName },
        phoneStatus: 'dnc',
      }),
    ]);
  });

  it('lists a number no voter has yet: voters imported later with it are never queued', async () => {
    const { campaign, volunteer, projects, actor } = await setup(1);
    const num = phoneNo();
    const change = await addToDnc(ds, {
      campaignId: campaign.id,
      number: num,
      reason: 'state list',
      actor,
      now: T0,
    });
    expect(change).toMatchObject({ changed: true, phoneStatus: null, queueEntriesClosed: 0 });
    await newVoter(ds, campaign.id, { phones: [{ number: num }] });
    await target(ds, campaign.id, projects[0]!.id, {}, T0);
    expect(await drain(projects[0]!.id, volunteer.id, minutes(1))).toEqual([]);
  });

  it('refuses a number that is not one, and a change without a reason', async () => {
    const { campaign, actor } = await setup(0);
    await expect(
      addToDnc(ds, { campaignId: campaign.id, number: '12345', reason: 'x', actor, now: T0 }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      addToDnc(ds, { campaignId: campaign.id, number: phoneNo(), reason: '  ', actor, now: T0 }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      removeFromDnc(ds, { campaignId: campaign.id, number: phoneNo(), reason: 'typo', actor, now: T0 }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('removing a number from the DNC list', () => {
  it('brings back the queue entries DNC closed (requeue delay and attempts kept), in every project', async () => {
    const { campaign, volunteer, projects, actor } = await setup(2);
    const [p1, p2] = [projects[0]!, projects[1]!];
    const num = phoneNo();
    await newVoter(ds, campaign.id, { phones: [{ number: num }] });
    await target(ds, campaign.id, p1.id, {}, T0);
    await target(ds, campaign.id, p2.id, {}, T0);
    await callAndRecord(ds, p1.id, volunteer.id, T0, 'busy'); // 1 attempt, back after 30 min
    await addToDnc(ds, { campaignId: campaign.id, number: num, reason: 'complaint', actor, now: minutes(5) });
    expect(await entry(p2.id, num)).toMatchObject({ state: 'done', exit_reason: 'dnc' });

    const change = await removeFromDnc(ds, {
      campaignId: campaign.id,
      number: e164(num),
      reason: 'added by mistake',
      actor,
      now: minutes(10),
    });
    expect(change).toMatchObject({ changed: true, phoneStatus: 'active', queueEntriesReopened: 2 });
    expect(await status(campaign.id, num)).toBe('active');
    for (const p of [p1, p2]) {
      const e = await entry(p.id, num);
      expect(e).toMatchObject({ state: 'queued', exit_reason: null, attempts: 1 });
      expect(e!.next_eligible_at.toISOString()).toBe(minutes(30).toISOString());
    }
    expect(await drain(p1.id, volunteer.id, minutes(20))).toEqual([]);
    expect(await drain(p1.id, volunteer.id, minutes(31))).toEqual([e164(num)]);
    const audit = await dncAudit(ds, campaign.id, { page: 1, pageSize: 10 });
    expect(audit.items.map((a) => [a.action, a.reason])).toEqual([
      ['remove', 'added by mistake'],
      ['add', 'complaint'],
    ]);
    expect((await listDnc(ds, campaign.id, { page: 1, pageSize: 10 })).total).toBe(0);
  });

  it('leaves retired what was retired for another reason (a successful call, the attempt limit)', async () => {
    const { campaign, volunteer, projects, actor } = await setup(1);
    const p1 = projects[0]!;
    const done = phoneNo();
    const limit = phoneNo();
    await newVoter(ds, campaign.id, { phones: [{ number: done, score: 90 }] });
    await newVoter(ds, campaign.id, { phones: [{ number: limit, score: 10 }] });
    await target(ds, campaign.id, p1.id, {}, T0);
    await callAndRecord(ds, p1.id, volunteer.id, T0, 'successful');
    for (const m of [0, 31, 62]) await callAndRecord(ds, p1.id, volunteer.id, minutes(m), 'no_answer');
    expect(await entry(p1.id, limit)).toMatchObject({ state: 'done', exit_reason: 'attempt_limit' });

    for (const num of [done, limit])
      await addToDnc(ds, { campaignId: campaign.id, number: num, reason: 'test', actor, now: minutes(100) });
    expect(await status(campaign.id, done)).toBe('dnc');
    for (const num of [done, limit])
      await removeFromDnc(ds, {
        campaignId: campaign.id,
        number: num,
        reason: 'undo',
        actor,
        now: minutes(101),
      });
    expect(await status(campaign.id, done)).toBe('complete');
    expect(await status(campaign.id, limit)).toBe('active');
    expect(await entry(p1.id, done)).toMatchObject({ state: 'done', exit_reason: 'complete' });
    expect(await entry(p1.id, limit)).toMatchObject({ state: 'done', exit_reason: 'attempt_limit' });
    expect(await drain(p1.id, volunteer.id, minutes(200))).toEqual([]);
  });

  it('undoes the DNC outcome too; the outcome itself was audited with the volunteer', async () => {
    const { campaign, volunteer, projects, actor } = await setup(2);
    const num = phoneNo();
    await newVoter(ds, campaign.id, { phones: [{ number: num }] });
    for (const p of projects) await target(ds, campaign.id, p.id, {}, T0);
    await callAndRecord(ds, projects[0]!.id, volunteer.id, T0, 'do_not_call');
    const audit = await dncAudit(ds, campaign.id, { search: num.slice(-4), page: 1, pageSize: 10 });
    expect(audit.items).toEqual([
      expect.objectContaining({
        action: 'add',
        source: 'outcome',
        user: { id: volunteer.id, name: volunteer.name },
      }),
    ]);
    expect((await listDnc(ds, campaign.id, { page: 1, pageSize: 5 })).items[0]).toMatchObject({
      source: 'outcome',
      addedBy: { id: volunteer.id },
    });
    await removeFromDnc(ds, {
      campaignId: campaign.id,
      number: num,
      reason: 'volunteer clicked the wrong button',
      actor,
      now: minutes(1),
    });
    expect(await status(campaign.id, num)).toBe('active');
    expect(await entry(projects[1]!.id, num)).toMatchObject({ state: 'queued' });
    expect((await claim(ds, projects[1]!.id, volunteer.id, minutes(2))).phone.e164).toBe(e164(num));
  });
});

describe('the install-wide flag (3 campaigns) stays consistent', () => {
  it('flags at the third campaign’s DNC, closing the number everywhere; lifts the flag when one removes it', async () => {
    const num = phoneNo();
    const camps = [];
    for (let i = 0; i < 4; i++) {
      const s = await setup(1);
      await newVoter(ds, s.campaign.id, { phones: [{ number: num }] });
      await target(ds, s.campaign.id, s.projects[0]!.id, {}, T0);
      camps.push(s);
    }
    const [a, b, c, d] = camps as [
      (typeof camps)[0],
      (typeof camps)[0],
      (typeof camps)[0],
      (typeof camps)[0],
    ];
    const add = (s: typeof a) =>
      addToDnc(ds, {
        campaignId: s.campaign.id,
        number: num,
        reason: 'asked',
        actor: s.actor,
        now: minutes(1),
      });
    expect(await add(a)).toMatchObject({ installFlagged: false });
    expect(await add(b)).toMatchObject({ installFlagged: false });
    expect(await add(c)).toMatchObject({ installFlagged: true });
    const flag = await one<{ campaign_count: number }>(
      ds,
      'SELECT campaign_count FROM install_flags WHERE e164 = $1',
      [e164(num)],
    );
    expect(flag).toEqual({ campaign_count: 3 });
    // Campaign d never listed it, but the install flag keeps it out of d's queue.
    expect(await entry(d.projects[0]!.id, num)).toMatchObject({ state: 'done', exit_reason: 'install_flag' });
    expect((await listDnc(ds, a.campaign.id, { page: 1, pageSize: 5 })).items[0]).toMatchObject({
      installFlagged: true,
    });

    const removed = await removeFromDnc(ds, {
      campaignId: c.campaign.id,
      number: num,
      reason: 'wrongly listed',
      actor: c.actor,
      now: minutes(2),
    });
    expect(removed).toMatchObject({ installFlagged: false, phoneStatus: 'active' });
    expect(await one(ds, 'SELECT 1 FROM install_flags WHERE e164 = $1', [e164(num)])).toBeUndefined();
    expect(
      await rows(ds, 'SELECT campaign_id FROM number_marks WHERE e164 = $1 AND campaign_id = $2', [
        e164(num),
        c.campaign.id,
      ]),
    ).toEqual([]);
    expect(await entry(d.projects[0]!.id, num)).toMatchObject({ state: 'queued', exit_reason: null });
    expect(await entry(c.projects[0]!.id, num)).toMatchObject({ state: 'queued' });
    // a and b still list it: their entries stay closed as DNC.
    expect(await entry(a.projects[0]!.id, num)).toMatchObject({ state: 'done', exit_reason: 'dnc' });
    expect(await entry(b.projects[0]!.id, num)).toMatchObject({ state: 'done', exit_reason: 'dnc' });
    expect((await claim(ds, d.projects[0]!.id, d.volunteer.id, minutes(3))).phone.e164).toBe(e164(num));
  });
});

describe('importing a CSV of numbers', () => {
  const csv = (text: string) => Readable.from([text]);

  it('is all or nothing with errors by line; then lists every number once, audited as an import', async () => {
    const { campaign, projects, actor } = await setup(1);
    const [n1, n2, n3] = [phoneNo(), phoneNo(), phoneNo()];
    await newVoter(ds, campaign.id, { phones: [{ number: n1 }] });
    await target(ds, campaign.id, projects[0]!.id, {}, T0);
    await addToDnc(ds, { campaignId: campaign.id, number: n3, reason: 'earlier', actor, now: T0 });

    const bad = await importDncCsv(
      ds,
      campaign.id,
      csv(`phone,reason\n${n1},\nnot a number,x\n${n2},ok\n12,\n`),
      {
        defaultReason: 'state DNC list 2026',
        actor,
        now: minutes(1),
      },
    );
    expect(bad).toMatchObject({ ok: false, errorCount: 2, added: 0 });
    expect(bad.errors).toEqual([
      expect.objectContaining({ line: 3, column: 'phone' }),
      expect.objectContaining({ line: 5, column: 'phone' }),
    ]);
    expect((await listDnc(ds, campaign.id, { page: 1, pageSize: 10 })).total).toBe(1);

    const good = await importDncCsv(
      ds,
      campaign.id,
      csv(`Phone Number,Reason\r\n${n1},\r\n"${n2}",called the office\r\n${n1},dup\r\n${n3},\r\n`),
      { defaultReason: 'state DNC list 2026', actor, now: minutes(2) },
    );
    expect(good).toMatchObject({ ok: true, rows: 4, added: 2, alreadyListed: 1, queueEntriesClosed: 1 });
    expect(await entry(projects[0]!.id, n1)).toMatchObject({ state: 'done', exit_reason: 'dnc' });
    const audit = await dncAudit(ds, campaign.id, { page: 1, pageSize: 10 });
    expect(audit.total).toBe(3);
    expect(audit.items.filter((a) => a.source === 'import').map((a) => [a.e164, a.reason])).toEqual(
      expect.arrayContaining([
        [e164(n1), 'state DNC list 2026'],
        [e164(n2), 'called the office'],
      ]),
    );
    // A bare list of numbers (no header) works too; a reason is required for it.
    const bare = await importDncCsv(ds, campaign.id, csv(`${phoneNo()}\n${phoneNo()}\n`), {
      defaultReason: '',
      actor,
      now: minutes(3),
    });
    expect(bare).toMatchObject({ ok: false, errorCount: 2 });
    expect(bare.errors.map((e) => [e.line, e.column])).toEqual([
      [1, 'reason'],
      [2, 'reason'],
    ]);
    expect(
      await importDncCsv(ds, campaign.id, csv('name,email\nx,y\n'), { defaultReason: 'r', actor, now: T0 }),
    ).toMatchObject({ ok: false, errors: [expect.objectContaining({ line: 1 })] });
    expect(
      await importDncCsv(ds, campaign.id, csv(''), { defaultReason: 'r', actor, now: T0 }),
    ).toMatchObject({
      ok: false,
      errors: [{ line: 1, message: 'the file is empty' }],
    });
  });
});

describe('reading the list', () => {
  it('pages, searches by digits, exports CSV, and the audit refuses changes', async () => {
    const { campaign, actor } = await setup(0);
    const nums = Array.from({ length: 5 }, () => phoneNo());
    for (const [i, num] of nums.entries())
      await addToDnc(ds, {
        campaignId: campaign.id,
        number: num,
        reason: `=cmd ${i}`,
        actor,
        now: minutes(i),
      });
    const page1 = await listDnc(ds, campaign.id, { page: 1, pageSize: 2 });
    expect(page1).toMatchObject({ total: 5, page: 1, pageSize: 2 });
    expect(page1.items.map((i) => i.e164)).toEqual([e164(nums[4]!), e164(nums[3]!)]);
    const page3 = await listDnc(ds, campaign.id, { page: 3, pageSize: 2 });
    expect(page3.items.map((i) => i.e164)).toEqual([e164(nums[0]!)]);
    const found = await listDnc(ds, campaign.id, {
      search: `(${nums[2]!.slice(3, 6)}) ${nums[2]!.slice(6)}`,
      page: 1,
      pageSize: 10,
    });
    expect(found.items.map((i) => i.e164)).toEqual([e164(nums[2]!)]);

    let text = '';
    for await (const chunk of exportDncCsv(ds, campaign.id)) text += chunk;
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('phone,source,reason,added_at,added_by');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(new RegExp(`^\\${e164(nums[0]!)},manual,'=cmd 0,`));

    await expect(
      ds.query(`UPDATE dnc_audit SET reason = 'x' WHERE campaign_id = $1`, [campaign.id]),
    ).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM dnc_audit WHERE campaign_id = $1`, [campaign.id])).rejects.toThrow(
      /append-only/,
    );
    // Deleting the campaign itself takes its audit with it.
    await ds.query('DELETE FROM campaigns WHERE id = $1', [campaign.id]);
    expect(await rows(ds, 'SELECT 1 FROM dnc_audit WHERE campaign_id = $1', [campaign.id])).toEqual([]);
  });
});
