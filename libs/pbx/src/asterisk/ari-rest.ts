import * as http from 'node:http';
import * as https from 'node:https';
import { PbxError } from '../pbx.port';
import { describeError as describe } from '../pbx-connection';

export interface AriRestOptions {
  /** Asterisk's HTTP address, e.g. http://127.0.0.1:8088 (without /ari). */
  url: string;
  user: string;
  /** Read for each request; never logged. */
  password: () => string;
  /** Longest wait for one request before it counts as failed. */
  timeoutMs: number;
  /** Connections kept open to Asterisk (default 8). */
  connections?: number;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface AriAnswer {
  status: number;
  body: Buffer;
}

/**
 * ARI's REST side over a bounded pool of kept-alive connections.
 *
 * Why not ari-client's own requests: they go through Node's global agent, which opens a new
 * connection whenever all open ones are busy. A burst of clicks then opens dozens at once;
 * Asterisk's HTTP server listens with a short backlog, so the SYNs past it are dropped and
 * retried by the kernel a second later — the slowest calls of the burst wait a whole second
 * before their INVITE (tests/reports/ari-burst-bench.md). Here at most `connections` are open;
 * the rest of a burst queues in the pool. Idle connections are closed before Asterisk's own keep-alive limit
 * (http.conf session_keep_alive, 15 s) so a request never goes out on a socket Asterisk closed.
 */
export class AriRest {
  private readonly agent: http.Agent;
  private readonly base: URL;

  constructor(private readonly options: AriRestOptions) {
    this.base = new URL(options.url.replace(/\/+$/, '') + '/');
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.connections ?? 8,
      maxFreeSockets: options.connections ?? 8,
      timeout: 10_000,
      scheduling: 'lifo' as const,
    };
    this.agent =
      this.base.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /** One request; resolves with any HTTP status, rejects (PbxError) on no answer. */
  request(
    what: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    query: Query = {},
    json?: unknown,
  ): Promise<AriAnswer> {
    const url = new URL(`ari/${path}`, this.base);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const body = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
    const auth = Buffer.from(`${this.options.user}:${this.options.password()}`).toString('base64');
    const send = this.base.protocol === 'https:' ? https.request : http.request;
    return new Promise<AriAnswer>((resolve, reject) => {
      // One deadline for the whole request, waiting for a pooled connection included.
      const deadline = setTimeout(() => {
        req.destroy();
        reject(
          new PbxError('pbx-failure', `${what}: no answer from Asterisk in ${this.options.timeoutMs} ms`),
        );
      }, this.options.timeoutMs);
      const fail = (e: Error) => {
        clearTimeout(deadline);
        reject(new PbxError('pbx-failure', `${what}: ${describe(e)}`));
      };
      const req = send(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            authorization: `Basic ${auth}`,
            ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            clearTimeout(deadline);
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
          });
          res.on('error', fail);
        },
      );
      req.on('error', fail);
      req.end(body);
    });
  }

  /**
   * A request whose success is any 2xx: returns the parsed JSON body (if any), or throws the
   * PbxError its status means (404 not-found; 400/409/422 invalid-request; others pbx-failure).
   */
  async call<T = unknown>(
    what: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    query?: Query,
    json?: unknown,
  ): Promise<T> {
    const res = await this.request(what, method, path, query, json);
    if (res.status >= 200 && res.status < 300) {
      return (res.body.length > 0 ? JSON.parse(res.body.toString('utf8')) : undefined) as T;
    }
    throw ariError(what, res);
  }

  close(): void {
    this.agent.destroy();
  }
}

/** What an ARI error status means for the port. Asterisk's `{"message": …}` is kept. */
export function ariError(what: string, res: AriAnswer): PbxError {
  let message = res.body.toString('utf8').slice(0, 300);
  try {
    message = (JSON.parse(message) as { message?: string }).message ?? message;
  } catch {
    // not JSON: keep the text
  }
  const detail = `Asterisk answered ${res.status}${message ? ` (${message})` : ''}`;
  // 404 is a missing resource of the path; ARI says "Channel not found" with 400 for one named
  // in the query (addChannel): both mean "not there" to the engine.
  if (res.status === 404 || /not found/i.test(message)) {
    return new PbxError('not-found', `${what}: not found (${detail})`);
  }
  if (res.status === 400 || res.status === 409 || res.status === 422) {
    return new PbxError('invalid-request', `${what}: refused — ${detail}`);
  }
  return new PbxError('pbx-failure', `${what}: ${detail}`);
}
