/**
 * Queue benchmarks (issue 3). Not part of `npm test`. Run:
 *   TS_NODE_TRANSPILE_ONLY=1 npx ts-node -r tsconfig-paths/register tests/bench/queue.bench.ts
 * Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) to create and drop a
 * scratch database. Writes tests/reports/queue-bench.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { createTestDatabase } from '../../libs/persistence/src/testing/test-database';
import {
  CLAIM_SQL,
  applyOutcome,
  claimNextPhone,
  claimParameters,
  createCampaign,
  createProject,
  createUser,
  importVotersCsv,
  saveTargetsIntoProject,
} from '../../libs/persistence/src';
import type { CallOutcome } from '../../libs/domain/src';

const VOTERS = Number(process.env.BENCH_VOTERS ?? 1_000_000);
const SECOND_PHONE_EVERY = 10 / 3; // 30% of voters have a second number → 1.3 phones per voter
const NOW = new Date('2026-03-10T18:00:00Z'); // open in every US zone
const STATES = ['NY', 'CA', 'TX', 'FL', 'PA', 'OH', 'IL', 'GA', 'NC', 'MI'];
const AREA: Record<string, string> = { NY: '212', CA: '415', TX: '512', FL: '305', PA: '215', OH: '614', IL: '312', GA: '404', NC: '919', MI: '313' };

function* csvChunks(): Generator<string> {
  yield 'voter_id,first_name,last_name,address_line1,city,state,zip,birthday,tags,phone1,phone1_score,phone1_type,phone2,phone2_score,phone2_type\n';
  let buf = '';
  for (let i = 0; i < VOTERS; i++) {
    const st = STATES[i % STATES.length]!;
    const e = Math.floor(i / 10_000);
    const local = `${2 + (e % 8)}${2 + (Math.floor(e / 8) % 8)}${e % 10}${String(i % 10_000).padStart(4, '0')}`;
    const second = i % 10 < 3 ? `646${local},${(i * 7) % 100},cell` : ',,';
    const year = 1940 + (i % 60);
    const month = String(1 + (i % 12)).padStart(2, '0');
    const day = String(1 + (i % 28)).padStart(2, '0');
    buf += `V${i},First${i % 1000},Last${i},${i} Main St,City${i % 50},${st},${String(10000 + (i % 89999))},${year}-${month}-${day},${i % 2 ? 'dem' : 'rep'};t${i % 7},${AREA[st]}${local},${(i * 13) % 100},landline,${second}\n`;
    if (buf.length > 1 << 16) {
      yield buf;
      buf = '';
    }
  }
  yield buf;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const ms = (x: number): string => `${x.toFixed(2)} ms`;
const log = (s: string): void => void process.stdout.write(`${s}\n`);
void SECOND_PHONE_EVERY;

async function main(): Promise<void> {
  const report: string[] = [];
  const db = await createTestDatabase('pb_bench', 40);
  const ds = db.ds;
  try {
    const campaign = await createCampaign(ds, { name: 'Bench' });
    const project = await createProject(ds, campaign.id, { name: 'Bench project', timeZone: 'UTC', hoursStart: 0, hoursEnd: 1440 });
    const users = await Promise.all(Array.from({ length: 16 }, (_, k) => createUser(ds, { campaignId: campaign.id, role: 'volunteer', name: `v${k}` })));

    // 1. Import.
    log(`importing ${VOTERS} voters…`);
    let t = performance.now();
    const imported = await importVotersCsv(ds, campaign.id, Readable.from(csvChunks()), {
      now: NOW,
      onProgress: (p) => p.rows % 200_000 === 0 && log(`  ${p.phase} ${p.rows} rows`),
    });
    const importSeconds = (performance.now() - t) / 1000;
    if (!imported.ok) throw new Error(`import failed: ${JSON.stringify(imported.errors.slice(0, 5))}`);
    log(`import: ${importSeconds.toFixed(1)} s (${imported.votersInserted} voters, ${imported.phonesInserted} phones)`);

    // 2. Target everybody into one project.
    t = performance.now();
    const saved = await saveTargetsIntoProject(ds, { projectId: project.id, campaignId: campaign.id, filter: {}, now: NOW });
    const targetSeconds = (performance.now() - t) / 1000;
    log(`targeting: ${targetSeconds.toFixed(1)} s, ${saved.phonesQueued} phones queued`);
    await ds.query('VACUUM ANALYZE queue_entries');
    await ds.query('VACUUM ANALYZE phones');

    // 3. Latency at a human pace: 500 volunteers, ~100 claims/s together, each claim followed by an outcome.
    const volunteers = 500;
    const durationMs = Number(process.env.BENCH_LATENCY_SECONDS ?? 30) * 1000;
    const thinkMs = (volunteers / 100) * 1000; // mean gap per volunteer for 100 claims/s in total
    const latencies: number[] = [];
    const outcomes: CallOutcome[] = ['busy', 'no_answer', 'successful', 'voicemail', 'failed', 'refused', 'busy', 'no_answer'];
    const end = Date.now() + durationMs;
    let seen = new Set<string>();
    let dupes = 0;
    log('latency run…');
    await Promise.all(
      Array.from({ length: volunteers }, async (_, k) => {
        await new Promise((r) => setTimeout(r, Math.random() * thinkMs));
        while (Date.now() < end) {
          const now = new Date(NOW.getTime() + (Date.now() - (end - durationMs)));
          const t0 = performance.now();
          const r = await claimNextPhone(ds, { projectId: project.id, userId: users[k % 16]!.user.id, leaseSeconds: 300, now });
          latencies.push(performance.now() - t0);
          if (r.kind === 'claimed') {
            if (seen.has(r.claim.phone.id)) dupes++;
            seen.add(r.claim.phone.id);
            await applyOutcome(ds, { attemptId: r.claim.attemptId, outcome: outcomes[latencies.length % outcomes.length]!, now });
          }
          await new Promise((res) => setTimeout(res, thinkMs * (0.5 + Math.random())));
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const rate = latencies.length / (durationMs / 1000);
    log(`latency: ${latencies.length} claims (${rate.toFixed(0)}/s), p50 ${ms(pct(latencies, 50))}, p99 ${ms(pct(latencies, 99))}`);

    // 4. Throughput: 16 concurrent claimers, claims only.
    const tpSeconds = Number(process.env.BENCH_THROUGHPUT_SECONDS ?? 15);
    seen = new Set<string>();
    let claims = 0;
    const tpLat: number[] = [];
    const tpEnd = Date.now() + tpSeconds * 1000;
    const tpNow = new Date(NOW.getTime() + durationMs + 60_000);
    log('throughput run…');
    const tStart = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async (_, k) => {
        while (Date.now() < tpEnd) {
          const t0 = performance.now();
          const r = await claimNextPhone(ds, { projectId: project.id, userId: users[k]!.user.id, leaseSeconds: 3600, now: tpNow });
          tpLat.push(performance.now() - t0);
          if (r.kind !== 'claimed') break;
          claims++;
          if (seen.has(r.claim.phone.id)) dupes++;
          seen.add(r.claim.phone.id);
        }
      }),
    );
    const tpElapsed = (performance.now() - tStart) / 1000;
    tpLat.sort((a, b) => a - b);
    log(`throughput: ${(claims / tpElapsed).toFixed(0)} claims/s, duplicates ${dupes}`);

    // 5. The plan.
    const params = await claimParameters(ds, { projectId: project.id, userId: users[0]!.user.id, leaseSeconds: 300, now: tpNow });
    let plan = '';
    await ds.transaction(async (tx) => {
      const r = (await tx.query(`EXPLAIN (ANALYZE, BUFFERS) ${CLAIM_SQL}`, params as unknown[])) as { 'QUERY PLAN': string }[];
      plan = r.map((x) => x['QUERY PLAN']).join('\n');
      await tx.query('ROLLBACK; BEGIN');
    });

    const cpu = cpus();
    report.push(
      '# Queue benchmark (issue 3)',
      '',
      `Run ${new Date().toISOString()} on ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, PostgreSQL ${(await ds.query('SHOW server_version'))[0].server_version}, Node ${process.version}.`,
      'Command: `TS_NODE_TRANSPILE_ONLY=1 npx ts-node -r tsconfig-paths/register tests/bench/queue.bench.ts` (a scratch database is created and dropped).',
      '',
      '| Measure | Target | Result |',
      '|---|---|---|',
      `| Import ${imported.votersInserted.toLocaleString('en-US')} voters / ${imported.phonesInserted.toLocaleString('en-US')} phones (CSV → COPY → upsert, one transaction) | < 60 s | **${importSeconds.toFixed(1)} s** ${importSeconds < 60 ? '✅' : '❌'} |`,
      `| Save all voters into one project (${saved.phonesQueued.toLocaleString('en-US')} phones queued) | — | ${targetSeconds.toFixed(1)} s |`,
      `| Claim latency, 500 volunteers at a human pace (${latencies.length} claims in ${durationMs / 1000} s = ${rate.toFixed(0)}/s, each followed by an outcome) | p99 < 10 ms | p50 ${ms(pct(latencies, 50))}, p95 ${ms(pct(latencies, 95))}, **p99 ${ms(pct(latencies, 99))}** ${pct(latencies, 99) < 10 ? '✅' : '❌'} |`,
      `| Claim throughput, 16 concurrent claimers (${claims} claims in ${tpElapsed.toFixed(1)} s; p50 ${ms(pct(tpLat, 50))}, p99 ${ms(pct(tpLat, 99))}) | > 2,000/s | **${(claims / tpElapsed).toFixed(0)}/s** ${claims / tpElapsed > 2000 ? '✅' : '❌'} |`,
      `| Phones handed out twice (both runs) | 0 | **${dupes}** ${dupes === 0 ? '✅' : '❌'} |`,
      '',
      'The claim is one statement (`CLAIM_SQL` in `libs/persistence/src/queue/claim-phone.query.ts`): it walks the partial index',
      '`queue_entries_claim_idx` in hand-out order, checks lease, requeue delay and calling zone inside the index, locks entry and',
      'phone with `FOR UPDATE SKIP LOCKED`, and writes the lease and the call attempt. Latency is measured in the client',
      '(Node, TypeORM pool) and includes the second query that reads the household profiles.',
      '',
      '## Claim query plan (EXPLAIN ANALYZE, BUFFERS; rolled back)',
      '',
      '```',
      plan,
      '```',
      '',
    );
    writeFileSync(join(__dirname, '..', 'reports', 'queue-bench.md'), report.join('\n'));
    log('report written to tests/reports/queue-bench.md');
  } finally {
    await db.drop();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
