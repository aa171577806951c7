import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PbxError } from '../pbx.port';
import { AriRest, ariError } from './ari-rest';

const answer = (status: number, body: string) => ({ status, body: Buffer.from(body) });

describe('ariError', () => {
  it.each([
    [404, '{"message":"Channel not found"}', 'not-found'],
    [400, '{"message":"Channel not found"}', 'not-found'], // addChannel names the channel in the query
    [400, '{"message":"missing endpoint"}', 'invalid-request'],
    [409, '{"message":"Channel is not in a Stasis application"}', 'invalid-request'],
    [422, '{"message":"Channel in use"}', 'invalid-request'],
    [500, 'Internal Server Error', 'pbx-failure'],
    [503, '', 'pbx-failure'],
  ])('%i %s → %s', (status, body, code) => {
    const e = ariError('bridge x into y', answer(status, body));
    expect(e).toBeInstanceOf(PbxError);
    expect(e.code).toBe(code);
    expect(e.message).toContain('bridge x into y');
    expect(e.message).toContain(String(status));
  });
});

describe('AriRest (against a local HTTP server standing in for Asterisk)', () => {
  let server: Server;
  let url: string;
  const seen: { method: string; url: string; auth: string; body: string }[] = [];
  const sockets = new Set<unknown>();
  let maxOpen = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization ?? '', body });
        const reply = () => {
          if (req.url!.startsWith('/ari/missing')) {
            res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Bridge not found"}');
          } else if (req.url!.startsWith('/ari/slow')) {
            // never answers: the client's timeout must end it
          } else {
            res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
          }
        };
        setTimeout(reply, 5);
      });
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      maxOpen = Math.max(maxOpen, sockets.size);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const client = (timeoutMs = 2000) =>
    new AriRest({ url, user: 'pb', password: () => 's3cret', timeoutMs, connections: 4 });

  it('sends the query, the JSON body and basic auth; answers the JSON', async () => {
    const rest = client();
    const got = await rest.call(
      'originate',
      'POST',
      'channels/abc',
      { endpoint: 'PJSIP/+1@t', timeout: 30 },
      {
        variables: { A: '1' },
      },
    );
    rest.close();
    expect(got).toEqual({ ok: true });
    const last = seen.at(-1)!;
    expect(last.method).toBe('POST');
    expect(last.url).toBe('/ari/channels/abc?endpoint=PJSIP%2F%2B1%40t&timeout=30');
    expect(last.auth).toBe(`Basic ${Buffer.from('pb:s3cret').toString('base64')}`);
    expect(JSON.parse(last.body)).toEqual({ variables: { A: '1' } });
  });

  it('a burst of 50 requests shares a few kept-alive connections instead of opening 50', async () => {
    const rest = client();
    maxOpen = 0;
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => rest.call('burst', 'POST', `channels/${i}`)),
    );
    rest.close();
    expect(answers).toHaveLength(50);
    expect(maxOpen).toBeLessThanOrEqual(4);
  });

  it('an error status becomes the PbxError it means; no answer in time is a failure', async () => {
    const rest = client(200);
    await expect(rest.call('destroy bridge b', 'DELETE', 'missing/b')).rejects.toMatchObject({
      code: 'not-found',
    });
    await expect(rest.call('slow', 'GET', 'slow')).rejects.toMatchObject({
      code: 'pbx-failure',
      message: expect.stringMatching(/no answer from Asterisk in 200 ms/),
    });
    rest.close();
  });
});
