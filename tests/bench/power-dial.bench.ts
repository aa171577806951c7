/**
 * Power-dialing speed benchmark (issue 4, "Speed"). Not part of `npm test`. Run:
 *
 *   TS_NODE_TRANSPILE_ONLY=1 npx ts-node -r tsconfig-paths/register tests/bench/power-dial.bench.ts
 *
 * Needs the local Asterisk (`bash asterisk/provision.sh start`), PostgreSQL (DATABASE_URL,
 * default postgres://postgres@127.0.0.1:5432/postgres; a scratch database is created and
 * dropped), SIPp, and no other test run using the ARI app / SIP port 5070 at the same time.
 * Env: BENCH_PACE (`human`, the default: volunteers at a human pace, the real 60 s no-answer
 * limit, 300 s of calling; `stress`: clicks 150–450 ms apart, 3 s conversations, an 8 s
 * no-answer limit, 180 s — about ten times the calls), BENCH_VOLUNTEERS (50), BENCH_SECONDS,
 * BENCH_RING_TIMEOUT_SECONDS, BENCH_FLOOR_CALLS (30 per floor kind, idle phase), BENCH_LOAD_NICE,
 * BENCH_CPU_PROF_DIR (write a V8 CPU profile of the orchestrator there).
 * Writes tests/reports/power-dial-bench.md (human pace) or power-dial-bench-stress.md.
 *
 * Method, in short (the report repeats it):
 * - The orchestrator runs in a child process (tests/bench/power-dial-orchestrator.ts) so its
 *   CPU and memory are its own. This process plays the 50 volunteers' browsers over HTTP.
 * - click-to-INVITE = wall time the HTTP "call" request is handed to fetch() here → the
 *   timestamp SIPp (voter trunk) logs for the INVITE it received (same host clock, µs).
 * - answer-to-bridge = SIPp's timestamp of the 200 OK it sent → Asterisk's timestamp of the
 *   ChannelEnteredBridge event of that voter channel (seen on a second ARI WebSocket with
 *   subscribeAll; Asterisk stamps events in ms).
 * - floors: (a) plain ARI: POST /ari/channels to the voter trunk from this process into its
 *   own Stasis app, which adds the channel to a mixing bridge on StasisStart; (b) plain
 *   dialplan: a SIPp volunteer calls a run-time-only extension _99X. that does
 *   Dial(PJSIP/+<number>@voter-trunk) (click = the volunteer's INVITE leaving SIPp).
 */
import { fork, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem, hostname, release, setPriority } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { appendCredit, rows } from '@phonebank/persistence';
import { createTestDatabase, type TestDatabase } from '../../libs/persistence/src/testing/test-database';
import { newCampaign, newUser } from '../../libs/persistence/src/testing/factories';
import { powerProject } from '../support/power-dial-fixtures';
import { Sipp, startVoterTrunk } from '../support/sipp';
import { volunteerScenario } from '../support/volunteer-phone';
import { ariSettings, asteriskCli, REPO_ROOT } from '../support/local-asterisk';
import { readPcap, WireCapture } from '../support/wire-capture';
import { cpuSeconds, machineCpu, sipFirstLine, sipHeader } from './wire';

/**
 * How the volunteers behave (ms ranges, drawn uniformly). `human`: a volunteer takes 1–3 s to
 * click "Call", talks 20–40 s, spends 3–8 s on the outcome, and an unanswered phone rings the
 * real 60 s; 50 of them place about 2 calls a second. `stress`: the same volunteers at about
 * ten times that rate, with an 8 s no-answer limit: a capacity test, beyond any phone bank.
 */
const PACES = {
  human: { think: [1000, 3000], talk: [20_000, 40_000], wrapUp: [3000, 8000], ring: 60, seconds: 300 },
  stress: { think: [150, 450], talk: [2500, 4500], wrapUp: [200, 500], ring: 8, seconds: 180 },
} as const;
const PACE_NAME: keyof typeof PACES = process.env.BENCH_PACE === 'stress' ? 'stress' : 'human';
const PACE = PACES[PACE_NAME];
const VOLUNTEERS = Number(process.env.BENCH_VOLUNTEERS ?? 50);
const CALLING_MS = Number(process.env.BENCH_SECONDS ?? PACE.seconds) * 1000;
const RING_TIMEOUT_SECONDS = Number(process.env.BENCH_RING_TIMEOUT_SECONDS ?? PACE.ring);
const FLOOR_CALLS = Number(process.env.BENCH_FLOOR_CALLS ?? 30);
/** A session is stuck when a stage other than idle lasts longer than the longest call could. */
const STUCK_MS = (RING_TIMEOUT_SECONDS + PACE.talk[1] / 1000 + 30) * 1000;
/** After the calling time, calls in progress get this long to finish. */
const DRAIN_MS = STUCK_MS;
/**
 * The load generator (this process, which plays the browsers, and the SIPp phones it starts,
 * which inherit it) runs at this nice value, the system under test (orchestrator, Asterisk,
 * PostgreSQL) at 0: on a real install the phones and browsers are not on the server, while here
 * they share its 2 cores. Timestamps come from the wire, so a phone that waits for a core does
 * not lengthen what is measured. BENCH_LOAD_NICE=0 runs everything alike.
 */
const LOAD_NICE = Number(process.env.BENCH_LOAD_NICE ?? 10);
const SIP = `127.0.0.1:${process.env.ASTERISK_SIP_PORT ?? 5060}`;
const REPORT = join(
  REPO_ROOT,
  'tests',
  'reports',
  PACE_NAME === 'human' ? 'power-dial-bench.md' : `power-dial-bench-${PACE_NAME}.md`,
);
const FLOOR_APP = 'pbbench';
const FLOOR_EXTEN = '_99.';
/**
 * The orchestrator under test uses its own Stasis app, reached by a run-time-only extension
 * _98. in phonebank-dialin, so that a test run started by someone else meanwhile (app
 * "phonebank") cannot take the app over from the benchmark, nor the benchmark from it.
 */
const BENCH_APP = 'phonebank-bench';
const DIALIN_EXTEN = '_98.';

const wall = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (s: string): void => void process.stdout.write(`[${new Date().toISOString()}] ${s}\n`);
const rnd = (a: number, b: number): number => a + Math.random() * (b - a);

// --- numbers --------------------------------------------------------------------------
// +1 NPA 555 WVXY, WV in 02..08 for the queue (09 is kept for the floors), X = voter behaviour
// (tests/sipp/voter-trunk.xml): 0,1,9 answer & stay; 2 answers then hangs up at 2 s; 3 busy;
// 4 never answers (engine no-answer timer); 5 404; 6 503; 7 answering machine. X=8 (answers at
// 55 s) is left out. Eastern-time NPAs only, so the daytime clock keeps every voter callable.
const NPAS = ['202', '212', '301', '410', '703', '718', '804'];
const CLASSES = [0, 1, 2, 3, 4, 5, 6, 7, 9];
function queueNumbers(): string[] {
  const out: string[] = [];
  for (const npa of NPAS)
    for (let wv = 2; wv <= 8; wv++)
      for (const x of CLASSES) for (let y = 0; y <= 9; y++) out.push(`+1${npa}5550${wv}${x}${y}`);
  // interleave so that the queue order (whatever it is) mixes behaviours
  return out.sort(() => Math.random() - 0.5);
}
const FLOOR_ARI_NUMBER = (i: number) => `+12025550900`.slice(0, -1) + String(i % 10); // X=0: answers
const FLOOR_DIAL_NUMBER = '+12025550910'; // X=1: answers

// --- SIPp message logs ---------------------------------------------------------------
interface SipMsg {
  t: number; // wall ms
  dir: 'sent' | 'received';
  first: string;
  callId: string;
  cseq: string;
  raw: string;
}
function parseSippLog(file: string): SipMsg[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'latin1');
  const out: SipMsg[] = [];
  const re = /^-{10,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.(\d{6})\n/gm;
  const heads: { idx: number; end: number; t: number }[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const t = new Date(`${m[1].replace(' ', 'T')}Z`).getTime();
    // SIPp prints local time; the container runs in UTC (checked in main()).
    heads.push({ idx: m.index, end: m.index + m[0].length, t: t + Number(m[2]) / 1000 });
  }
  for (let i = 0; i < heads.length; i++) {
    const block = text.slice(heads[i].end, i + 1 < heads.length ? heads[i + 1].idx : text.length);
    const hm = /^\s*\w+ message (sent|received)[^\n]*\n\s*/i.exec(block);
    const body = hm ? block.slice(hm[0].length) : block.trimStart();
    out.push({
      t: heads[i].t,
      dir: hm?.[1].toLowerCase() === 'sent' ? 'sent' : 'received',
      first: body.split(/\r?\n/)[0] ?? '',
      callId: /^Call-ID:\s*(\S+)/im.exec(body)?.[1] ?? '',
      cseq: /^CSeq:\s*(.+?)\s*$/im.exec(body)?.[1] ?? '',
      raw: body,
    });
  }
  return out;
}

