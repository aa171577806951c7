import type { DataSource } from 'typeorm';
import { newProject, newVoters, target } from '../../libs/persistence/src/testing/factories';

/**
 * A project ready for power dialing whose queue holds exactly these voter phones: verified
 * caller ID +15557654321, a voicemail recording, voters in DC (Eastern time), granted to the
 * campaign's users created so far.
 */
export async function powerProject(
  ds: DataSource,
  campaignId: string,
  phones: { number: string; type?: string }[],
  extra: { allowCells?: boolean } = {},
): Promise<string> {
  const project = await newProject(ds, campaignId, {
    callerId: '+15557654321',
    allowVoicemailToCells: extra.allowCells ?? false,
  });
  await ds.query(
    `UPDATE projects SET caller_id_verified_at = now(), voicemail_recording = $2 WHERE id = $1`,
    [project.id, 'sound:tt-monkeys'],
  );
  const tag = `p${project.id.slice(0, 8)}`;
  await newVoters(
    ds,
    campaignId,
    phones.map((p) => ({
      tags: [tag],
      state: 'DC',
      phones: [{ number: p.number, type: p.type ?? 'landline' }],
    })),
  );
  await target(ds, campaignId, project.id, { tagsAny: [tag] });
  // Granted to every user the campaign has so far (volunteers need a grant).
  await ds.query(
    `INSERT INTO project_access (project_id, user_id) SELECT $1, id FROM users WHERE campaign_id = $2
     ON CONFLICT DO NOTHING`,
    [project.id, campaignId],
  );
  return project.id;
}
