import { Injectable, OnDestroy } from '@angular/core';
import { io, type Socket } from 'socket.io-client';
import type { CallClientEvents, CallServerEvents } from '../api/api.types';
import type { CallScreenStore } from './call-screen.store';

/**
 * Feeds the call screen from the orchestrator's Socket.IO pushes. The server authenticates the
 * connection with the session cookie, joins it to the session's room and sends a
 * `session.snapshot` on every (re)connection, so nothing is lost while the browser was away.
 */
@Injectable()
export class CallSessionSocket implements OnDestroy {
  private socket: Socket<CallServerEvents, CallClientEvents> | null = null;

  connect(sessionId: string, store: CallScreenStore): void {
    this.disconnect();
    store.dispatch({ type: 'connection-changed', connection: 'connecting' });
    const socket: Socket<CallServerEvents, CallClientEvents> = io({
      path: '/socket.io',
      withCredentials: true,
      auth: { sessionId },
    });
    const mine = (event: { sessionId: string }): boolean => event.sessionId === sessionId;

    socket.on('connect', () => store.dispatch({ type: 'connection-changed', connection: 'connected' }));
    socket.on('disconnect', () => store.dispatch({ type: 'connection-changed', connection: 'reconnecting' }));
    socket.on('connect_error', () =>
      store.dispatch({ type: 'connection-changed', connection: socket.active ? 'reconnecting' : 'offline' }),
    );

    socket.on('session.snapshot', (snapshot) => {
      if (snapshot.session.id === sessionId) store.dispatch({ type: 'snapshot', snapshot });
    });
    socket.on('call.state', (event) => {
      if (mine(event))
        store.dispatch({ type: 'call-state', attemptId: event.attemptId, state: event.state, at: event.at });
    });
    socket.on('phone.claimed', (event) => {
      if (mine(event)) store.dispatch({ type: 'phone-claimed', phone: event.phone });
    });
    socket.on('volunteer.leg', (event) => {
      if (mine(event)) store.dispatch({ type: 'volunteer-leg', connected: event.connected });
    });
    socket.on('session.ended', (event) => {
      if (mine(event)) store.dispatch({ type: 'session-ended' });
    });
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