interface VoterCall {
  callId: string;
  number: string;
  invite: number;
  ok200?: number;
}
function voterCalls(msgs: SipMsg[]): VoterCall[] {
  const byId = new Map<string, VoterCall>();
  for (const m of msgs) {
    if (m.dir === 'received' && m.first.startsWith('INVITE ') && !byId.has(m.callId)) {
      const number = /^INVITE sip:([^@;]+)@/.exec(m.first)?.[1] ?? '';
      byId.set(m.callId, { callId: m.callId, number, invite: m.t });
    } else if (m.dir === 'sent' && m.first.startsWith('SIP/2.0 200') && / INVITE$/.test(m.cseq)) {
      const c = byId.get(m.callId);
      if (c && c.ok200 === undefined) c.ok200 = m.t;
    }
  }
  return [...byId.values()].sort((a, b) => a.invite - b.invite);
}

// --- the wire (tcpdump on lo) ---------------------------------------------------------
/** What the capture saw, indexed for matching: kernel timestamps of requests and SIP messages. */
interface WireIndex {
  /** INVITEs to the voter trunk (port 5070) and the 200 OKs it sent, as in a SIPp log. */
  voterCalls: VoterCall[];
  /** `POST /api/dial-sessions/:id/call` reaching the orchestrator's port, by session id. */
  callPosts: Map<string, number[]>;
  /** `POST /ari/channels …channelId=X` (the plain-ARI floor), by channel id. */
  ariOriginates: Map<string, number>;
  /** INVITEs sent to Asterisk's SIP port (the Dial() floor's volunteer), by Call-ID. */
  invitesIn: Map<string, number>;
  packets: number;
}
function indexWire(file: string, orchestratorPort: number, ariPort: number, sipPort: number): WireIndex {
  const packets = readPcap(file);
  const byId = new Map<string, VoterCall>();
  const callPosts = new Map<string, number[]>();
  const ariOriginates = new Map<string, number>();
  const invitesIn = new Map<string, number>();
  for (const p of packets) {
    if (p.proto === 'udp' && (p.dstPort === 5070 || p.srcPort === 5070)) {
      const first = sipFirstLine(p.payload);
      const callId = sipHeader(p.payload, 'Call-ID') ?? '';
      if (p.dstPort === 5070 && first.startsWith('INVITE ') && !byId.has(callId)) {
        const number = /^INVITE sip:([^@;]+)@/.exec(first)?.[1] ?? '';
        byId.set(callId, { callId, number, invite: p.t });
      } else if (p.srcPort === 5070 && first.startsWith('SIP/2.0 200')) {
        const c = byId.get(callId);
        if (c && c.ok200 === undefined && / INVITE$/.test(sipHeader(p.payload, 'CSeq') ?? '')) c.ok200 = p.t;
      }
    } else if (p.proto === 'udp' && p.dstPort === sipPort) {
      const first = sipFirstLine(p.payload);
      const callId = sipHeader(p.payload, 'Call-ID') ?? '';
      if (first.startsWith('INVITE ') && !invitesIn.has(callId)) invitesIn.set(callId, p.t);
    } else if (p.proto === 'tcp' && p.dstPort === orchestratorPort) {
      const m = /^POST \/api\/dial-sessions\/([0-9a-f-]{36})\/call /.exec(
        p.payload.toString('latin1', 0, 120),
      );
      if (m) callPosts.set(m[1]!, [...(callPosts.get(m[1]!) ?? []), p.t]);
    } else if (p.proto === 'tcp' && p.dstPort === ariPort) {
      const head = p.payload.toString('latin1', 0, 400);
      if (head.startsWith('POST /ari/channels?')) {
        const id = /[?&]channelId=([^& ]+)/.exec(head)?.[1];
        if (id && !ariOriginates.has(id)) ariOriginates.set(decodeURIComponent(id), p.t);
      }
    }
  }
  return {
    voterCalls: [...byId.values()].sort((a, b) => a.invite - b.invite),
    callPosts,
    ariOriginates,
    invitesIn,
    packets: packets.length,
  };
}

// --- stats ---------------------------------------------------------------------------
function pct(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
function summary(values: number[]) {
  return {
    n: values.length,
    p50: pct(values, 50),
    p99: pct(values, 99),
    max: values.length ? Math.max(...values) : NaN,
  };
}
type Summary = ReturnType<typeof summary>;

// --- ARI -----------------------------------------------------------------------------
const ari = ariSettings();
const ariBase = ari.url.replace(/\/$/, '');
const ariAuth = 'Basic ' + Buffer.from(`${ari.user}:${ari.password}`).toString('base64');
async function ariRest(method: string, path: string, query: Record<string, string> = {}): Promise<Response> {
  const qs = new URLSearchParams(query).toString();
  return fetch(`${ariBase}/ari${path}${qs ? `?${qs}` : ''}`, { method, headers: { authorization: ariAuth } });
}

interface BridgeEntry {
  t: number;
  channelId: string;
  channelName: string;
  bridgeId: string;
}
/** A second ARI WebSocket: app FLOOR_APP (the hand-written floor app) with subscribeAll. */
class AriWatcher {
  readonly entered: BridgeEntry[] = [];
  private ws!: WebSocket;
  private floorBridges = new Map<string, string>(); // channel → bridge to join on StasisStart
  async open(): Promise<void> {
    const wsUrl = `${ariBase.replace(/^http/, 'ws')}/ari/events?app=${FLOOR_APP}&subscribeAll=true`;
    this.ws = new WebSocket(wsUrl, { headers: { authorization: ariAuth } });
    await new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('message', (data: WebSocket.Data) => {
      const e = JSON.parse(String(data)) as {
        type: string;
        timestamp?: string;
        channel?: { id: string; name: string };
        bridge?: { id: string };
      };
      if (e.type === 'ChannelEnteredBridge' && e.channel && e.bridge) {
        this.entered.push({
          t: Date.parse(e.timestamp!.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')),
          channelId: e.channel.id,
          channelName: e.channel.name,
          bridgeId: e.bridge.id,
        });
      } else if (e.type === 'StasisStart' && e.channel) {
        const bridge = this.floorBridges.get(e.channel.id);
        if (bridge) void ariRest('POST', `/bridges/${bridge}/addChannel`, { channel: e.channel.id });
      }
    });
  }
  expect(channelId: string, bridgeId: string): void {
    this.floorBridges.set(channelId, bridgeId);
  }
  close(): void {
    this.ws.close();
  }
}

/** One plain-ARI floor call: originate → (answer) → bridge → hang up after holdMs. */
async function ariFloorCall(
  watcher: AriWatcher,
  i: number,
  holdMs = 800,
): Promise<{ sent: number; number: string; channelId: string } | null> {
  const channelId = `pbbench-${randomUUID()}`;
  const bridgeId = `pbbench-b-${channelId.slice(8)}`;
  const number = FLOOR_ARI_NUMBER(i);
  await ariRest('POST', `/bridges/${bridgeId}`, { type: 'mixing' });
  watcher.expect(channelId, bridgeId);
  const sent = wall();
  const r = await ariRest('POST', '/channels', {
    endpoint: `PJSIP/${number}@voter-trunk`,
    app: FLOOR_APP,
    callerId: '+15557654321',
    timeout: '10',
    channelId,
  });
  if (!r.ok) {
    log(`floor originate refused: ${r.status} ${await r.text()}`);
    await ariRest('DELETE', `/bridges/${bridgeId}`);
    return null;
  }
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && !watcher.entered.some((e) => e.channelId === channelId)) await sleep(20);
  await sleep(holdMs);
  await ariRest('DELETE', `/channels/${channelId}`);
  await ariRest('DELETE', `/bridges/${bridgeId}`);
  return { sent, number, channelId };
}

// --- the volunteers ------------------------------------------------------------------
interface Update {
  type: 'update';
  t: number;
  sessionId: string;
  stage: string;
  call: { attemptId: string; phone: string } | null;
  pauseReason: string | null;
  endReason: string | null;
  notice: string | null;
}
interface Click {
  sessionId: string;
  t: number;
  attemptId?: string;
  phone?: string;
}

class Agent {
  stage = 'new';
  /** The volunteer's leg has joined (the session was idle at least once). */
  joined = false;
  stageSince = Date.now();
  clickPending = false;
  stopping = true; // until the calling time starts
  done = false;
  endRequested = false;
  failures: string[] = [];
  clicks: Click[] = [];
  lastClick: Click | null = null;
  hangupTimer?: NodeJS.Timeout;
  clickTimer?: NodeJS.Timeout;
  currentAttempt: string | null = null;
  answered = 0;
  phone?: Sipp;
  constructor(
    readonly index: number,
    readonly token: string,
    readonly sessionId: string,
    readonly pin: string,
    private readonly base: string,
  ) {}

  async api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.base}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      // a stuck session must not hang the benchmark: report it instead
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  onUpdate(u: Update): void {
    if (u.stage !== this.stage) {
      this.stage = u.stage;
      this.stageSince = Date.now();
    }
    if (u.stage === 'idle') this.joined = true;
    if (u.notice === 'queue-empty') this.done = true;
    if (u.stage === 'paused') this.failures.push(`paused (${u.pauseReason})`);
    if (u.stage === 'ended' && !this.endRequested) this.failures.push(`ended unasked (${u.endReason})`);
    if (
      (u.stage === 'dialing' || u.stage === 'ringing') &&
      u.call &&
      this.lastClick &&
      !this.lastClick.attemptId
    ) {
      this.lastClick.attemptId = u.call.attemptId;
      this.lastClick.phone = u.call.phone;
    }
    if (u.call) this.currentAttempt = u.call.attemptId;
    switch (u.stage) {
      case 'idle':
        if (!this.clickPending && !this.stopping && !this.done && !this.clickTimer) {
          this.clickTimer = setTimeout(() => void this.click(), rnd(PACE.think[0], PACE.think[1]));
        }
        return;
      case 'connected':
        if (!this.hangupTimer) {
          this.answered += 1;
          this.hangupTimer = setTimeout(
            () => {
              this.hangupTimer = undefined;
              if (this.stage === 'connected')
                void this.api('POST', `/dial-sessions/${this.sessionId}/hangup`).catch(() => undefined);
            },
            rnd(PACE.talk[0], PACE.talk[1]),
          );
        }
        return;
      case 'wrap-up': {
        if (this.hangupTimer) clearTimeout(this.hangupTimer);
        this.hangupTimer = undefined;
        const attemptId = u.call?.attemptId ?? this.currentAttempt;
        if (!attemptId) {
          this.failures.push('wrap-up without an attempt id');
          return;
        }
        setTimeout(
          () => {
            void this.api<{ accepted: boolean; reason: string | null }>(
              'POST',
              `/dial-sessions/${this.sessionId}/outcome`,
              {
                attemptId,
                outcome: Math.random() < 0.7 ? 'successful' : 'refused',
              },
            ).then((r) => {
              if (r.status !== 200 || !r.body.accepted)
                this.failures.push(`outcome refused: ${r.status} ${JSON.stringify(r.body)}`);
            });
          },
          rnd(PACE.wrapUp[0], PACE.wrapUp[1]),
        );
        return;
      }
      default:
        return;
    }
  }

  private async click(): Promise<void> {
    this.clickTimer = undefined;
    if (this.stage !== 'idle' || this.stopping || this.done) return;
    this.clickPending = true;
    const c: Click = { sessionId: this.sessionId, t: wall() };
    this.lastClick = c;
    try {
      const r = await this.api<{ accepted: boolean; reason: string | null }>(
        'POST',
        `/dial-sessions/${this.sessionId}/call`,
        {
          requestId: randomUUID(),
        },
      );
      if (r.status === 200 && r.body.accepted) this.clicks.push(c);
      else {
        this.lastClick = null;
        this.failures.push(`click refused: ${r.status} ${JSON.stringify(r.body)}`);
      }
    } catch (e) {
      this.failures.push(`click failed: ${String(e)}`);
    } finally {
      this.clickPending = false;
    }
  }
}

