import { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../testing/test-database';
import type { TestDatabase } from '../testing/test-database';
import { newCampaign } from '../testing/factories';
import { importVotersCsv } from './voter-import.command';
import type { ImportProgress } from './voter-import.command';
import { one } from '../sql';

let db: TestDatabase;
let ds: DataSource;
beforeAll(async () => {
  db = await createTestDatabase('pb_import');
  ds = db.ds;
});
afterAll(async () => db?.drop());

const HEADER =
  'voter_id,first_name,last_name,state,zip,birthday,tags,phone1,phone1_score,phone1_type,phone2,phone2_score,phone2_type';
const GOOD = [
  'A1,Ann,Lee,NY,10001,1980-03-10,dem;student,(212) 555-2000,90,landline,212-555-2001,40,cell',
  'A2,Bob,Lee,NY,10001,03/11/1990,dem,212.555.2000,80,landline,,,',
  'A3,Cy,Ray,CA,94110,,,+1 415 555 3000,,unknown,,,',
];
const file = (lines: string[]): Readable => Readable.from([Buffer.from(lines.join('\n') + '\n', 'utf8')]);
async function count(campaignId: string): Promise<{ voters: number; phones: number; links: number }> {
  const r = await one<{ voters: number; phones: number; links: number }>(
    ds,
    `SELECT (SELECT count(*)::int FROM voters WHERE campaign_id = $1) voters, (SELECT count(*)::int FROM phones WHERE campaign_id = $1) phones,
            (SELECT count(*)::int FROM voter_phones vp JOIN voters v ON v.id = vp.voter_id WHERE v.campaign_id = $1) links`,
    [campaignId],
  );
  return r!;
}

describe('CSV import', () => {
  it('imports voters and phones (a shared household phone once), with progress; re-import changes nothing', async () => {
    const c = await newCampaign(ds);
    const progress: ImportProgress[] = [];
    const r = await importVotersCsv(ds, c.id, file([HEADER, ...GOOD]), {
      onProgress: (p) => progress.push(p),
    });
    expect(r).toMatchObject({
      ok: true,
      rows: 3,
      votersInserted: 3,
      phonesInserted: 3,
      links: 4,
      errorCount: 0,
    });
    expect(progress.at(-1)).toMatchObject({ phase: 'done', rows: 3 });
    expect(await count(c.id)).toEqual({ voters: 3, phones: 3, links: 4 });
    const shared = await one<{ accuracy_score: number }>(
      ds,
      `SELECT accuracy_score FROM phones WHERE campaign_id = $1 AND e164 = '+12125552000'`,
      [c.id],
    );
    expect(shared!.accuracy_score).toBe(90);
    const again = await importVotersCsv(ds, c.id, file([HEADER, ...GOOD]));
    expect(again).toMatchObject({
      ok: true,
      votersInserted: 0,
      votersUpdated: 0,
      phonesInserted: 0,
      phonesUpdated: 0,
      links: 0,
    });
    expect(await count(c.id)).toEqual({ voters: 3, phones: 3, links: 4 });
    const changed = await importVotersCsv(ds, c.id, file([HEADER, GOOD[0]!.replace('Ann', 'Anne')]));
    expect(changed).toMatchObject({ ok: true, votersInserted: 0, votersUpdated: 1 });
  });

  it.each([
    [
      'wrong columns',
      [HEADER.replace('last_name', 'surname'), ...GOOD],
      [
        { line: 1, message: 'unknown column "surname"' },
        { line: 1, message: 'missing required column "last_name"' },
      ],
    ],
    [
      'a row with too few fields',
      [HEADER, GOOD[0]!, 'A9,Zed'],
      [{ line: 3, message: 'expected 13 fields, found 2' }],
    ],
    [
      'bad dates',
      [
        HEADER,
        GOOD[0]!,
        GOOD[1]!.replace('03/11/1990', '1990-02-30'),
        GOOD[2]!.replace(',,,+1', ',yesterday,,+1'),
      ],
      [
        { line: 3, message: 'birthday "1990-02-30" is not a real date' },
        { line: 4, message: 'birthday "yesterday" is not a date (use YYYY-MM-DD)' },
      ],
    ],
    [
      'bad numbers',
      [
        HEADER,
        GOOD[0]!.replace('(212) 555-2000', '555-2000'),
        GOOD[1]!.replace('212.555.2000', '911'),
        GOOD[2]!.replace('+1 415 555 3000,', '415-555-0123,'),
      ],
      [
        { line: 2, message: 'phone "555-2000" rejected: too few digits for a phone number' },
        { line: 3, message: 'phone "911" rejected: too few digits for a phone number' },
        { line: 4, message: 'phone "415-555-0123" rejected: 555-01XX numbers are reserved for fiction' },
      ],
    ],
    [
      'a bad accuracy score',
      [HEADER, GOOD[0]!.replace(',90,', ',high,')],
      [{ line: 2, message: 'accuracy score "high" must be an integer 0-100' }],
    ],
    [
      'duplicate ids',
      [HEADER, ...GOOD, GOOD[1]!],
      [{ line: 5, message: 'duplicate voter_id "A2" (first on line 3)' }],
    ],
  ])('%s: a per-line report, nothing imported', async (_name, lines, expected) => {
    const c = await newCampaign(ds);
    const r = await importVotersCsv(ds, c.id, file(lines));
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => ({ line: e.line, message: e.message }))).toEqual(expected);
    expect(await count(c.id)).toEqual({ voters: 0, phones: 0, links: 0 });
  });

  it('a 0-byte file', async () => {
    const c = await newCampaign(ds);
    const r = await importVotersCsv(ds, c.id, Readable.from([Buffer.alloc(0)]));
    expect(r).toMatchObject({ ok: false, errors: [{ line: 1, message: 'the file is empty' }] });
    expect(await count(c.id)).toEqual({ voters: 0, phones: 0, links: 0 });
  });

  it('a non-UTF-8 file', async () => {
    const c = await newCampaign(ds);
    const latin1 = Buffer.from([HEADER, ...GOOD, 'A4,José,Núñez,NY,,,,,,,,,'].join('\n') + '\n', 'latin1');
    const r = await importVotersCsv(ds, c.id, Readable.from([latin1]));
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([{ line: 5, message: expect.stringContaining('not valid UTF-8') }]);
    expect(await count(c.id)).toEqual({ voters: 0, phones: 0, links: 0 });
  });

  it('an unterminated quote', async () => {
    const c = await newCampaign(ds);
    const r = await importVotersCsv(ds, c.id, file([HEADER, GOOD[0]!, 'A2,"Bob,Lee,NY,10001,,,,,,,,']));
    expect(r.ok).toBe(false);
    expect(r.errors[0]!.message).toMatch(/CSV syntax error/);
    expect(await count(c.id)).toEqual({ voters: 0, phones: 0, links: 0 });
  });
});
