import { Logger } from '@nestjs/common';
import {
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { DataSource } from 'typeorm';
import type { Namespace, Socket } from 'socket.io';
import { dayBounds } from '@phonebank/domain';
import type { UserRow } from '@phonebank/persistence';
import { SOCKET_PATH } from '../../../../libs/contracts/src/call-screen.contract';
import {
  DASHBOARD_NAMESPACE,
  type DashboardClientEvents,
  type DashboardHandshakeAuth,
  type DashboardServerEvents,
  type DashboardSnapshotJson,
} from '../../../../libs/contracts/src/dnc-credits-dashboard.contract';
import { authenticateHandshake } from '../auth/request-user';
import { DashboardService } from './dashboard.service';
import type { DashboardSnapshot } from '@phonebank/persistence';

interface SocketData {
  user: UserRow & { campaignId: string };
  timeZone: string;
  unwatch: (() => void) | null;
}

type DashboardNamespace = Namespace<
  DashboardClientEvents,
  DashboardServerEvents,
  Record<string, never>,
  SocketData
>;
type DashboardSocket = Socket<
  DashboardClientEvents,
  DashboardServerEvents,
  Record<string, never>,
  SocketData
>;

const STAFF = new Set(['admin', 'organizer']);
export const dashboardRoom = (campaignId: string, timeZone: string) => `dashboard:${campaignId}:${timeZone}`;

/** The wire form; the assignment checks the persistence snapshot fits the shared contract. */
const toJson = (s: DashboardSnapshot): DashboardSnapshotJson => s;

/**
 * The live dashboard over Socket.IO (issue 6): its own namespace on the call screens' path and
 * origin, so the call-screen contract is untouched. Campaign staff only (admin, organizer),
 * authenticated at the handshake with the same `authenticate` as HTTP. A viewer gets the whole
 * picture on every (re)connection, then again after every change in their campaign; it only
 * pushes.
 */
@WebSocketGateway({ path: SOCKET_PATH, namespace: DASHBOARD_NAMESPACE, serveClient: false, cors: false })
export class DashboardGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  @WebSocketServer() private namespace!: DashboardNamespace;
  private readonly logger = new Logger('DashboardGateway');

  constructor(
    private readonly ds: DataSource,
    private readonly dashboard: DashboardService,
  ) {}

  afterInit(namespace: DashboardNamespace): void {
    namespace.use(
      authenticateHandshake(this.ds, (socket: DashboardSocket, user) => {
        if (!STAFF.has(user.role)) return 'FORBIDDEN';
        const auth = (socket.handshake.auth ?? {}) as DashboardHandshakeAuth;
        socket.data.user = user;
        // An unknown zone counts as UTC (dayBounds says which zone it used).
        socket.data.timeZone = dayBounds(
          new Date(),
          typeof auth.timeZone === 'string' ? auth.timeZone : 'UTC',
        ).timeZone;
        socket.data.unwatch = null;
        return undefined;
      }),
    );
    this.dashboard.onSnapshot((campaignId, timeZone, snapshot) =>
      this.namespace.local.to(dashboardRoom(campaignId, timeZone)).emit('dashboard.update', toJson(snapshot)),
    );
  }

  async handleConnection(socket: DashboardSocket): Promise<void> {
    const { user, timeZone } = socket.data;
    await socket.join(dashboardRoom(user.campaignId, timeZone));
    socket.data.unwatch = this.dashboard.watch(user.campaignId, timeZone);
    try {
      socket.emit('dashboard.snapshot', toJson(await this.dashboard.snapshot(user.campaignId, timeZone)));
    } catch (error) {
      this.logger.warn(`dashboard snapshot: ${error instanceof Error ? error.message : String(error)}`);
      socket.emit('dashboard.error', {
        code: 'UNAVAILABLE',
        message: 'the dashboard could not be read from the database; it will refresh on the next change',
      });
    }
  }

  handleDisconnect(socket: DashboardSocket): void {
    socket.data.unwatch?.();
    socket.data.unwatch = null;
  }
}
