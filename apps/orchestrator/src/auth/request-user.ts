import type { DataSource } from 'typeorm';
import { findUserByApiToken, findUserBySessionToken, type UserRow } from '@phonebank/persistence';
import { SESSION_COOKIE } from '../../../../libs/contracts/src/call-screen.contract';

/** How a request (HTTP or a Socket.IO handshake) shows who it is. */
export interface Credentials {
  /** The raw Cookie header. */
  cookie?: string | undefined;
  /** The raw Authorization header (`Bearer …`). */
  authorization?: string | undefined;
  /** A bearer token given another way (Socket.IO handshake `auth.token`). */
  token?: string | undefined;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
}

/**
 * The one authentication of the API and the socket gateway: the login session cookie, else an
 * API bearer token. Undefined when neither names a user.
 */
export async function authenticate(
  ds: DataSource,
  credentials: Credentials,
  now = new Date(),
): Promise<UserRow | undefined> {
  const session = readCookie(credentials.cookie, SESSION_COOKIE);
  if (session && session.length <= 100) {
    const user = await findUserBySessionToken(ds, session, now);
    if (user) return user;
  }
  const token = bearerToken(credentials.authorization) ?? credentials.token;
  if (token && token.length <= 200) return findUserByApiToken(ds, token);
  return undefined;
}

/** The socket part a handshake authentication reads. */
interface Handshake {
  handshake: { auth?: Record<string, unknown>; headers: { cookie?: string; authorization?: string } };
}

/**
 * Socket.IO middleware: authenticates the handshake with the same `authenticate` as HTTP (the
 * login session cookie, or an API token in `auth.token`). A user of a campaign goes on to
 * `admit`, which fills the socket's data, or answers the error code that refuses it
 * (UNAUTHENTICATED without a user, UNAVAILABLE when the check itself failed).
 */
export function authenticateHandshake<S extends Handshake>(
  ds: DataSource,
  admit: (socket: S, user: UserRow & { campaignId: string }) => string | undefined,
): (socket: S, next: (error?: Error) => void) => void {
  return (socket, next) => {
    const auth = socket.handshake.auth ?? {};
    authenticate(ds, {
      cookie: socket.handshake.headers.cookie,
      authorization: socket.handshake.headers.authorization,
      token: typeof auth.token === 'string' ? auth.token : undefined,
    })
      .then((user) => {
        if (!user?.campaignId) return next(new Error('UNAUTHENTICATED'));
        const refused = admit(socket, user as UserRow & { campaignId: string });
        if (refused) return next(new Error(refused));
        next();
      })
      .catch(() => next(new Error('UNAVAILABLE')));
  };
}
