import type { LoggerService } from '@nestjs/common';

/** A Nest logger that keeps what the app logged, for tests that assert on logs. */
export class CollectingLogger implements LoggerService {
  readonly lines: { level: string; context: string; message: string }[] = [];
  constructor(private readonly echo: string[] = ['error']) {}
  private add(level: string, message: unknown, context?: unknown): void {
    const line = { level, context: typeof context === 'string' ? context : '', message: String(message) };
    this.lines.push(line);
    if (this.echo.includes(level)) console.error(`[${level}] ${line.context}: ${line.message}`);
  }
  log(message: unknown, context?: unknown): void {
    this.add('log', message, context);
  }
  error(message: unknown, _trace?: unknown, context?: unknown): void {
    this.add('error', message, context);
  }
  warn(message: unknown, context?: unknown): void {
    this.add('warn', message, context);
  }
  debug(message: unknown, context?: unknown): void {
    this.add('debug', message, context);
  }
  verbose(message: unknown, context?: unknown): void {
    this.add('verbose', message, context);
  }
  text(): string {
    return this.lines.map((l) => `${l.level} ${l.context} ${l.message}`).join('\n');
  }
}
