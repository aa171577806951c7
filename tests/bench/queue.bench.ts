/**
 * Queue benchmarks (issue 3). Not part of `npm test`. Run:
 *   TS_NODE_TRANSPILE_ONLY=1 npx ts-node -r tsconfig-paths/register tests/bench/queue.bench.ts
 * Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) to create and drop a
 * scratch database (dropped at the end, also on a timeout, an error or SIGINT/SIGTERM). Writes
 * tests/reports/queue-bench.md, with whatever phases completed.
 *
 * Every phase has a hard time limit; past it the bench cancels the phase's statements
 * (pg_cancel_backend on the scratch database) and goes on to the report. Environment:
 *   BENCH_VOTERS (1,000,000), BENCH_LATENCY_SECONDS (30), BENCH_THROUGHPUT_SECONDS (15),
 *   BENCH_PHASE_LIMIT_SECONDS (300, import and targeting), BENCH_MAX_MINUTES (20, the whole run),
 *   BENCH_REPORT (where to write the report; default tests/reports/queue-bench.md).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { createTestDatabase } from '../../libs/persistence/src/testing/test-database';
import type { TestDatabase } from '../../libs/persistence/src/testing/test-database';
import {
  CLAIM_SQL,
  applyOutcome,
  claimNextPhone,
  claimParameters,
  createCampaign,
  createDataSource,
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
const AREA: Record<string, string> = {
  NY: '212',
  CA: '415',
  TX: '512',
  FL: '305',
  PA: '215',
  OH: '614',
  IL: '312',
  GA: '404',
  NC: '919',
  MI: '313',
};

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
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const ms = (x: number): string => `${x.toFixed(2)} ms`;
const log = (s: string): void => void process.stdout.write(`${s}\n`);
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');
const sleep = (t: number): Promise<void> => new Promise((r) => setTimeout(r, t));
void SECOND_PHONE_EVERY;

const PHASE_LIMIT_MS = Number(process.env.BENCH_PHASE_LIMIT_SECONDS ?? 300) * 1000;
const MAX_MS = Number(process.env.BENCH_MAX_MINUTES ?? 20) * 60_000;

class PhaseTimeout extends Error {}

let scratch: TestDatabase | undefined;
let dropping: Promise<void> | undefined;
/** Cancel whatever the bench still runs in its database (a phase past its limit). */
async function cancelScratchStatements(): Promise<void> {
  if (!scratch) return;
  const c = new Client({
    connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  });
  await c.connect();
  try {
    await c.query(
      'SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [scratch.name],
    );
  } finally {
    await c.end();
  }
}
function dropScratch(): Promise<void> {
  if (!scratch) return Promise.resolve();
  dropping ??= scratch.drop().catch((e: unknown) => console.error('could not drop the scratch database', e));
  return dropping;
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    log(`${sig}: dropping the scratch database`);
    void dropScratch().finally(() => process.exit(130));
  });
}

