import { createServer, type Server, type Socket } from 'node:net';
import type { PbxEvent } from '../pbx.port';
import { PbxError } from '../pbx.port';
import { EslPbxAdapter } from './esl.adapter';

/**
 * The adapter and modesl against a stand-in for FreeSWITCH's event socket on loopback: it
 * speaks the ESL wire protocol (auth, command/reply, api/response, text/event-json), records
 * what it is sent and answers from a script. This proves the wiring, not FreeSWITCH's
 * behaviour; that is the port contract's job (tests/e2e/pbx-port-freeswitch.e2e-spec.ts).
 */
class FakeEventSocket {
  readonly received: string[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  readonly jobs: string[] = [];
  /** The body answered to `api COMMAND`; null leaves it unanswered. */
  api: (command: string) => string | null = () => '+OK\n';

  constructor(private readonly password = 'ClueCon') {}

  async listen(port = 0): Promise<void> {
    this.server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : port;
  }

  /** Close the listener and every connection, as a FreeSWITCH restart would. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  commands(prefix: string): string[] {
    return this.received.filter((c) => c.startsWith(prefix));
  }

  /** Push one event (headers as FreeSWITCH's json events carry them) to every connection. */
  event(headers: Record<string, string>, body?: string): void {
    const json = JSON.stringify(body === undefined ? headers : { ...headers, _body: body });
    for (const s of this.sockets) {
      s.write(`Content-Length: ${Buffer.byteLength(json)}\nContent-Type: text/event-json\n\n${json}`);
    }
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    socket.write('Content-Type: auth/request\n\n');
    socket.on('data', (data) => {
      buffer += data.toString();
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        this.handle(socket, block);
      }
    });
  }

  private handle(socket: Socket, block: string): void {
    const [line, ...headerLines] = block.split('\n');
    const headers = Object.fromEntries(headerLines.map((h) => h.split(': ') as [string, string]));
    const reply = (text: string, extra = ''): void => {
      socket.write(`Content-Type: command/reply\nReply-Text: ${encodeURIComponent(text)}\n${extra}\n`);
    };
    if (line.startsWith('auth ')) {
      if (line === `auth ${this.password}`) reply('+OK accepted');
      else {
        reply('-ERR invalid');
        socket.end();
      }
      return;
    }
    this.received.push(line);
    if (line.startsWith('event ')) return reply('+OK event listener enabled json');
    if (line.startsWith('bgapi ')) {
      const job = headers['Job-UUID'] ?? 'job';
      this.jobs.push(job);
      return reply(`+OK Job-UUID: ${job}`, `Job-UUID: ${job}\n`);
    }
    if (line.startsWith('api ')) {
      const body = this.api(line.slice(4));
      if (body === null) return;
      socket.write(`Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`);
      return;
    }
    reply('-ERR command not found');
  }
}

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const LEG = '0b7e8c1e-4a57-4d43-9d0e-6f3c2f9a1b2c';
const owned = (name: string, extra: Record<string, string> = {}) => ({
  'Event-Name': name,
  'Unique-ID': LEG,
  'Call-Direction': 'outbound',
  variable_phonebank_owned: 'true',
  ...extra,
});

