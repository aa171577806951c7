import { Injectable, OnDestroy } from '@angular/core';
import { io, type Socket } from 'socket.io-client';
import type { CallClientEvents, CallServerEvents, CallSessionNotice, PowerView } from '../api/api.types';
import type { CallScreenStore } from './call-screen.store';

/**
 * Feeds the call screen from the orchestrator's Socket.IO pushes. The server authenticates the
 * connection with the session cookie, joins it to the dial session's room (its owner only) and
 * sends `session.snapshot` on every (re)connection, so nothing is lost while the browser was
 * away; then `session.update` on every change. Nothing is polled.
 */
@Injectable()
export class CallSessionSocket implements OnDestroy {
  private socket: Socket<CallServerEvents, CallClientEvents> | null = null;

  /** `onView` runs after the store has the view (e.g. to load the voters of a new call). */
  connect(
    sessionId: string,
    store: CallScreenStore,
    onView: (view: PowerView, notice: CallSessionNotice | null) => void = () => undefined,
  ): void {
    this.disconnect();
    store.dispatch({ type: 'connection-changed', connection: 'connecting' });
    const socket: Socket<CallServerEvents, CallClientEvents> = io({
      path: '/socket.io',
      withCredentials: true,
      transports: ['websocket'],
      auth: { sessionId },
    });

    const apply = (view: PowerView, notice: CallSessionNotice | null) => {
      if (view.sessionId !== sessionId) return;
      store.dispatch({ type: 'power-view', view, notice });
      onView(view, notice);
    };

    socket.on('connect', () => store.dispatch({ type: 'connection-changed', connection: 'connected' }));
    socket.on('disconnect', () => store.dispatch({ type: 'connection-changed', connection: 'reconnecting' }));
    socket.on('connect_error', () =>
      store.dispatch({ type: 'connection-changed', connection: socket.active ? 'reconnecting' : 'offline' }),
    );
    socket.on('session.snapshot', (event) => apply(event.view, null));
    socket.on('session.update', (event) => apply(event.view, event.notice));
    socket.on('session.error', () => store.dispatch({ type: 'connection-changed', connection: 'offline' }));
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
