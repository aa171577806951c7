import type { PbxEvent } from './pbx.port';

export interface PbxLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: PbxLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** An error's message without anything that could hold a credential. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/api_key=[^&\s]+/g, 'api_key=[secret]').replace(/\/\/[^/@\s]+@/g, '//[secret]@');
}

/**
 * What every PBX adapter needs around its connection, whatever the protocol: the event
 * listeners, the connected / disconnected announcements (with their log lines), and reconnecting
 * with capped, jittered back-off for as long as the adapter runs.
 */
export class PbxConnection {
  private readonly listeners = new Set<(event: PbxEvent) => void>();
  private connected = false;
  private everConnected = false;
  private running = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectAttempt = 0;

  constructor(
    /** How the logs name the far end, e.g. "Asterisk ARI". */
    private readonly name: string,
    private readonly logger: PbxLogger,
    private readonly maxReconnectDelayMs: number,
    private readonly reconnect: () => void,
  ) {}

  get isConnected(): boolean {
    return this.connected;
  }

  get isStopped(): boolean {
    return !this.running;
  }

  /** Returns false when already started. */
  begin(): boolean {
    if (this.running) return false;
    this.running = true;
    return true;
  }

  /** Stop reconnecting, close the link with `close`, then announce the end when it was up. */
  end(close: () => void): void {
    this.running = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    close();
    if (this.connected) {
      this.connected = false;
      this.logger.log(`disconnected from ${this.name} (shutting down)`);
      this.emit({ type: 'disconnected', reason: 'adapter stopped', at: new Date() });
    }
  }

  onEvent(listener: (event: PbxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: PbxEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error(`a PBX event listener failed on ${event.type}: ${describeError(error)}`);
      }
    }
  }

  /** The link is up: back-off starts over, and `connected` is announced. */
  markConnected(detail: string): void {
    const reconnected = this.everConnected;
    this.reconnectAttempt = 0;
    this.connected = true;
    this.everConnected = true;
    this.logger.log(`${reconnected ? 'reconnected' : 'connected'} to ${this.name} ${detail}`);
    this.emit({ type: 'connected', reconnected, at: new Date() });
  }

  /** The link was lost (only announced when it was up). */
  markLost(reason: string): void {
    if (!this.connected) return;
    this.connected = false;
    this.logger.warn(`lost ${this.name}: ${reason}; reconnecting`);
    this.emit({ type: 'disconnected', reason, at: new Date() });
  }

  scheduleReconnect(): void {
    if (!this.running || this.reconnectTimer) return;
    const base = Math.min(this.maxReconnectDelayMs, 250 * 2 ** Math.min(this.reconnectAttempt, 10));
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.reconnectAttempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.reconnect();
    }, delay);
  }
}