/**
 * A volunteer's SIPp UAC: the arguments of Sipp.uac plus \`-timer_resol\` (BENCH_SIPP_TIMER_RESOL
 * ms; SIPp's default 1 ms makes each idle SIPp wake ~1000×/s, and 50 of them saturate 2 vCPUs).
 * The volunteer's SIP timing is not measured, so a coarser timer costs nothing here.
 */
const TIMER_RESOL = process.env.BENCH_SIPP_TIMER_RESOL ?? '';
async function volunteerUac(file: string, port: number, mediaPort: number): Promise<Sipp> {
  if (!TIMER_RESOL) return Sipp.uac(file, SIP, '98+15550000100', port, mediaPort);
  return Sipp.uac(file, SIP, '98+15550000100', port, mediaPort, {
    extraArgs: ['-timer_resol', TIMER_RESOL],
    traceMessages: false,
  });
}

// --- helpers -------------------------------------------------------------------------
async function waitForQuietMachine(): Promise<void> {
  // BENCH_IGNORE_JEST=1: run anyway (the benchmark has its own Stasis app; only port 5070 is shared,
  // and the voter trunk waits up to 2 min for it).
  if (process.env.BENCH_IGNORE_JEST === '1') return;
  const deadline = Date.now() + Number(process.env.BENCH_WAIT_FOR_JEST_SECONDS ?? 600) * 1000;
  for (;;) {
    let busy = '';
    try {
      busy = execFileSync('pgrep', ['-af', 'jest'], { encoding: 'utf8' }).trim();
    } catch {
      busy = '';
    }
    if (!busy) return;
    if (Date.now() > deadline) throw new Error(`another jest run is still going:\n${busy}`);
    log('another jest run uses Asterisk; waiting');
    await sleep(10_000);
  }
}

function histogram(metrics: string, name: string, label?: string): { le: number; count: number }[] {
  const out: { le: number; count: number }[] = [];
  const re = new RegExp(`^${name}_bucket\\{([^}]*)\\} (\\d+)`, 'gm');
  for (let m = re.exec(metrics); m; m = re.exec(metrics)) {
    const labels = m[1]!;
    if (label && !labels.split(',').includes(label)) continue;
    const le = /le="([^"]+)"/.exec(labels)?.[1];
    out.push({ le: le === '+Inf' ? Infinity : Number(le), count: Number(m[2]) });
  }
  return out;
}
function histQuantile(b: { le: number; count: number }[], q: number): string {
  const total = b.at(-1)?.count ?? 0;
  if (!total) return 'n/a';
  const hit = b.find((x) => x.count >= q * total)!;
  return hit.le === Infinity ? '> 1000 ms' : `≤ ${hit.le * 1000} ms`;
}
function histSum(metrics: string, name: string): { sum: number; count: number } {
  const sum = Number(new RegExp(`^${name}_sum (\\S+)`, 'm').exec(metrics)?.[1] ?? NaN);
  const count = Number(new RegExp(`^${name}_count (\\S+)`, 'm').exec(metrics)?.[1] ?? NaN);
  return { sum, count };
}

function sippVersion(): string {
  try {
    return execFileSync('sipp', ['-v'], { encoding: 'utf8' }).match(/SIPp v[\w.-]+/)?.[0] ?? '?';
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? '').match(/SIPp v[\w.-]+/)?.[0] ?? '?';
  }
}

