import { Injectable, signal, type OnDestroy } from '@angular/core';
import { io, type Socket } from 'socket.io-client';
import {
  DASHBOARD_NAMESPACE,
  type DashboardClientEvents,
  type DashboardServerEvents,
  type DashboardSnapshotJson,
} from '../../../../../../libs/contracts/src/dnc-credits-dashboard.contract';

export type DashboardConnection = 'connecting' | 'live' | 'reconnecting' | 'refused';

/**
 * The live dashboard's feed: Socket.IO namespace /dashboard, authenticated by the session
 * cookie. The server sends the whole picture on every (re)connection and after every change in
 * the campaign; nothing is polled.
 */
@Injectable()
export class DashboardSocket implements OnDestroy {
  private socket: Socket<DashboardServerEvents, DashboardClientEvents> | null = null;
  readonly snapshot = signal<DashboardSnapshotJson | null>(null);
  readonly connection = signal<DashboardConnection>('connecting');
  readonly problem = signal<string | null>(null);

  connect(timeZone: string): void {
    this.disconnect();
    const socket: Socket<DashboardServerEvents, DashboardClientEvents> = io(DASHBOARD_NAMESPACE, {
      path: '/socket.io',
      withCredentials: true,
      transports: ['websocket'],
      auth: { timeZone },
    });
    socket.on('connect', () => {
      this.connection.set('live');
      this.problem.set(null);
    });
    socket.on('disconnect', () => this.connection.set('reconnecting'));
    socket.on('connect_error', (error) => {
      if (error.message === 'FORBIDDEN' || error.message === 'UNAUTHENTICATED') {
        this.connection.set('refused');
        this.problem.set(
          error.message === 'FORBIDDEN'
            ? 'The live dashboard is for campaign admins and organizers.'
            : 'Your session has ended: log in again to see the live dashboard.',
        );
        socket.disconnect();
      } else this.connection.set('reconnecting');
    });
    socket.on('dashboard.snapshot', (s) => this.snapshot.set(s));
    socket.on('dashboard.update', (s) => this.snapshot.set(s));
    socket.on('dashboard.error', (e) => this.problem.set(e.message));
    this.socket = socket;
  }

  disconnect(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }

  ngOnDestroy(): void {
    this.disconnect();
  }
}