/** Run one phase under a hard limit; on timeout its statements are cancelled and `stop` is raised. */
const stop = { flag: false };
async function phase<T>(
  name: string,
  limitMs: number,
  fn: () => Promise<T>,
): Promise<{ value?: T; error?: string; seconds: number; load: string }> {
  const loadBefore = load();
  const t = performance.now();
  stop.flag = false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new PhaseTimeout(`${name}: over its ${limitMs / 1000} s limit, cancelled`)),
          limitMs,
        );
      }),
    ]);
    return { value, seconds: (performance.now() - t) / 1000, load: `${loadBefore} → ${load()}` };
  } catch (err) {
    stop.flag = true;
    if (err instanceof PhaseTimeout) await cancelScratchStatements().catch(() => undefined);
    const error = err instanceof Error ? err.message : String(err);
    log(`${name} failed: ${error}`);
    await sleep(1000);
    return { error, seconds: (performance.now() - t) / 1000, load: `${loadBefore} → ${load()}` };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  const backstop = setTimeout(() => {
    log(`the whole bench is over ${MAX_MS / 60_000} min: cancelling, dropping the scratch database, exiting`);
    void cancelScratchStatements()
      .catch(() => undefined)
      .then(dropScratch)
      .finally(() => process.exit(2));
  }, MAX_MS);
  backstop.unref();
  const startLoad = load();
  scratch = await createTestDatabase('pb_bench', 40);
  const db = scratch;
  const ds = db.ds;
  const rows: string[] = [];
  let plan = '(not measured)';
  let dupes = 0;
  let settings = '';
  let slowNote = '';
  try {
    const s = (await ds.query(
      `SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'maintenance_work_mem', 'max_wal_size',
         'checkpoint_timeout', 'synchronous_commit', 'wal_level', 'effective_cache_size', 'autovacuum', 'jit', 'random_page_cost') ORDER BY name`,
    )) as { name: string; setting: string }[];
    settings = s.map((x) => `${x.name}=${x.setting}`).join(', ');
    const campaign = await createCampaign(ds, { name: 'Bench' });
    const project = await createProject(ds, campaign.id, {
      name: 'Bench project',
      timeZone: 'UTC',
      hoursStart: 0,
      hoursEnd: 1440,
    });
    const users = await Promise.all(
      Array.from({ length: 16 }, (_, k) =>
        createUser(ds, { campaignId: campaign.id, role: 'volunteer', name: `v${k}` }),
      ),
    );

    // 1. Import.
    log(`importing ${VOTERS} voters… (load ${load()})`);
    let parseSeconds = NaN;
    const imp = await phase('import', PHASE_LIMIT_MS, async () => {
      const t0 = performance.now();
      const r = await importVotersCsv(ds, campaign.id, Readable.from(csvChunks()), {
        now: NOW,
        onProgress: (p) => {
          if (p.phase === 'merging') parseSeconds = (performance.now() - t0) / 1000;
          if (p.rows % 200_000 === 0 || p.phase !== 'parsing') log(`  ${p.phase} ${p.rows} rows`);
        },
      });
      if (!r.ok) throw new Error(`import failed: ${JSON.stringify(r.errors.slice(0, 5))}`);
      return r;
    });
    if (imp.value) {
      const r = imp.value;
      log(
        `import: ${imp.seconds.toFixed(1)} s (${r.votersInserted} voters, ${r.phonesInserted} phones, ${r.links} links)`,
      );
      rows.push(
        `| Import ${r.votersInserted.toLocaleString('en-US')} voters / ${r.phonesInserted.toLocaleString('en-US')} phones / ${r.links.toLocaleString('en-US')} links (CSV → validate → COPY batches → set-based merge, one transaction; parse+COPY+voter merge ${parseSeconds.toFixed(1)} s, phones+links ${(imp.seconds - parseSeconds).toFixed(1)} s) | < 60 s | **${imp.seconds.toFixed(1)} s** ${imp.seconds < 60 ? '✅' : '❌'} | ${imp.load} |`,
      );
    } else {
      rows.push(
        `| Import ${VOTERS.toLocaleString('en-US')} voters | < 60 s | **${imp.error}** ❌ | ${imp.load} |`,
      );
      throw new Error('no data to claim from');
    }

    // 2. Target everybody into one project.
    const tgt = await phase('targeting', PHASE_LIMIT_MS, async () => {
      const saved = await saveTargetsIntoProject(ds, {
        projectId: project.id,
        campaignId: campaign.id,
        filter: {},
        now: NOW,
      });
      await ds.query('VACUUM ANALYZE queue_entries');
      await ds.query('VACUUM ANALYZE phones');
      // Flush the bulk load's dirty pages now, so that the latency run does not measure a checkpoint of it.
      await ds.query('CHECKPOINT');
      return saved;
    });
    if (!tgt.value) {
      rows.push(`| Save all voters into one project | — | ${tgt.error} | ${tgt.load} |`);
      throw new Error('nothing queued');
    }
    const queued = tgt.value.phonesQueued;
    log(`targeting: ${tgt.seconds.toFixed(1)} s, ${queued} phones queued`);
    rows.push(
      `| Save all voters into one project (${queued.toLocaleString('en-US')} phones queued), then VACUUM ANALYZE, CHECKPOINT | — | ${tgt.seconds.toFixed(1)} s | ${tgt.load} |`,
    );

    // 3. Latency at a human pace: 500 volunteers, ~100 claims/s together, each claim followed by an outcome.
    const volunteers = 500;
    const durationMs = Number(process.env.BENCH_LATENCY_SECONDS ?? 30) * 1000;
    const thinkMs = (volunteers / 100) * 1000; // mean gap per volunteer for 100 claims/s in total
    const latencies: number[] = [];
    const outcomeLat: number[] = [];
    const outcomes: CallOutcome[] = [
      'busy',
      'no_answer',
      'successful',
      'voicemail',
      'failed',
      'refused',
      'busy',
      'no_answer',
    ];
    const seenLatency = new Set<string>();
    /** When (s into the run) the claims over 50 ms ended: one stall of the whole process, or spread out. */
    const slow: number[] = [];
    let latencyClaims = 0;
    log(`latency run… (load ${load()})`);
    const lat = await phase('latency', durationMs + 60_000, async () => {
      const begin = Date.now();
      const end = begin + durationMs;
      // Ramp-up: the first claims are spread over one think time; only claims after it are counted.
      const measureFrom = begin + thinkMs;
      await Promise.all(
        Array.from({ length: volunteers }, async (_, k) => {
          await sleep(Math.random() * thinkMs);
          while (Date.now() < end && !stop.flag) {
            const now = new Date(NOW.getTime() + (Date.now() - begin));
            const t0 = performance.now();
            const r = await claimNextPhone(ds, {
              projectId: project.id,
              userId: users[k % 16]!.user.id,
              leaseSeconds: 300,
              now,
            });
            const dt = performance.now() - t0;
            const counted = Date.now() >= measureFrom;
            if (counted) latencies.push(dt);
            if (counted && dt > 50) slow.push(Math.round((Date.now() - begin) / 100) / 10);
            if (r.kind === 'claimed') {
              latencyClaims++;
              if (seenLatency.has(r.claim.phone.id)) dupes++; // requeue delay 30 min > run: a phone comes once
              seenLatency.add(r.claim.phone.id);
              const t1 = performance.now();
              await applyOutcome(ds, {
                attemptId: r.claim.attemptId,
                outcome: outcomes[latencyClaims % outcomes.length]!,
                now,
              });
              if (counted) outcomeLat.push(performance.now() - t1);
            }
            await sleep(thinkMs * (0.5 + Math.random()));
          }
        }),
      );
      return (durationMs - thinkMs) / 1000;
    });
    latencies.sort((a, b) => a - b);
    outcomeLat.sort((a, b) => a - b);
    if (lat.value) {
      const rate = latencies.length / lat.value;
      log(
        `latency: ${latencies.length} claims (${rate.toFixed(0)}/s), p50 ${ms(pct(latencies, 50))}, p99 ${ms(pct(latencies, 99))}`,
      );
      const seconds = [...new Set(slow.map((x) => Math.floor(x)))];
      slowNote = slow.length
        ? `${slow.length} claims over 50 ms, ending in ${seconds.length} distinct seconds of the run (${seconds.slice(0, 12).join(', ')}${seconds.length > 12 ? ', …' : ''})`
        : 'no claim over 50 ms';
      log(`  ${slowNote}`);
      rows.push(
        `| Claim latency, 500 volunteers at a human pace (${latencies.length} claims measured over ${lat.value.toFixed(0)} s after a ${thinkMs / 1000} s ramp-up = ${rate.toFixed(0)}/s, each followed by an outcome: outcome p50 ${ms(pct(outcomeLat, 50))}, p99 ${ms(pct(outcomeLat, 99))}) | p99 < 10 ms | p50 ${ms(pct(latencies, 50))}, p95 ${ms(pct(latencies, 95))}, **p99 ${ms(pct(latencies, 99))}**, max ${ms(latencies.at(-1) ?? NaN)} ${pct(latencies, 99) < 10 ? '✅' : '❌'} | ${lat.load} |`,
      );
    } else
      rows.push(
        `| Claim latency | p99 < 10 ms | ${lat.error} (${latencies.length} claims measured) ❌ | ${lat.load} |`,
      );

    // 4. Throughput: 16 concurrent claimers, claims only, leases long enough to outlive the run.
    const tpSeconds = Number(process.env.BENCH_THROUGHPUT_SECONDS ?? 15);
    const seen = new Set<string>();
    let claims = 0;
    const tpLat: number[] = [];
    const tpNow = new Date(NOW.getTime() + durationMs + 60_000);
    let tpElapsed = 0;
    log(`throughput run… (load ${load()})`);
    const tp = await phase('throughput', tpSeconds * 1000 + 60_000, async () => {
      const tpEnd = Date.now() + tpSeconds * 1000;
      const tStart = performance.now();
      await Promise.all(
        Array.from({ length: 16 }, async (_, k) => {
          while (Date.now() < tpEnd && !stop.flag) {
            const t0 = performance.now();
            const r = await claimNextPhone(ds, {
              projectId: project.id,
              userId: users[k]!.user.id,
              leaseSeconds: 3600,
              now: tpNow,
            });
            tpLat.push(performance.now() - t0);
            if (r.kind !== 'claimed') break;
            claims++;
            if (seen.has(r.claim.phone.id)) dupes++;
            seen.add(r.claim.phone.id);
          }
        }),
      );
      tpElapsed = (performance.now() - tStart) / 1000;
      // Cross-check in the database: no phone holds two live leases.
      const twice = (await ds.query(
        `SELECT count(*)::int AS n FROM (SELECT phone_id FROM call_attempts
           WHERE outcome IS NULL AND released_at IS NULL AND lease_expires_at > $1 GROUP BY phone_id HAVING count(*) > 1) x`,
        [tpNow],
      )) as { n: number }[];
      return twice[0]!.n;
    });
    tpLat.sort((a, b) => a - b);
    if (tp.value !== undefined) {
      dupes += tp.value;
      log(`throughput: ${(claims / tpElapsed).toFixed(0)} claims/s, duplicates ${dupes}`);
      rows.push(
        `| Claim throughput, 16 concurrent claimers, claims only (${claims.toLocaleString('en-US')} claims in ${tpElapsed.toFixed(1)} s; per claim p50 ${ms(pct(tpLat, 50))}, p99 ${ms(pct(tpLat, 99))}) | > 2,000/s | **${(claims / tpElapsed).toFixed(0)}/s** ${claims / tpElapsed > 2000 ? '✅' : '❌'} | ${tp.load} |`,
      );
    } else rows.push(`| Claim throughput | > 2,000/s | ${tp.error} ❌ | ${tp.load} |`);
    // 4b. The same 16 claimers as 16 separate instances (one pool of one connection each): nothing to
    // combine, so every claim is its own statement — the floor of one instance per volunteer.
    const soloNow = new Date(tpNow.getTime() + 60_000);
    let soloClaims = 0;
    let soloElapsed = 0;
    const soloLat: number[] = [];
    const instances = await Promise.all(
      Array.from({ length: 16 }, async (_, k) => {
        const instance = createDataSource(scratch!.url, {
          poolSize: 1,
          applicationName: `pb_bench_solo_${k}`,
        });
        await instance.initialize();
        return instance;
      }),
    );
    log(`throughput run, 16 separate instances… (load ${load()})`);
    const solo = await phase('throughput-solo', tpSeconds * 1000 + 60_000, async () => {
      const soloEnd = Date.now() + tpSeconds * 1000;
      const tStart = performance.now();
      await Promise.all(
        instances.map(async (instance, k) => {
          while (Date.now() < soloEnd && !stop.flag) {
            const t0 = performance.now();
            const r = await claimNextPhone(instance, {
              projectId: project.id,
              userId: users[k]!.user.id,
              leaseSeconds: 3600,
              now: soloNow,
            });
            soloLat.push(performance.now() - t0);
            if (r.kind !== 'claimed') break;
            soloClaims++;
            if (seen.has(r.claim.phone.id)) dupes++;
            seen.add(r.claim.phone.id);
          }
        }),
      );
      soloElapsed = (performance.now() - tStart) / 1000;
      return soloClaims;
    });
    await Promise.all(instances.map((instance) => instance.destroy()));
    soloLat.sort((a, b) => a - b);
    if (solo.value !== undefined) {
      log(`throughput (16 instances): ${(soloClaims / soloElapsed).toFixed(0)} claims/s`);
      rows.push(
        `| Claim throughput, the same 16 claimers as 16 separate instances (one connection each, so no claim is combined: one statement per claim; ${soloClaims.toLocaleString('en-US')} claims in ${soloElapsed.toFixed(1)} s; per claim p50 ${ms(pct(soloLat, 50))}, p99 ${ms(pct(soloLat, 99))}) | (for comparison) | ${(soloClaims / soloElapsed).toFixed(0)}/s | ${solo.load} |`,
      );
    } else
      rows.push(
        `| Claim throughput, 16 separate instances | (for comparison) | ${solo.error} | ${solo.load} |`,
      );
    rows.push(
      `| Phones handed out twice (both runs; client-side set and a check of live leases in the database) | 0 | **${dupes}** ${dupes === 0 ? '✅' : '❌'} | |`,
    );

    // 5. The plan, after the throughput run (the head of the queue holds its leased entries).
    await phase('explain', 60_000, async () => {
      const params = await claimParameters(ds, {
        projectId: project.id,
        userId: users[0]!.user.id,
        leaseSeconds: 300,
        now: tpNow,
      });
      const qr = ds.createQueryRunner();
      await qr.connect();
      try {
        await qr.startTransaction();
        const r = (await qr.query(
          `EXPLAIN (ANALYZE, BUFFERS, SETTINGS) ${CLAIM_SQL}`,
          params as unknown[],
        )) as { 'QUERY PLAN': string }[];
        plan = r.map((x) => x['QUERY PLAN']).join('\n');
      } finally {
        await qr.rollbackTransaction().catch(() => undefined);
        await qr.release();
      }
    });
  } catch (err) {
    log(`bench stopped: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    const cpu = cpus();
    const version = (await ds.query('SHOW server_version').catch(() => [{ server_version: '?' }]))[0]
      .server_version as string;
    await dropScratch();
    const report = [
      '# Queue benchmark (issue 3)',
      '',
      `Run ${new Date().toISOString()} on ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, PostgreSQL ${version}, Node ${process.version}.`,
      `Load average (1 / 5 / 15 min) at the start ${startLoad}, at the end ${load()} (2 cores: above 2 means other work was competing with the bench).`,
      'Command: `TS_NODE_TRANSPILE_ONLY=1 npx ts-node -r tsconfig-paths/register tests/bench/queue.bench.ts` (a scratch database is created and dropped).',
      '',
      `Server settings (defaults of this install, not tuned for the bench): ${settings}.`,
      'Per transaction: the import sets `work_mem = 256MB` and, as a superuser with no user triggers on the three tables, `session_replication_role = replica`',
      '(no row-by-row FK triggers; the import locks the campaign and zones itself); a claim sets `synchronous_commit = off`.',
      '',
      ...(slowNote ? [`Latency run: ${slowNote}.`, ''] : []),
      '| Measure | Target | Result | Load avg during the phase (1/5/15 min, before → after) |',
      '|---|---|---|---|',
      ...rows,
      '',
      'The claim is one statement and one round trip (`CLAIM_SQL` in `libs/persistence/src/queue/claim-phone.query.ts`): it walks the',
      'partial index `queue_entries_claim_free_idx` (entries nobody holds) in hand-out order, checking requeue delay and calling zone',
      'inside the index, and looks at the expired leases through `queue_entries_claim_held_idx`; it locks entry and phone with',
      '`FOR UPDATE SKIP LOCKED`, writes the lease and the call attempt, and returns the household for the call screen.',
      'Claims of one project that arrive while that project’s claim statements are in flight are combined (`claimBatcherOf`, a `KeyedBatcher`,',
      'at most 32 per statement, at most 2 statements of a project in flight per process): one index walk, one commit and one',
      'round trip for all of them, each request still getting its own phone. A claim that finds its project idle runs at once,',
      'alone. The 16-instance row shows the same claimers with nothing to combine.',
      'Latency is measured in the client (Node, TypeORM pool of 40, the same process simulating all volunteers).',
      '',
      '## Claim query plan (EXPLAIN ANALYZE, BUFFERS; rolled back; taken after the throughput run)',
      '',
      '```',
      plan,
      '```',
      '',
    ];
    const out = process.env.BENCH_REPORT ?? join(__dirname, '..', 'reports', 'queue-bench.md');
    writeFileSync(out, report.join('\n'));
    log(`report written to ${out}`);
    clearTimeout(backstop);
  }
}

void main().catch(async (err: unknown) => {
  console.error(err);
  await dropScratch();
  process.exit(1);
});