// --- main ----------------------------------------------------------------------------
async function main(): Promise<void> {
  const startedAt = new Date();
  if (new Date().getTimezoneOffset() !== 0 || (process.env.TZ && process.env.TZ !== 'UTC'))
    throw new Error('run with TZ=UTC: SIPp logs local time');
  await waitForQuietMachine();
  let jestAtStart = '';
  try {
    jestAtStart =
      execFileSync('pgrep', ['-f', 'node .*jest'], { encoding: 'utf8' }).trim().split('\n').length +
      ' process(es)';
  } catch {
    jestAtStart = '';
  }
  const loadBefore = loadavg();
  if (LOAD_NICE) setPriority(0, LOAD_NICE);
  log(`load average before: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);

  let db: TestDatabase | undefined;
  let child: ReturnType<typeof fork> | undefined;
  let voters: Sipp | undefined;
  let watcher: AriWatcher | undefined;
  let capture: WireCapture | undefined;
  const agents: Agent[] = [];
  const sipps: Sipp[] = [];
  let extensionAdded = false;
  const notes: string[] = [];
  try {
    db = await createTestDatabase('pb_bench', 4);
    const campaign = await newCampaign(db.ds);
    await appendCredit(db.ds, { campaignId: campaign.id, amountCents: 10_000_000, reason: 'bench top-up' });
    const numbers = queueNumbers();
    const projectId = await powerProject(
      db.ds,
      campaign.id,
      numbers.map((n) => ({ number: n })),
    );
    // The trunk's own limits must not be what the benchmark measures: a calls-per-second limit
    // spaces a burst of clicks by design (200/s, the simulated trunk's setting, spaces 50 clicks
    // over 250 ms). The bench trunk allows 1,000 calls and 1,000 calls a second.
    await db.ds.query(
      `UPDATE trunks SET max_concurrent_calls = 1000, max_calls_per_second = 1000 WHERE name = 'voter-trunk'`,
    );
    // The queue hands phones out by (attempts, accuracy score, queued_at, id): with one import and
    // one score they would go out in number order (all X=0 first). Random scores mix the behaviours.
    await db.ds.query(
      `UPDATE queue_entries SET accuracy_score = floor(random() * 101) WHERE project_id = $1`,
      [projectId],
    );
    await db.ds.query(`ANALYZE queue_entries`);
    const queued = await rows<{ n: string }>(
      db.ds,
      `SELECT count(*) AS n FROM queue_entries WHERE project_id = $1`,
      [projectId],
    );
    log(`project ${projectId}: ${numbers.length} phones, ${queued[0].n} queue entries`);
    const tokens: string[] = [];
    for (let i = 0; i < VOLUNTEERS; i++) tokens.push((await newUser(db.ds, campaign.id, 'volunteer')).token);
    // volunteers only see projects granted to them
    await db.ds.query(
      `INSERT INTO project_access (project_id, user_id) SELECT $1, id FROM users WHERE campaign_id = $2 ON CONFLICT DO NOTHING`,
      [projectId, campaign.id],
    );

    // the orchestrator, in its own process
    child = fork(join(__dirname, 'power-dial-orchestrator.ts'), [], {
      execArgv: [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        ...(process.env.BENCH_CPU_PROF_DIR
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`]
          : []),
      ],
      env: {
        ...process.env,
        BENCH_DB_URL: db.url,
        BENCH_RING_TIMEOUT_SECONDS: String(RING_TIMEOUT_SECONDS),
        BENCH_ARI_APP: BENCH_APP,
        TS_NODE_TRANSPILE_ONLY: '1',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const childRef = child;
    // the orchestrator is the system under test: back to the default priority (needs root)
    if (LOAD_NICE) setPriority(child.pid!, 0);
    const waitMsg = <T>(type: string, send?: { type: string }): Promise<T> =>
      new Promise((resolve, reject) => {
        const on = (m: { type: string }) => {
          if (m.type === type) {
            childRef.off('message', on);
            resolve(m as T);
          } else if (m.type === 'fatal') reject(new Error((m as unknown as { message: string }).message));
        };
        childRef.on('message', on);
        if (send) childRef.send(send);
      });
    const ready = await waitMsg<{ base: string; pid: number }>('ready');
    log(`orchestrator up at ${ready.base} (pid ${ready.pid})`);
    const bySession = new Map<string, Agent>();
    const unknownUpdates: Update[] = [];
    child.on('message', (m: { type: string }) => {
      if (m.type !== 'update') return;
      const u = m as Update;
      const a = bySession.get(u.sessionId);
      if (a) a.onUpdate(u);
      else unknownUpdates.push(u);
    });

    voters = await startVoterTrunk(120_000);
    watcher = new AriWatcher();
    await watcher.open();
    const orchestratorPort = Number(new URL(ready.base).port);
    const ariPort = Number(new URL(ariBase).port || 80);
    const sipPort = Number(SIP.split(':')[1]);
    capture = await WireCapture.start(
      `udp port 5070 or udp dst port ${sipPort} or tcp dst port ${orchestratorPort} or tcp dst port ${ariPort}`,
    );

    // --- floor, idle machine ---------------------------------------------------------
    asteriskCli(
      `dialplan add extension ${FLOOR_EXTEN},1,Dial(PJSIP/\${EXTEN:2}@voter-trunk,10) into phonebank-dialin`,
    );
    asteriskCli(
      `dialplan add extension ${DIALIN_EXTEN},1,Stasis(${BENCH_APP},dial-in,\${EXTEN:2}) into phonebank-dialin`,
    );
    extensionAdded = true;
    const floorIdleRaw = await runFloors(watcher, FLOOR_CALLS, 'idle');

    // --- 50 volunteers dial in --------------------------------------------------------
    const usage0 = await waitMsg<{ cpu: NodeJS.CpuUsage; mem: NodeJS.MemoryUsage; t: number }>('usage', {
      type: 'usage',
    });
    const scenarioDir = mkdtempSync(join(tmpdir(), 'pbbench-vol-'));
    for (let i = 0; i < VOLUNTEERS; i++) {
      const api = async <T>(method: string, path: string, body?: unknown) => {
        const res = await fetch(`${ready.base}/api${path}`, {
          method,
          headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as T };
      };
      const started = await api<{ sessionId: string; pin: string }>('POST', '/dial-sessions', {
        projectId,
        mode: 'phone',
      });
      if (started.status !== 201)
        throw new Error(`start session: ${started.status} ${JSON.stringify(started.body)}`);
      const a = new Agent(i, tokens[i], started.body.sessionId, started.body.pin, ready.base);
      // At a human pace a volunteer starts calling once their own leg has joined, as at a real
      // phone bank where people arrive over minutes; the stress pace waits for everyone and
      // then has all of them click at once (the opening burst).
      if (PACE_NAME === 'human') a.stopping = false;
      agents.push(a);
      bySession.set(a.sessionId, a);
      const dir = mkdtempSync(join(scenarioDir, `v${i}-`));
      const file = join(dir, 'volunteer.xml');
      writeFileSync(
        file,
        volunteerScenario({ pins: [a.pin], holdMs: CALLING_MS + DRAIN_MS + 300_000, promptMs: 800 }, dir),
      );
      a.phone = await volunteerUac(file, 5400 + 2 * i, 30000 + 4 * i);
      sipps.push(a.phone);
    }
    const joinDeadline = Date.now() + 120_000;
    while (agents.some((a) => !a.joined)) {
      if (Date.now() > joinDeadline) {
        const missing = agents.filter((a) => !a.joined);
        throw new Error(
          `${missing.length} volunteers never joined (stages: ${missing.map((a) => a.stage).join(',')})`,
        );
      }
      await sleep(200);
    }
    log(`${VOLUNTEERS} volunteers joined; calling for ${CALLING_MS / 1000} s`);

    // --- calling ----------------------------------------------------------------------
    const usage1 = await waitMsg<{ cpu: NodeJS.CpuUsage; mem: NodeJS.MemoryUsage; t: number }>('usage', {
      type: 'usage',
    });
    child.send({ type: 'peak-reset' });
    const cpuGroups = {
      orchestrator: [child.pid!],
      asterisk: 'asterisk',
      postgres: 'postgres',
      sipp: 'sipp',
      bench: [process.pid],
      tcpdump: 'tcpdump',
    };
    const cpu1 = { groups: cpuSeconds(cpuGroups), machine: machineCpu() };
    const callingStart = wall();
    const loadSamples: number[] = [];
    const stuck = new Set<string>();
    let queueEmptyTooEarly = false;
    // floor under load: one plain-ARI call every 3 s, and a Dial() SIPp at one call per 3 s
    const loadedFloor = loadedFloors(watcher, CALLING_MS);
    for (const a of agents) a.stopping = false;
    for (const a of agents)
      if (a.stage === 'idle' && !a.clickPending)
        a.onUpdate({
          type: 'update',
          t: wall(),
          sessionId: a.sessionId,
          stage: 'idle',
          call: null,
          pauseReason: null,
          endReason: null,
          notice: null,
        });
    while (wall() - callingStart < CALLING_MS) {
      await sleep(1000);
      loadSamples.push(loadavg()[0]);
      for (const a of agents) {
        if (a.stage !== 'idle' && Date.now() - a.stageSince > STUCK_MS)
          stuck.add(`${a.sessionId} in ${a.stage} for > ${STUCK_MS / 1000} s`);
      }
      if (agents.every((a) => a.done)) {
        const attempts = await rows<{ n: string }>(
          db.ds,
          `SELECT count(*) AS n FROM call_attempts WHERE project_id = $1`,
          [projectId],
        );
        const left = numbers.length - Number(attempts[0].n);
        notes.push(
          `every session was told "queue empty" before the end of the calling time, with ${left} of ${numbers.length} phones never attempted`,
        );
        if (left > 0) queueEmptyTooEarly = true;
        break;
      }
    }
    for (const a of agents) a.stopping = true;
    log('calling time over; letting calls in progress finish');
    const drainDeadline = Date.now() + DRAIN_MS;
    while (agents.some((a) => a.stage !== 'idle' || a.clickPending)) {
      if (Date.now() > drainDeadline) {
        for (const a of agents.filter((x) => x.stage !== 'idle'))
          stuck.add(`${a.sessionId} still ${a.stage} ${DRAIN_MS / 1000} s after the calling time`);
        break;
      }
      await sleep(250);
    }
    const callingEnd = wall();
    const cpu2 = { groups: cpuSeconds(cpuGroups), machine: machineCpu() };
    const usage2 = await waitMsg<{
      cpu: NodeJS.CpuUsage;
      mem: NodeJS.MemoryUsage;
      t: number;
      peakRss: number;
      peakHeap: number;
    }>('usage', { type: 'usage' });
    const floorLoadedRaw = await loadedFloor;
    const metrics = await (
      await fetch(`${ready.base}/metrics`, { signal: AbortSignal.timeout(10_000) })
    ).text();
    const stuckDetail = await rows<{ stage: string; n: string }>(
      db.ds,
      `SELECT stage, count(*) AS n FROM dial_sessions GROUP BY stage ORDER BY 2 DESC`,
    );
    const attemptsTotal = Number(
      (
        await rows<{ n: string }>(db.ds, `SELECT count(*) AS n FROM call_attempts WHERE project_id = $1`, [
          projectId,
        ])
      )[0].n,
    );

    // --- end sessions -----------------------------------------------------------------
    for (const a of agents) {
      a.endRequested = true;
      try {
        const r = await a.api<{ accepted: boolean }>('POST', `/dial-sessions/${a.sessionId}/end`);
        if (r.status !== 200 || !r.body.accepted)
          a.failures.push(`end refused: ${r.status} ${JSON.stringify(r.body)}`);
      } catch (e) {
        a.failures.push(`"end" got no answer in 10 s (stage ${a.stage}): ${String(e).slice(0, 80)}`);
      }
    }
    const endDeadline = Date.now() + 30_000;
    while (agents.some((a) => a.stage !== 'ended') && Date.now() < endDeadline) await sleep(200);
    for (const a of agents)
      if (a.stage !== 'ended') a.failures.push(`not ended 30 s after "end" (stage ${a.stage})`);
    const exitCodes = await Promise.all(
      sipps.map((s) => Promise.race([s.exited(), sleep(20_000).then(() => -999)])),
    );
    exitCodes.forEach((c, i) => {
      if (c !== 0) agents[i].failures.push(`volunteer SIPp exited ${c}: ${sipps[i].errors().slice(-300)}`);
    });
    const openAttempts = await rows<{ n: string }>(
      db.ds,
      `SELECT count(*) AS n FROM call_attempts WHERE project_id = $1 AND outcome IS NULL AND released_at IS NULL`,
      [projectId],
    );
    const givenBack = await rows<{ n: string; dialed: string }>(
      db.ds,
      `SELECT count(*) AS n, count(dial_started_at) AS dialed FROM call_attempts
       WHERE project_id = $1 AND outcome IS NULL AND released_at IS NOT NULL`,
      [projectId],
    );
    const liveSessions = await rows<{ n: string }>(
      db.ds,
      `SELECT count(*) AS n FROM dial_sessions WHERE stage <> 'ended'`,
    );
    const outcomes = await rows<{ outcome: string | null; n: string }>(
      db.ds,
      `SELECT outcome, count(*) AS n FROM call_attempts WHERE project_id = $1 GROUP BY outcome ORDER BY 2 DESC`,
      [projectId],
    );
    await sleep(1000);
    const app = (await (await ariRest('GET', `/applications/${BENCH_APP}`)).json()) as {
      channel_ids?: string[];
      bridge_ids?: string[];
    };
    // app.close() awaits every session's event queue: a wedged session hangs it (seen in runs).
    const closed = await Promise.race([
      waitMsg<{ errors: string[]; warnings: string[] }>('closed', { type: 'close' }),
      sleep(15_000).then(() => ({
        errors: ['orchestrator shutdown (app.close) did not finish in 15 s; killed'],
        warnings: [] as string[],
      })),
    ]);
    if (child.exitCode === null)
      await Promise.race([new Promise((r) => childRef.once('exit', r)), sleep(10_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
    child = undefined;

    // --- analysis ---------------------------------------------------------------------
    await voters.stop();
    const wireStopped = await capture.stop();
    const wire = indexWire(capture.file, orchestratorPort, ariPort, sipPort);
    capture = undefined;
    const vmsgs = parseSippLog(join(voters.dir, 'messages.log'));
    const calls = voterCalls(vmsgs);
    const benchClicks = agents.flatMap((a) => a.clicks).filter((c) => c.phone);
    const steadyFrom = callingStart + 10_000;
    const enteredById = new Map(watcher.entered.map((e) => [`${e.channelId}|${e.bridgeId.slice(0, 8)}`, e]));
    // As the load generator saw it: fetch() hand-off → SIPp's log.
    const seen = measurePowerDial(benchClicks, calls, enteredById, steadyFrom);
    // On the wire: the call request's first TCP segment reaching the orchestrator's port → the
    // INVITE reaching the voter trunk's port; the 200 OK leaving it → ChannelEnteredBridge.
    const wireClicks: Click[] = [];
    let clicksNotOnWire = 0;
    for (const a of agents) {
      const posts = [...(wire.callPosts.get(a.sessionId) ?? [])].sort((x, y) => x - y);
      let next = 0;
      for (const c of a.clicks) {
        while (next < posts.length && posts[next]! < c.t - 20) next += 1;
        if (next >= posts.length) {
          clicksNotOnWire += 1;
          continue;
        }
        if (c.phone) wireClicks.push({ ...c, t: posts[next]! });
        next += 1;
      }
    }
    const onWire = measurePowerDial(wireClicks, wire.voterCalls, enteredById, steadyFrom);
    const bench = onWire.all;
    const steady = onWire.steady;
    const unmatched = onWire.unmatched;
    const cpu = { user: usage2.cpu.user - usage1.cpu.user, system: usage2.cpu.system - usage1.cpu.system };
    const callingSeconds = (callingEnd - callingStart) / 1000;
    const failedSessions = agents.filter((a) => a.failures.length > 0);
    const clickRefusals = agents
      .flatMap((a) => a.failures)
      .filter((x) => x.startsWith('click refused')).length;
    const h = {
      click: histogram(metrics, 'phonebank_click_to_invite_seconds'),
      bridge: histogram(metrics, 'phonebank_answer_to_bridge_seconds'),
      clickSum: histSum(metrics, 'phonebank_click_to_invite_seconds'),
      bridgeSum: histSum(metrics, 'phonebank_answer_to_bridge_seconds'),
      stages: (['wait', 'claim', 'line', 'originate'] as const).map((stage) => {
        const b = histogram(metrics, 'phonebank_click_stage_seconds', `stage="${stage}"`);
        return `${stage} p50 ${histQuantile(b, 0.5)}, p99 ${histQuantile(b, 0.99)}`;
      }),
    };
    const floors = {
      idle: analyseFloors(floorIdleRaw, vmsgs, watcher, wire),
      loaded: analyseFloors(floorLoadedRaw, vmsgs, watcher, wire),
    };
    const floorsSeen = {
      idle: analyseFloors(floorIdleRaw, vmsgs, watcher),
      loaded: analyseFloors(floorLoadedRaw, vmsgs, watcher),
    };
    const loadAfter = loadavg();

    // --- report -----------------------------------------------------------------------
    const target = (ok: boolean) => (ok ? '**met** ✅' : '**not met** ❌');
    const floorBridgeP99 = floors.loaded.ariBridge.n
      ? floors.loaded.ariBridge.p99
      : floors.idle.ariBridge.p99;
    const dialBridgeP99 = floors.loaded.dialBridge.n
      ? floors.loaded.dialBridge.p99
      : floors.idle.dialBridge.p99;
    const row = (name: string, s: Summary) =>
      `| ${name} | ${s.n} | ${f(s.p50)} | ${f(s.p99)} | ${f(s.max)} |`;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const md = `# Power-dial speed benchmark (issue 4, "Speed"), ${PACE_NAME} pace

Generated by \`tests/bench/power-dial.bench.ts\` on ${startedAt.toISOString()} (run took ${((Date.now() - startedAt.getTime()) / 60000).toFixed(1)} min).

## Machine

- Host \`${hostname()}\`, Linux ${release()}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}
- Asterisk: ${asteriskCli('core show version').trim().split('\n')[0]}; SIPp ${sippVersion()}; PostgreSQL local
- Load average (1/5/15 min): before ${loadBefore.map((x) => x.toFixed(2)).join(' / ')}; during the calling time (1-min, min/median/max) ${f(Math.min(...loadSamples))} / ${f(pct(loadSamples, 50))} / ${f(Math.max(...loadSamples))}; after ${loadAfter.map((x) => x.toFixed(2)).join(' / ')}
- The machine is shared with other engineers' sessions: the load average includes their work ${process.env.BENCH_IGNORE_JEST === '1' ? `(BENCH_IGNORE_JEST=1: started while another jest run was listed — ${jestAtStart || 'none'} — that run held no SIP port; the benchmark's own Stasis app keeps the two apart)` : '(this run waited for no other jest run to be active when it started)'}.

## Set-up

- ${VOLUNTEERS} volunteers, each its own power-dial session (mode \`phone\`) on one shared project, each dialed in by its own SIPp UAC process${TIMER_RESOL ? ` with \`-timer_resol ${TIMER_RESOL}\`` : ' (SIPp default timer resolution, 1 ms)'} (dial-in number, PIN typed by RFC 4733 DTMF, renumbered pcaps as in tests/support/volunteer-phone.ts), all on the local Asterisk.
- Voters: one SIPp UAS (\`tests/sipp/voter-trunk.xml\`, port 5070). Queue: ${numbers.length} phones (queue entries given random accuracy scores so that the hand-out order mixes behaviours) \`+1 NPA 555-0WXY\` (NPA ∈ ${NPAS.join(', ')}, W=0, V=2…8, X the behaviour): X=0,1,9 answer and stay, 2 answers then hangs up at 2 s, 7 answering machine (answers), 3 busy 486, 4 rings for ever (no answer), 5 → 404, 6 → 503. 555-09XY is used only by the floor calls; 555-01XX never.
- Trunk \`voter-trunk\` limits for the run: 1,000 concurrent calls, 1,000 calls a second (so that the trunk limiter, which spaces a burst of clicks by the trunk's calls per second, is not what is measured).
- Pace **${PACE_NAME}** (BENCH_PACE): ${PACE_NAME === 'human' ? 'volunteers at a human pace (still brisk for a phone bank, where conversations run longer).' : 'a capacity test at about ten times the call rate of a real phone bank; see power-dial-bench.md for the human pace.'} No-answer limit **RING_TIMEOUT_SECONDS=${RING_TIMEOUT_SECONDS}**${RING_TIMEOUT_SECONDS === 60 ? ' (the real one)' : ' (instead of 60, so that the no-answer share ends sooner)'}.
- Each volunteer ("browser" played by this process over HTTP; session updates are forwarded from the orchestrator process over IPC in place of Socket.IO): when its session is idle, waits ${PACE.think[0]}–${PACE.think[1]} ms and POSTs \`/call\`; when connected, POSTs \`/hangup\` after ${PACE.talk[0] / 1000}–${PACE.talk[1] / 1000} s (unless the voter hung up first); in wrap-up, waits ${PACE.wrapUp[0]}–${PACE.wrapUp[1]} ms and POSTs \`/outcome\` (70 % successful, 30 % refused). Busy / failure / no answer are recorded by the engine (no click).
- ${PACE_NAME === 'human' ? 'Each volunteer starts calling as soon as their own leg has joined (they dial in one after the other over about a minute, as people arrive at a real phone bank); the calling time counts from when the last one joined, and the calls placed before it are measured too.' : 'Every volunteer waits until the last one has joined; then all click within the same half second (the opening burst, a worst case kept apart in the results).'}
- Calling time ${f(callingSeconds)} s (target ${CALLING_MS / 1000} s, then clicks stop and calls in progress finish, hard stop ${DRAIN_MS / 1000} s later). Then every session is ended over HTTP.
- The orchestrator runs in a child process (\`tests/bench/power-dial-orchestrator.ts\`, OrchestratorHarness with its daytime clock) so that its CPU and memory are measured alone.
- Priorities: ${LOAD_NICE ? `the load generator — this process (the browsers) and every SIPp it starts — runs at nice ${LOAD_NICE}; the system under test (orchestrator, Asterisk, PostgreSQL) at 0. On a real install the phones and the browsers are not on the server; here they share its ${cpus().length} cores, and would otherwise take them from the engine whenever they are busy. What is measured is on the wire, so a phone or browser waiting for a core does not lengthen it.` : 'everything at the default priority (BENCH_LOAD_NICE=0).'}

## What is measured, precisely

- **On the wire** (the figures the targets are judged by): \`tcpdump -i lo\` captures, with the kernel's timestamps (ns), the SIP messages to and from the voter trunk (UDP 5070), the INVITEs reaching Asterisk's SIP port, and the HTTP requests reaching the orchestrator's and ARI's ports (${wire.packets} packets kept; the kernel dropped ${wireStopped.dropped}). SIPp and this process run on the same 2 cores as the system under test, so when they wait for a core their own timestamps (the fetch() hand-off, SIPp's message log) include that wait; the wire does not.
- **click-to-INVITE**: the first TCP segment of the volunteer's \`POST /api/dial-sessions/:id/call\` reaching the orchestrator's port → the INVITE for that session's attempt reaching the voter trunk's port (matched by the dialed number shown in the session's \`dialing\` update; first INVITE for that number after the click). It includes reading the HTTP request, bearer auth, the queue claim (made while the volunteer was idle and confirmed at the click — same calling hours and filters, lease held, not DNC since — or made at the click when there is none), the trunk line (taken at the click, alongside the confirmation), the originate over ARI, Asterisk's PJSIP dial and the UDP hop.
- **answer-to-bridge**: the voter trunk's \`200 OK\` for that INVITE leaving its port → the \`timestamp\` of the ARI \`ChannelEnteredBridge\` event for that voter channel (channel id = attempt id) entering \`session-<id>\` (the volunteer's bridge), received on a second ARI WebSocket (app \`${FLOOR_APP}\`, \`subscribeAll=true\`). Asterisk stamps events in milliseconds, so this figure has ±1 ms resolution. It includes Asterisk processing the 200 OK, the StasisStart going to the orchestrator over the WebSocket, the session machine and the \`addChannel\` request.
- **As the load generator saw it** (reported beside): the same, from wall-clock time (performance.timeOrigin + performance.now()) at which this process hands the request to fetch(), and from the µs timestamps SIPp writes in its message log for the INVITE it received and the 200 OK it sent.
- The orchestrator's own histograms are reported beside (they measure less: \`phonebank_click_to_invite_seconds\` is from the call request reaching DialSessionService.call() to ARI accepting the originate; \`phonebank_answer_to_bridge_seconds\` from the StasisStart reaching the orchestrator to \`addChannel\` returning). Their quantiles are only known to a bucket.
- **Floor, plain ARI**: this process POSTs \`/ari/channels\` (endpoint \`PJSIP/+1202555090Y@voter-trunk\`, its own Stasis app) and, on StasisStart, POSTs \`/bridges/<pre-created mixing bridge>/addChannel\`. Click = the POST reaching ARI's port (on the wire) or handed to fetch() (as seen); same INVITE / 200 OK / ChannelEnteredBridge timestamps as above.
- **Floor, plain dialplan Dial()**: a SIPp volunteer UAC calls \`99+12025550910\`; a run-time-only extension \`${FLOOR_EXTEN}\` added to context \`phonebank-dialin\` with \`dialplan add extension\` (removed at the end; asterisk/etc/*.conf untouched) runs \`Dial(PJSIP/\${EXTEN:2}@voter-trunk,10)\`. Click = the volunteer's INVITE reaching Asterisk's SIP port (on the wire) or SIPp's log of sending it (as seen); answer-to-bridge = voter 200 OK sent → ChannelEnteredBridge of the voter channel into Dial()'s bridge.
- Isolation: the orchestrator connects as Stasis app \`${BENCH_APP}\` (not \`phonebank\`); the volunteers' SIPp dial \`98+15550000100\`, which a run-time-only extension \`${DIALIN_EXTEN}\` in \`phonebank-dialin\` sends to \`Stasis(${BENCH_APP},dial-in,…)\` — the same handling as the provisioned dial-in extension, which hard-codes the app name. Both run-time extensions are removed at the end.
- Floors are measured twice: on the idle machine before the volunteers dial in (${FLOOR_CALLS} calls of each kind, one at a time), and **under load**, during the calling time (one plain-ARI call and one Dial() call every 3 s, interleaved with the benchmark). The targets are judged against the floor under load.

## Results

All times in ms.

On the wire:

| Measure | n | p50 | p99 | max |
|---|---|---|---|---|
${row('Power dial: click-to-INVITE', bench.click)}
${row('Power dial: answer-to-bridge', bench.bridge)}
${row('Power dial after the first 10 s (without the opening burst): click-to-INVITE', steady.click)}
${row('Power dial after the first 10 s: answer-to-bridge', steady.bridge)}
${row('Floor under load, ARI originate: POST-to-INVITE', floors.loaded.ariClick)}
${row('Floor under load, ARI: answer-to-bridge', floors.loaded.ariBridge)}
${row('Floor under load, Dial(): INVITE-in-to-INVITE-out', floors.loaded.dialClick)}
${row('Floor under load, Dial(): answer-to-bridge', floors.loaded.dialBridge)}
${row('Floor idle, ARI originate: POST-to-INVITE', floors.idle.ariClick)}
${row('Floor idle, ARI: answer-to-bridge', floors.idle.ariBridge)}
${row('Floor idle, Dial(): INVITE-in-to-INVITE-out', floors.idle.dialClick)}
${row('Floor idle, Dial(): answer-to-bridge', floors.idle.dialBridge)}

As the load generator saw it (its own clock and SIPp's log):

| Measure | n | p50 | p99 | max |
|---|---|---|---|---|
${row('Power dial: click-to-INVITE', seen.all.click)}
${row('Power dial: answer-to-bridge', seen.all.bridge)}
${row('Power dial after the first 10 s: click-to-INVITE', seen.steady.click)}
${row('Power dial after the first 10 s: answer-to-bridge', seen.steady.bridge)}
${row('Floor under load, ARI originate: POST-to-INVITE', floorsSeen.loaded.ariClick)}
${row('Floor under load, ARI: answer-to-bridge', floorsSeen.loaded.ariBridge)}
${row('Floor under load, Dial(): INVITE-in-to-INVITE-out', floorsSeen.loaded.dialClick)}
${row('Floor under load, Dial(): answer-to-bridge', floorsSeen.loaded.dialBridge)}

Orchestrator histograms (in-process): \`phonebank_click_to_invite_seconds\` n=${h.clickSum.count}, mean ${f((h.clickSum.sum / h.clickSum.count) * 1000)} ms, p50 ${histQuantile(h.click, 0.5)}, p99 ${histQuantile(h.click, 0.99)}; \`phonebank_answer_to_bridge_seconds\` n=${h.bridgeSum.count}, mean ${f((h.bridgeSum.sum / h.bridgeSum.count) * 1000)} ms, p50 ${histQuantile(h.bridge, 0.5)}, p99 ${histQuantile(h.bridge, 0.99)}. Where click-to-INVITE goes in the orchestrator (\`phonebank_click_stage_seconds\`: waiting for the session's turn, the queue claim, the trunk line, the ARI originate): ${h.stages.join('; ')}.

### Targets

| Target | Result |
|---|---|
| p99 click-to-INVITE < 50 ms | ${f(bench.click.p99)} ms — ${target(bench.click.p99 < 50)} |
| p99 answer-to-bridge < 50 ms | ${f(bench.bridge.p99)} ms — ${target(bench.bridge.p99 < 50)} |
| p99 answer-to-bridge ≤ floor + 20 ms (floor = plain ARI under load, p99 ${f(floorBridgeP99)} ms; Dial() p99 ${f(dialBridgeP99)} ms) | ${overFloor(bench.bridge.p99 - floorBridgeP99, 'ARI')}, ${overFloor(bench.bridge.p99 - dialBridgeP99, 'Dial()')} — ${target(bench.bridge.p99 - Math.min(floorBridgeP99, dialBridgeP99) <= 20)} (judged against the lower of the two floors) |
| zero failed sessions | ${failedSessions.length} failed — ${target(failedSessions.length === 0)} |
| zero stuck sessions (a non-idle stage > ${STUCK_MS / 1000} s, or not idle ${DRAIN_MS / 1000} s after the calling time, or not ended after "end") | ${stuck.size} stuck — ${target(stuck.size === 0)} |

### Calls and sessions

- Calls placed by the sessions: ${benchClicks.length}, ${benchClicks.filter((c) => c.t >= callingStart).length} of them in the calling time (${(benchClicks.filter((c) => c.t >= callingStart && c.t <= callingEnd).length / callingSeconds).toFixed(1)} calls/s); clicks matched to a voter INVITE on the wire: ${bench.click.n} (unmatched ${unmatched}; clicks not found on the wire ${clicksNotOnWire}; as seen: matched ${seen.all.click.n}, unmatched ${seen.unmatched}); answered calls bridged and measured: ${bench.bridge.n}; calls answered per volunteer (mean): ${(agents.reduce((s, a) => s + a.answered, 0) / agents.length).toFixed(1)}.
- Outcomes in \`call_attempts\`: ${outcomes.map((o) => `${o.outcome ?? 'none'} ${o.n}`).join(', ')}.
- After the run: open (unreleased, no outcome) attempts ${openAttempts[0].n}; phones claimed ahead and given back undialed (the "none" outcomes above: each session's next phone, claimed while it was idle, returned when it ended) ${givenBack[0].n}, of them dialed ${givenBack[0].dialed}; dial sessions not ended ${liveSessions[0].n}; channels still in the orchestrator's Stasis app ${app.channel_ids?.length ?? '?'}, bridges ${app.bridge_ids?.length ?? '?'}; volunteer SIPp exit codes ${[...new Set(exitCodes)].join(',')}.
- At the end of the calling time (after the drain): dial_sessions by stage ${stuckDetail.map((r) => `${r.stage} ${r.n}`).join(', ')}; attempts ${attemptsTotal}, originates measured by the orchestrator's histogram ${h.clickSum.count}; \`phonebank_voter_channels\` gauge ${/^phonebank_voter_channels (\S+)/m.exec(metrics)?.[1] ?? '?'}.
- Clicks refused by the engine: ${clickRefusals}. Orchestrator log: ${closed.errors.length} errors, ${closed.warnings.length} warnings.${closed.errors.length ? `\n\n  First errors:\n\n  \`\`\`\n  ${closed.errors.slice(0, 10).join('\n  ')}\n  \`\`\`` : ''}
${
  failedSessions.length
    ? `- Failed sessions:\n${failedSessions
        .slice(0, 10)
        .map((a) => `  - ${a.sessionId}: ${a.failures.slice(0, 3).join('; ')}`)
        .join('\n')}`
    : ''
}
${
  stuck.size
    ? `- Stuck:\n${[...stuck]
        .slice(0, 10)
        .map((s) => `  - ${s}`)
        .join('\n')}`
    : ''
}
${notes.map((n) => `- Note: ${n}`).join('\n')}

### CPU of the machine over the calling time

${cpuTable(cpu1, cpu2, callingSeconds)}

### Orchestrator CPU and memory

- CPU over the calling time (${f(callingSeconds)} s): user ${(cpu.user / 1000).toFixed(0)} ms + system ${(cpu.system / 1000).toFixed(0)} ms = ${(cpuMs / 1000).toFixed(1)} s, i.e. **${((cpuMs / 1000 / callingSeconds) * 100).toFixed(1)} % of one core** in all, **${((cpuMs / 1000 / callingSeconds / VOLUNTEERS) * 100).toFixed(2)} % of a core per volunteer**, ${(cpuMs / Math.max(1, benchClicks.length)).toFixed(1)} ms CPU per call.
- Memory: RSS ${(usage0.mem.rss / 2 ** 20).toFixed(0)} MiB before the dial-ins, ${(usage1.mem.rss / 2 ** 20).toFixed(0)} MiB with ${VOLUNTEERS} volunteers joined, ${(usage2.mem.rss / 2 ** 20).toFixed(0)} MiB after the calling time (peak ${(usage2.peakRss / 2 ** 20).toFixed(0)} MiB); heap used ${(usage0.mem.heapUsed / 2 ** 20).toFixed(1)} → ${(usage1.mem.heapUsed / 2 ** 20).toFixed(1)} → ${(usage2.mem.heapUsed / 2 ** 20).toFixed(1)} MiB (peak ${(usage2.peakHeap / 2 ** 20).toFixed(1)}). Per volunteer: RSS ${((usage2.mem.rss - usage0.mem.rss) / VOLUNTEERS / 1024).toFixed(0)} KiB, heap ${((usage2.mem.heapUsed - usage0.mem.heapUsed) / VOLUNTEERS / 1024).toFixed(0)} KiB (GC-dependent; indicative only).

## How to run

\`\`\`
bash asterisk/provision.sh start
TZ=UTC TS_NODE_TRANSPILE_ONLY=1 npx ts-node -r tsconfig-paths/register tests/bench/power-dial.bench.ts
TZ=UTC BENCH_PACE=stress TS_NODE_TRANSPILE_ONLY=1 npx ts-node -r tsconfig-paths/register tests/bench/power-dial.bench.ts
\`\`\`

Not part of \`npm test\` (the file is not matched by any Jest project). It waits (up to 10 min) while another jest run is active, since both would use SIP port 5070 (the voter trunk). The orchestrator runs as its own Stasis app \`${BENCH_APP}\`, reached by a run-time-only extension \`${DIALIN_EXTEN}\` in \`phonebank-dialin\` (volunteers dial \`98+15550000100\`), so a test run started meanwhile cannot take the app over.
`;
    writeFileSync(REPORT, md);
    log(`report written to ${REPORT}`);
    process.stdout.write(md);
    const ok =
      !queueEmptyTooEarly &&
      benchClicks.length > 0 &&
      failedSessions.length === 0 &&
      stuck.size === 0 &&
      Number(openAttempts[0].n) === 0 &&
      Number(liveSessions[0].n) === 0;
    if (!ok) {
      log('ASSERTION FAILED: failed or stuck sessions (see report)');
      process.exitCode = 1;
    }
  } finally {
    for (const s of sipps) await s.stop().catch(() => undefined);
    await voters?.stop().catch(() => undefined);
    watcher?.close();
    if (extensionAdded) {
      try {
        asteriskCli(`dialplan remove extension ${FLOOR_EXTEN}@phonebank-dialin`);
        asteriskCli(`dialplan remove extension ${DIALIN_EXTEN}@phonebank-dialin`);
      } catch (e) {
        log(`could not remove the floor extension: ${String(e)}`);
      }
    }
    if (child) child.kill('SIGTERM');
    await capture?.stop().catch(() => undefined);
    await db?.drop().catch(() => undefined);
  }
}

/** "+3.2 ms over ARI" or "3.9 ms under ARI" (a floor measured under load can be the slower). */
function overFloor(ms: number, floor: string): string {
  return ms >= 0 ? `+${ms.toFixed(1)} ms over ${floor}` : `${(-ms).toFixed(1)} ms under ${floor}`;
}

// --- CPU -----------------------------------------------------------------------------
interface CpuSnapshot {
  groups: Record<string, number>;
  machine: { busy: number; total: number };
}
function cpuTable(a: CpuSnapshot, b: CpuSnapshot, seconds: number): string {
  const cores = cpus().length;
  const busy = b.machine.busy - a.machine.busy;
  const lines = Object.keys(b.groups).map((k) => {
    const used = b.groups[k]! - (a.groups[k] ?? 0);
    return `| ${k} | ${used.toFixed(1)} | ${((used / seconds) * 100).toFixed(0)} % |`;
  });
  const named = Object.keys(b.groups).reduce((s, k) => s + b.groups[k]! - (a.groups[k] ?? 0), 0);
  // The processes' counters are exact (the scheduler's run time); the machine's are sampled at
  // each timer tick, which misses short runs between ticks (50 SIPps waking every 20 ms), so
  // they can add up to less than the processes alone.
  const rest =
    busy >= named
      ? `| everything else on the machine | ${(busy - named).toFixed(1)} | ${(((busy - named) / seconds) * 100).toFixed(0)} % |`
      : `| everything else on the machine | not measurable: the processes above add up to ${(named - busy).toFixed(1)} s more than the machine's tick-sampled counter | |`;
  const total = Math.max(busy, named);
  return `Process CPU from /proc (user + system; PostgreSQL includes its exited backends). The machine has ${cores} cores: ${(cores * 100).toFixed(0)} % is all of them.

| Processes | CPU s | share of one core |
|---|---|---|
${lines.join('\n')}
${rest}
| **machine busy** | ${total.toFixed(1)} | ${((total / seconds) * 100).toFixed(0)} % |

The processes' figures are the kernel's exact run times; "machine busy" is the machine's own counter (/proc/stat), sampled at each timer tick, or the processes' sum where that is larger.`;
}

// --- measures ------------------------------------------------------------------------
type Entered = Map<string, BridgeEntry>;
/** click-to-INVITE and answer-to-bridge of the sessions' calls, whole run and after the burst. */
function measurePowerDial(clicks: Click[], calls: VoterCall[], entered: Entered, steadyFrom: number) {
  const clickToInvite: number[] = [];
  const answerToBridge: number[] = [];
  /** The same, for clicks after the first 10 s (the opening burst: every volunteer clicks at once). */
  const steadyClick: number[] = [];
  const steadyBridge: number[] = [];
  let unmatched = 0;
  const byNumber = new Map<string, VoterCall[]>();
  for (const v of calls) byNumber.set(v.number, [...(byNumber.get(v.number) ?? []), v]);
  for (const c of clicks) {
    const call = byNumber.get(c.phone ?? '')?.find((v) => v.invite >= c.t - 1);
    if (!call) {
      unmatched += 1;
      continue;
    }
    clickToInvite.push(call.invite - c.t);
    if (c.t >= steadyFrom) steadyClick.push(call.invite - c.t);
    const e = entered.get(`${c.attemptId}|session-`);
    if (call.ok200 !== undefined && e) {
      answerToBridge.push(e.t - call.ok200);
      if (c.t >= steadyFrom) steadyBridge.push(e.t - call.ok200);
    }
  }
  return {
    all: { click: summary(clickToInvite), bridge: summary(answerToBridge) },
    steady: { click: summary(steadyClick), bridge: summary(steadyBridge) },
    unmatched,
  };
}

// --- floors --------------------------------------------------------------------------
interface FloorResult {
  ariClick: Summary;
  ariBridge: Summary;
  dialClick: Summary;
  dialBridge: Summary;
}
/** The floor calls made: plain-ARI originates and one Dial() SIPp per call. */
interface FloorRaw {
  ariCalls: { sent: number; number: string; channelId: string }[];
  dialSipps: Sipp[];
}

/**
 * Floor figures from the voter trunk's SIPp log and the bench's own clock, or, given `wire`,
 * from the capture (the ARI POST and the Dial() volunteer's INVITE as they crossed `lo`).
 */
function analyseFloors(
  raw: FloorRaw,
  voterLog: SipMsg[],
  watcher: AriWatcher,
  wire?: WireIndex,
): FloorResult {
  const calls = wire ? wire.voterCalls : voterCalls(voterLog);
  const ariClick: number[] = [];
  const ariBridge: number[] = [];
  for (const c of raw.ariCalls) {
    const sent = wire ? wire.ariOriginates.get(c.channelId) : c.sent;
    if (sent === undefined) continue;
    const v = calls.find((x) => x.number === c.number && x.invite >= sent - 1);
    if (!v) continue;
    ariClick.push(v.invite - sent);
    const e = watcher.entered.find((x) => x.channelId === c.channelId);
    if (e && v.ok200 !== undefined) ariBridge.push(e.t - v.ok200);
  }
  const dialClick: number[] = [];
  const dialBridge: number[] = [];
  const voterSide = calls.filter((x) => x.number === FLOOR_DIAL_NUMBER);
  for (const dialSipp of raw.dialSipps) {
    const sent = parseSippLog(join(dialSipp.dir, 'messages.log'));
    const inv = sent.find((m) => m.dir === 'sent' && m.first.startsWith('INVITE '));
    if (!inv) continue;
    const t = wire ? wire.invitesIn.get(inv.callId) : inv.t;
    if (t === undefined) continue;
    const v = voterSide.find((x) => x.invite >= t);
    if (!v || v.invite - t > 5000) continue;
    dialClick.push(v.invite - t);
    if (v.ok200 === undefined) continue;
    const e = watcher.entered.find(
      (x) =>
        x.t >= v.ok200! - 1 &&
        x.channelName.startsWith('PJSIP/voter-trunk-') &&
        !x.bridgeId.startsWith('session-') &&
        !x.bridgeId.startsWith('pbbench-'),
    );
    if (e && e.t - v.ok200 < 5000) dialBridge.push(e.t - v.ok200);
  }
  return {
    ariClick: summary(ariClick),
    ariBridge: summary(ariBridge),
    dialClick: summary(dialClick),
    dialBridge: summary(dialBridge),
  };
}

async function dialFloorSipp(): Promise<Sipp> {
  const dir = mkdtempSync(join(tmpdir(), 'pbbench-dial-'));
  const file = join(dir, 'dial.xml');
  writeFileSync(file, volunteerScenario({ pins: [], holdMs: 800, promptMs: 0 }, dir));
  return Sipp.uac(file, SIP, `99${FLOOR_DIAL_NUMBER}`, 5380, 29000);
}

/** `n` plain-ARI floor calls, then `n` Dial() calls, one at a time (the idle machine). */
async function runFloors(watcher: AriWatcher, n: number, what: string): Promise<FloorRaw> {
  log(`floor (${what}): ${n} plain-ARI calls, then ${n} Dial() calls`);
  const raw: FloorRaw = { ariCalls: [], dialSipps: [] };
  for (let i = 0; i < n; i++) {
    const c = await ariFloorCall(watcher, i);
    if (c) raw.ariCalls.push(c);
    await sleep(200);
  }
  // Dial(): one SIPp UAC per call keeps the scenario simple (-m 1); `n` sequential calls.
  for (let i = 0; i < n; i++) {
    const s = await dialFloorSipp();
    await s.exited();
    raw.dialSipps.push(s);
    await sleep(200);
  }
  await sleep(1500);
  return raw;
}

/** During the calling time: one plain-ARI call and one Dial() call every 3 s. */
async function loadedFloors(watcher: AriWatcher, durationMs: number): Promise<FloorRaw> {
  const raw: FloorRaw = { ariCalls: [], dialSipps: [] };
  const end = Date.now() + durationMs - 5000;
  let i = 0;
  while (Date.now() < end) {
    const c = await ariFloorCall(watcher, i++);
    if (c) raw.ariCalls.push(c);
    await sleep(500);
    const s = await dialFloorSipp();
    await Promise.race([s.exited(), sleep(8000)]);
    await s.stop();
    raw.dialSipps.push(s);
    await sleep(500);
  }
  return raw;
}

main().catch((error: unknown) => {
  log(`benchmark failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
