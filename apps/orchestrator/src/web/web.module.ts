import { Inject, Logger, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { existsSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';

/**
 * Serves the built Angular app (dist/web/browser) from the orchestrator: one origin for the
 * app, the API and Socket.IO. Files are served as they are; any other GET that is not for the
 * API, Socket.IO, /health or /metrics gets index.html so the app's own routes work on reload.
 * When the app has not been built, those requests get a short page saying how to build it.
 *
 * The handlers are added in onModuleInit, which Nest runs after it has registered every
 * controller route and before its 404 handler: API routes always win, unknown API paths keep
 * their JSON 404.
 */
export interface WebModuleOptions {
  /** The folder holding index.html and the bundles. Default: <repo>/dist/web/browser. */
  browserDir?: string;
}

export const WEB_MODULE_OPTIONS = Symbol('WEB_MODULE_OPTIONS');

/** Paths that belong to the server, never to the app (so no index.html fallback for them). */
const SERVER_PATHS = /^\/(api|socket\.io|health|metrics)(\/|$)/;
/** Angular's hashed output names, e.g. chunk-BCUQSASV.js, styles-FSTOEAIM.css. */
const HASHED_FILE = /-[A-Z0-9]{8}\.(js|css|mjs)$/;
/** The app loads only its own scripts and styles and talks only to its own origin. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The few parts of express's request and response used here (express types are not a dependency). */
interface WebRequest {
  method: string;
  path: string;
}
interface WebResponse {
  status(code: number): WebResponse;
  setHeader(name: string, value: string): void;
  type(type: string): WebResponse;
  send(body: string): void;
  sendFile(
    path: string,
    options: { dotfiles: 'deny'; headers: Record<string, string> },
    done: (error?: Error) => void,
  ): void;
}
type Next = (error?: unknown) => void;

@Module({})
export class WebModule implements OnModuleInit {
  private readonly logger = new Logger('Web');

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(WEB_MODULE_OPTIONS) private readonly options: Required<WebModuleOptions>,
  ) {}

  /** Serves the app from `browserDir` (default: dist/web/browser at the repository root). */
  static forRoot(options: WebModuleOptions = {}): DynamicModule {
    const browserDir = resolve(options.browserDir ?? defaultBrowserDir());
    return {
      module: WebModule,
      providers: [
        { provide: WEB_MODULE_OPTIONS, useValue: { browserDir } satisfies Required<WebModuleOptions> },
      ],
    };
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter || adapter.getType() !== 'express') {
      this.logger.warn('the web app is served only with @nestjs/platform-express; not serving it');
      return;
    }
    const { browserDir } = this.options;
    const index = join(browserDir, 'index.html');
    if (isFile(index)) {
      adapter.use(serveApp(browserDir, index));
      this.logger.log(`serving the web app from ${browserDir}`);
    } else {
      adapter.use(serveBuildHint(browserDir));
      this.logger.warn(`the web app is not built (no ${index}): run \`npm run build:web\`, then restart`);
    }
  }
}

function serveApp(root: string, index: string) {
  const sendIndex = (res: WebResponse, next: Next) =>
    res.sendFile(
      index,
      {
        dotfiles: 'deny',
        headers: {
          'Cache-Control': 'no-cache',
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
          'X-Content-Type-Options': 'nosniff',
          'Referrer-Policy': 'same-origin',
        },
      },
      (error) => error && next(error),
    );

  return async (req: WebRequest, res: WebResponse, next: Next): Promise<void> => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVER_PATHS.test(req.path)) return next();
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    const file = resolve(root, `.${path}`);
    if (file !== root && !file.startsWith(root + sep)) return next();
    if (file !== root && (await stat(file).catch(() => null))?.isFile()) {
      const cache = HASHED_FILE.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache';
      res.sendFile(
        file,
        { dotfiles: 'deny', headers: { 'Cache-Control': cache, 'X-Content-Type-Options': 'nosniff' } },
        (error) => error && next(error),
      );
      return;
    }
    // A missing file (a path whose last part has an extension) is a 404, not the app.
    if (/\.[a-z0-9]+$/i.test(path)) return next();
    sendIndex(res, next);
  };
}

function serveBuildHint(root: string) {
  return (req: WebRequest, res: WebResponse, next: Next): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVER_PATHS.test(req.path)) return next();
    res
      .status(503)
      .type('text/plain; charset=utf-8')
      .send(
        'The phone bank web app has not been built.\n\n' +
          'Build it with `npm run build:web` (the files go to dist/web/browser), then restart the orchestrator.\n' +
          `Looked for: ${join(root, 'index.html')}\n` +
          'The API is served under /api.\n',
      );
  };
}

/** <repo>/dist/web/browser, found from this file whether it runs from source or from dist/. */
function defaultBrowserDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nest-cli.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return resolve(process.cwd(), 'dist/web/browser');
    dir = parent;
  }
  return join(dir, 'dist', 'web', 'browser');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
