/**
 * The slice of `modesl` (FreeSWITCH event socket client, plain JavaScript, no published
 * typings) that the ESL adapter uses. Written from modesl 1.2.x's lib/esl/Connection.js and
 * lib/esl/Event.js.
 */
declare module 'modesl' {
  import type { Socket } from 'node:net';

  export class Event {
    constructor(headers: Record<string, string>, body?: string);
    type: string;
    headers: { name: string; value: string }[];
    getHeader(name: string): string | null;
    getBody(): string;
    getType(): string;
  }

  export class Connection {
    /** Inbound mode: connect to FreeSWITCH's event socket and authenticate with `password`. */
    constructor(host: string, port: number, password: string, onReady?: () => void);
    /** The TCP socket; set to null by modesl when it sees 'end'. */
    socket: Socket | null;
    connected(): boolean;
    /** `api COMMAND ARGS`; the reply body is `event.getBody()`. Replies are matched in order. */
    api(command: string, args: string, callback: (response: Event) => void): void;
    /** Send a raw command (with optional headers) and get its command/reply. */
    sendRecv(command: string, args: Record<string, string> | null, callback: (reply: Event) => void): void;
    /** `event json ...` for these event names (modesl adds BACKGROUND_JOB and CHANNEL_EXECUTE_COMPLETE). */
    subscribe(events: string[] | string, callback?: (reply: Event) => void): void;
    disconnect(): void;

    on(event: string, listener: (...args: unknown[]) => void): this;
    once(event: string, listener: (...args: unknown[]) => void): this;
    removeAllListeners(event?: string): this;
  }
}
