import { Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { DataSource } from 'typeorm';
import type { Server, Socket } from 'socket.io';
import type { UserRow } from '@phonebank/persistence';
import type {
  CallClientEvents,
  CallServerEvents,
  SessionUpdateEvent,
  SocketHandshakeAuth,
} from '../../../../libs/contracts/src/call-screen.contract';
import { SOCKET_PATH } from '../../../../libs/contracts/src/call-screen.contract';
import type { ProjectAudioServerEvents } from '../../../../libs/contracts/src/project-audio.contract';
import { authenticateHandshake } from '../auth/request-user';
import { CallerIdVerificationService } from '../caller-id/caller-id-verification.service';
import { VoicemailRecordingService } from '../voicemail/voicemail-recording.service';
import { DialSessionService, type SessionUpdate } from '../power-dial/dial-session.service';

interface SocketData {
  user: UserRow & { campaignId: string };
  /** The dial session this socket follows, once its ownership is checked. */
  sessionId: string | null;
}

type ServerEvents = CallServerEvents & ProjectAudioServerEvents;
type CallsServer = Server<CallClientEvents, ServerEvents, Record<string, never>, SocketData>;
type CallsSocket = Socket<CallClientEvents, ServerEvents, Record<string, never>, SocketData>;

const STAFF = new Set(['admin', 'organizer']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
export const campaignRoom = (campaignId: string) => `campaign:${campaignId}`;

/** The wire form of an update; the assignment checks the domain view fits the shared contract. */
function toEvent(update: SessionUpdate): SessionUpdateEvent {
  return { sessionId: update.sessionId, view: update.view, notice: update.notice };
}

/**
 * Pushes dial-session states to call screens (SPEC §5.1), on the HTTP server's own port and
 * origin. It only pushes: browsers act over HTTP. Authentication happens at the handshake with
 * the same `authenticate` as HTTP (the login session cookie, or an API token in `auth.token`).
 * One room per dial session, joined only by its owner; staff also join their campaign's room.
 */
@WebSocketGateway({ path: SOCKET_PATH, serveClient: false, cors: false })
export class CallsGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy
{
  @WebSocketServer() private server!: CallsServer;
  private readonly logger = new Logger('CallsGateway');
  private unsubscribe?: () => void;
  private readonly unsubscribeStaff: (() => void)[] = [];

  constructor(
    private readonly ds: DataSource,
    private readonly sessions: DialSessionService,
    private readonly callerIds: CallerIdVerificationService,
    private readonly voicemails: VoicemailRecordingService,
  ) {}

  afterInit(server: CallsServer): void {
    server.use(
      authenticateHandshake(this.ds, (socket: CallsSocket, user) => {
        socket.data.user = user;
        socket.data.sessionId = null;
        return undefined;
      }),
    );
    this.unsubscribe = this.sessions.onUpdate((update) => {
      const event = toEvent(update);
      server
        .to(sessionRoom(update.sessionId))
        .to(campaignRoom(update.campaignId))
        .emit('session.update', event);
    });
    // A project's caller-ID verification and voicemail recording calls: to its campaign's staff.
    this.unsubscribeStaff.push(
      this.callerIds.onUpdate((u) =>
        server.to(campaignRoom(u.campaignId)).emit('project.caller-id', u.status),
      ),
      this.voicemails.onUpdate((u) =>
        server.to(campaignRoom(u.campaignId)).emit('project.voicemail', u.status),
      ),
    );
  }

  async handleConnection(socket: CallsSocket): Promise<void> {
    const { user } = socket.data;
    if (STAFF.has(user.role)) await socket.join(campaignRoom(user.campaignId));
    const wanted = (socket.handshake.auth as SocketHandshakeAuth | undefined)?.sessionId;
    if (typeof wanted !== 'string' || !UUID.test(wanted)) return;
    let view;
    try {
      view = this.sessions.view(user, wanted); // throws unless the user owns this live session
    } catch {
      socket.emit('session.error', { code: 'NOT_FOUND', message: 'dial session not found or already ended' });
      return;
    }
    socket.data.sessionId = wanted;
    await socket.join(sessionRoom(wanted));
    if (view.browser === 'disconnected') {
      await this.sessions.browserPresence(wanted, true);
      view = this.sessions.view(user, wanted);
    }
    socket.emit('session.snapshot', { sessionId: wanted, view });
  }

  async handleDisconnect(socket: CallsSocket): Promise<void> {
    const sessionId = socket.data.sessionId;
    if (!sessionId) return;
    // Another tab of the same volunteer may still follow the session.
    const left = await this.server.in(sessionRoom(sessionId)).fetchSockets();
    if (left.length > 0) return;
    await this.sessions.browserPresence(sessionId, false).catch((error: unknown) => {
      this.logger.warn(
        `browser presence for session ${sessionId}: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const off of this.unsubscribeStaff) off();
  }
}