describe('EslPbxAdapter over a stand-in event socket', () => {
  let fs: FakeEventSocket;
  let adapter: EslPbxAdapter;
  let events: PbxEvent[];
  let logs: string[];

  const start = async (password = 'ClueCon') => {
    adapter = new EslPbxAdapter({
      url: () => `esl://:${password}@127.0.0.1:${fs.port}`,
      maxReconnectDelayMs: 200,
      commandTimeoutMs: 2000,
      logger: { log: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    });
    adapter.onEvent((e) => events.push(e));
    await adapter.start();
  };

  beforeEach(async () => {
    fs = new FakeEventSocket();
    await fs.listen();
    events = [];
    logs = [];
  });

  afterEach(async () => {
    await adapter?.stop();
    await fs.close();
  });

  it('authenticates, subscribes (CUSTOM last) and says connected; logs host and port, never the password', async () => {
    await start();
    await until('connected', () => adapter.isConnected());
    expect(events).toEqual([expect.objectContaining({ type: 'connected', reconnected: false })]);
    const subscription = fs.commands('event json ').at(-1) ?? '';
    expect(subscription).toMatch(/ CUSTOM conference::maintenance$/);
    expect(subscription).toContain('CHANNEL_HANGUP_COMPLETE');
    expect(subscription).toContain('BACKGROUND_JOB');
    expect(logs.join('\n')).toContain(`esl://127.0.0.1:${fs.port}`);
    expect(logs.join('\n')).not.toContain('ClueCon');
  });

  it('a refused password is logged (without the password) and retried, never connected', async () => {
    await start('Wrong-Secret');
    await until('the refusal to be logged', () =>
      logs.some((l) => /refused the event socket password/.test(l)),
    );
    expect(adapter.isConnected()).toBe(false);
    expect(logs.join('\n')).not.toContain('Wrong-Secret');
  });

  it('originates with bgapi, then translates ringing (once), answer and hang-up', async () => {
    fs.api = (c) => (c.startsWith('uuid_exists') ? 'false' : '+OK\n');
    await start();
    await until('connected', () => adapter.isConnected());
    await adapter.originate({
      legId: LEG,
      trunk: 'voter-trunk',
      number: '+12025550109',
      callerId: '+15557654321',
      ringTimeoutSeconds: 30,
      appArgs: ['voter', 's-1'],
    });
    const [originate] = fs.commands('bgapi originate ');
    expect(originate).toContain(`origination_uuid=${LEG}`);
    expect(originate).toContain('sofia/gateway/voter-trunk/+12025550109 &park()');

    fs.event(owned('CHANNEL_PROGRESS'));
    fs.event(owned('CHANNEL_PROGRESS_MEDIA'));
    fs.event(owned('CHANNEL_ANSWER'));
    fs.event(
      owned('CHANNEL_HANGUP_COMPLETE', {
        'Hangup-Cause': 'NORMAL_CLEARING',
        variable_hangup_cause_q850: '16',
      }),
    );
    fs.event({ 'Event-Name': 'CHANNEL_ANSWER', 'Unique-ID': 'someone-else', 'Call-Direction': 'outbound' });
    await until('the leg to end', () => events.some((e) => e.type === 'leg-ended'));
    expect(events.filter((e) => e.type !== 'connected').map((e) => e.type)).toEqual([
      'leg-ringing',
      'leg-answered',
      'leg-ended',
    ]);
    expect(events.at(-1)).toMatchObject({ legId: LEG, cause: { q850: 16, text: 'NORMAL_CLEARING' } });
  });

  it('an originate whose job fails without a channel still ends the leg, with the job’s cause', async () => {
    fs.api = (c) => (c.startsWith('uuid_exists') ? 'false' : '+OK\n');
    await start();
    await until('connected', () => adapter.isConnected());
    await adapter.originate({
      legId: LEG,
      trunk: 'nowhere',
      number: '+12025550109',
      callerId: '+15557654321',
      ringTimeoutSeconds: 30,
    });
    expect(fs.jobs).toHaveLength(1);
    fs.event({ 'Event-Name': 'BACKGROUND_JOB', 'Job-UUID': fs.jobs[0] }, '-ERR INVALID_GATEWAY\n');
    const ended = await until('the leg to end', () => events.find((e) => e.type === 'leg-ended'));
    expect(ended).toMatchObject({ legId: LEG, cause: { q850: 41, text: 'INVALID_GATEWAY' } });
  });

  it('refuses an invalid number before sending anything', async () => {
    await start();
    await until('connected', () => adapter.isConnected());
    const before = fs.received.length;
    await expect(
      adapter.originate({
        legId: LEG,
        trunk: 'voter-trunk',
        number: '+12025550109 &park()',
        callerId: '+15557654321',
        ringTimeoutSeconds: 30,
      }),
    ).rejects.toMatchObject({ code: 'invalid-request' });
    expect(fs.received.length).toBe(before);
  });

  it('hanging up a leg FreeSWITCH no longer has resolves; other refusals are PbxErrors', async () => {
    fs.api = (c) => (c.startsWith('uuid_kill') ? '-ERR No such channel!\n' : '-ERR no reply\n');
    await start();
    await until('connected', () => adapter.isConnected());
    await expect(adapter.hangup(LEG)).resolves.toBeUndefined();
    expect(fs.commands('api uuid_kill')).toEqual([`api uuid_kill ${LEG} NORMAL_CLEARING`]);
    await expect(adapter.answer(LEG)).rejects.toBeInstanceOf(PbxError);
  });

  it('listOwned keeps only legs marked phonebank_owned, and their conferences', async () => {
    fs.api = (c) => {
      if (c === 'show channels as json') {
        return JSON.stringify({
          row_count: 2,
          rows: [
            { uuid: LEG, application: 'conference', application_data: 'session-7@phonebank' },
            { uuid: 'foreign-1', application: 'park', application_data: '' },
          ],
        });
      }
      if (c === `uuid_getvar ${LEG} phonebank_owned`) return 'true';
      if (c.startsWith('uuid_getvar')) return '_undef_';
      return '+OK\n';
    };
    await start();
    await until('connected', () => adapter.isConnected());
    await adapter.createBridge('empty-bridge');
    const owned = await adapter.listOwned();
    expect(owned.legIds).toEqual([LEG]);
    expect(owned.bridgeIds.sort()).toEqual(['empty-bridge', 'session-7']);
  });

  it('plays with uuid_broadcast and reports the finish once', async () => {
    fs.api = () => '+OK Message queued\n';
    await start();
    await until('connected', () => adapter.isConnected());
    await adapter.play(LEG, 'sound:beep', 'p-1');
    expect(fs.commands('api uuid_broadcast')).toEqual([
      `api uuid_broadcast ${LEG} playback::{phonebank_playback_id=p-1}tone_stream://L=1;%(250,0,1000) aleg`,
    ]);
    fs.event(owned('PLAYBACK_STOP', { phonebank_playback_id: 'p-1', 'Playback-Status': 'done' }));
    fs.event(owned('PLAYBACK_STOP', { phonebank_playback_id: 'p-1', 'Playback-Status': 'done' }));
    await until('the playback to finish', () => events.some((e) => e.type === 'playback-finished'));
    await new Promise((r) => setImmediate(r));
    expect(events.filter((e) => e.type === 'playback-finished')).toEqual([
      expect.objectContaining({ playbackId: 'p-1', legId: LEG }),
    ]);
  });

  it('joins a bridge once FreeSWITCH reports the member, and leaves it', async () => {
    let members: string[] = [];
    fs.api = (c) => {
      if (c.startsWith('conference session-7 json_list')) {
        return members.length
          ? JSON.stringify([{ conference_name: 'session-7', members: members.map((uuid) => ({ uuid })) }])
          : '-ERR Conference session-7 not found\n';
      }
      if (c.startsWith(`uuid_transfer ${LEG} set:phonebank_handled=true,conference:`)) {
        setTimeout(() => {
          members = [LEG];
          fs.event({
            'Event-Name': 'CUSTOM',
            'Event-Subclass': 'conference::maintenance',
            Action: 'add-member',
            'Conference-Name': 'session-7',
            'Unique-ID': LEG,
          });
        }, 20);
      }
      if (c === `uuid_transfer ${LEG} set:phonebank_handled=true,park inline`) {
        setTimeout(() => {
          members = [];
          fs.event({
            'Event-Name': 'CUSTOM',
            'Event-Subclass': 'conference::maintenance',
            Action: 'del-member',
            'Conference-Name': 'session-7',
            'Unique-ID': LEG,
          });
        }, 20);
      }
      return '+OK\n';
    };
    await start();
    await until('connected', () => adapter.isConnected());
    await expect(adapter.addToBridge('session-7', LEG)).rejects.toMatchObject({ code: 'not-found' });
    await adapter.createBridge('session-7');
    await adapter.addToBridge('session-7', LEG);
    expect(members).toEqual([LEG]);
    await adapter.removeFromBridge('session-7', LEG);
    expect(members).toEqual([]);
    await adapter.destroyBridge('session-7');
  });

  it('a dropped socket is announced, fails what was in flight, and is reconnected by itself', async () => {
    fs.api = () => null; // never answers
    await start();
    await until('connected', () => adapter.isConnected());
    const inFlight = adapter.answer(LEG).catch((e: unknown) => e);
    const port = fs.port;
    await fs.close();
    await until('the loss to be noticed', () => !adapter.isConnected());
    expect(await inFlight).toMatchObject({ code: 'not-connected' });
    expect(events.at(-1)).toMatchObject({ type: 'disconnected' });
    expect(logs.join('\n')).toMatch(/lost the FreeSWITCH event socket/);
    await expect(adapter.hangup(LEG)).rejects.toMatchObject({ code: 'not-connected' });

    fs = new FakeEventSocket();
    await fs.listen(port);
    await until('the reconnection', () => adapter.isConnected(), 10_000);
    expect(events.at(-1)).toMatchObject({ type: 'connected', reconnected: true });
    expect(logs.join('\n')).toMatch(/reconnected to the FreeSWITCH event socket/);
  });
});
