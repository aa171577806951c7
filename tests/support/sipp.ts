import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './local-asterisk';

export interface SippMessage {
  direction: 'sent' | 'received';
  firstLine: string;
  raw: string;
}

/** A running SIPp instance bound to 127.0.0.1, with its SIP message log readable. */
export class Sipp {
  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
    private readonly output: string[],
    /** The RTP port this SIPp offers in its SDP (where Asterisk sends it audio). */
    readonly mediaPort: number,
  ) {}

  /** What SIPp printed (its screen and errors), for failure messages. */
  printed(): string {
    return this.output.join('').slice(-4000);
  }

  /** Start SIPp as a UAS with a scenario from tests/sipp. */
  static async uas(
    scenario: string,
    port: number,
    mediaPort: number,
    extraArgs: string[] = [],
  ): Promise<Sipp> {
    const dir = mkdtempSync(join(tmpdir(), `sipp-${scenario.replace(/\W/g, '')}-`));
    const args = [
      '-sf',
      join(REPO_ROOT, 'tests', 'sipp', scenario),
      ...Sipp.commonArgs(dir, port, mediaPort, true),
    ];
    return Sipp.spawnIn(dir, [...args, ...extraArgs], mediaPort);
  }

  /** Start SIPp as a UAS with a scenario file written by the test. */
  static async uasFile(
    scenarioFile: string,
    port: number,
    mediaPort: number,
    extraArgs: string[] = [],
  ): Promise<Sipp> {
    const dir = mkdtempSync(join(tmpdir(), 'sipp-uas-'));
    const args = ['-sf', scenarioFile, ...Sipp.commonArgs(dir, port, mediaPort, true), ...extraArgs];
    return Sipp.spawnIn(dir, args, mediaPort);
  }

  /** Start SIPp as a UAC placing one call to `service` at `target` with a scenario file. */
  static async uac(
    scenarioFile: string,
    target: string,
    service: string,
    port: number,
    mediaPort: number,
    options: { extraArgs?: string[]; traceMessages?: boolean } = {},
  ): Promise<Sipp> {
    const dir = mkdtempSync(join(tmpdir(), 'sipp-uac-'));
    const args = [
      target,
      '-sf',
      scenarioFile,
      '-s',
      service,
      '-m',
      '1',
      ...Sipp.commonArgs(dir, port, mediaPort, options.traceMessages ?? true),
      ...(options.extraArgs ?? []),
    ];
    return Sipp.spawnIn(dir, args, mediaPort);
  }

  /** Loopback only, no stdin, errors (and messages) logged in `dir`, a hard time limit. */
  private static commonArgs(dir: string, port: number, mediaPort: number, traceMessages: boolean): string[] {
    const messages = traceMessages ? ['-trace_msg', '-message_file', join(dir, 'messages.log')] : [];
    return [
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-mi',
      '127.0.0.1',
      '-mp',
      String(mediaPort),
      '-nostdin',
      ...messages,
      '-trace_err',
      '-error_file',
      join(dir, 'errors.log'),
      '-timeout',
      '600s',
    ];
  }

  private static async spawnIn(dir: string, args: string[], mediaPort: number): Promise<Sipp> {
    const child = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    const sipp = new Sipp(child, dir, output, mediaPort);
    // SIPp exits at once when it cannot bind its port; give it a moment to say so.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 800);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (child.exitCode !== null && child.exitCode !== 0) {
      throw new Error(`sipp exited at start (${child.exitCode}): ${output.join('').slice(-2000)}`);
    }
    return sipp;
  }

  /** Resolves with SIPp's exit code once it has finished its calls (UAC with -m). */
  exited(): Promise<number> {
    if (this.child.exitCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve) => this.child.once('exit', (code) => resolve(code ?? -1)));
  }

  messages(): SippMessage[] {
    const file = join(this.dir, 'messages.log');
    if (!existsSync(file)) return [];
    const text = readFileSync(file, 'latin1');
    return text
      .split(/^-{10,}[^\n]*\n/m)
      .slice(1)
      .map((block) => {
        const m = /^\s*\w+ message (sent|received)[^\n]*\n\s*/i.exec(block);
        const body = m ? block.slice(m[0].length) : block.trimStart();
        const direction: SippMessage['direction'] = m?.[1].toLowerCase() === 'sent' ? 'sent' : 'received';
        return { direction, firstLine: body.split(/\r?\n/)[0] ?? '', raw: body };
      });
  }

  /** Received requests of a method, e.g. the INVITEs. */
  received(method: string): SippMessage[] {
    return this.messages().filter((m) => m.direction === 'received' && m.firstLine.startsWith(`${method} `));
  }

  sentResponses(code: number): SippMessage[] {
    return this.messages().filter(
      (m) => m.direction === 'sent' && m.firstLine.startsWith(`SIP/2.0 ${code} `),
    );
  }

  errors(): string {
    const file = join(this.dir, 'errors.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
      }, 3000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.kill('SIGTERM');
    });
  }
}

/** The simulated voter trunk (tests/sipp/voter-trunk.xml) on the port Asterisk's trunk points to. */
export async function startVoterTrunk(waitMs = 60_000): Promise<Sipp> {
  const port = Number(process.env.VOTER_TRUNK_PORT ?? 5070);
  // Another test file (or run) may still hold the port: retry for a while, then fail clearly.
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await Sipp.uas('voter-trunk.xml', port, 16000);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
