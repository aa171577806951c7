import type { Readable } from 'node:stream';
import { ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Clock } from '@phonebank/domain';
import {
  createImportJob,
  finishImportJob,
  getImportJob,
  importVotersCsv,
  listImportJobs,
  recordImportProgress,
  startImportJob,
  touchImportJob,
  type ImportJobRow,
  type UserRow,
} from '@phonebank/persistence';
import { CLOCK } from '../clock/clock.module';

type CampaignUser = UserRow & { campaignId: string };

/** How often the running import writes its progress, and touches its job while it is quiet. */
const PROGRESS_EVERY_MS = 300;
const HEARTBEAT_MS = 5_000;

/**
 * Voter imports as jobs (issue 6): the browser announces a file, then uploads it; the import
 * reads it as it arrives (all or nothing, errors by line) and writes its progress into the job,
 * which the browser reads while the upload runs.
 */
@Injectable()
export class VoterImportsService {
  private readonly logger = new Logger('VoterImports');

  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  start(user: CampaignUser, fileName: string, totalBytes: number | null): Promise<ImportJobRow> {
    return createImportJob(this.ds, {
      campaignId: user.campaignId,
      userId: user.id,
      fileName,
      totalBytes,
      now: this.clock.now(),
    });
  }

  get(user: CampaignUser, id: string): Promise<ImportJobRow> {
    return getImportJob(this.ds, user.campaignId, id, this.clock.now());
  }

  list(user: CampaignUser): Promise<ImportJobRow[]> {
    return listImportJobs(this.ds, user.campaignId, this.clock.now());
  }

  /** Import the uploaded file into the job's campaign; answers the finished job. */
  async upload(user: CampaignUser, id: string, body: Readable): Promise<ImportJobRow> {
    await getImportJob(this.ds, user.campaignId, id, this.clock.now()); // 404 for another campaign's job
    if (!(await startImportJob(this.ds, user.campaignId, id, this.clock.now()))) {
      body.resume(); // drain what the browser still sends
      throw new ConflictException({
        code: 'IMPORT_STARTED',
        message: 'this import already received its file; start a new import to upload again',
      });
    }
    let lastWrite = 0;
    let bytes = 0;
    let writes: Promise<void> = Promise.resolve();
    const write = (p: { phase: 'parsing' | 'merging'; rows: number; bytes: number }): void => {
      writes = writes
        .then(() => recordImportProgress(this.ds, id, p, this.clock.now()))
        .catch((e: unknown) => this.logger.warn(`import ${id}: progress not saved: ${String(e)}`));
    };
    const heartbeat = setInterval(() => {
      writes = writes.then(() => touchImportJob(this.ds, id, this.clock.now())).catch(() => undefined);
    }, HEARTBEAT_MS);
    heartbeat.unref();
    try {
      const result = await importVotersCsv(this.ds, user.campaignId, body, {
        now: this.clock.now(),
        onProgress: (p) => {
          bytes = p.bytes;
          if (p.phase !== 'parsing' && p.phase !== 'merging') return;
          const now = Date.now();
          if (p.phase === 'merging' || now - lastWrite >= PROGRESS_EVERY_MS) {
            lastWrite = now;
            write({ phase: p.phase, rows: p.rows, bytes: p.bytes });
          }
        },
      });
      clearInterval(heartbeat);
      await writes;
      await finishImportJob(this.ds, id, { result, bytes }, this.clock.now());
      this.logger.log(
        `import ${id} (campaign ${user.campaignId}): ${result.ok ? 'imported' : 'refused'} ${result.rows} rows` +
          (result.ok ? '' : `, ${result.errorCount} errors`),
      );
    } catch (error) {
      clearInterval(heartbeat);
      await writes;
      this.logger.error(`import ${id} (campaign ${user.campaignId}) failed: ${String(error)}`);
      await finishImportJob(
        this.ds,
        id,
        {
          error:
            'the import stopped on the server (the upload was cut off, or the database failed); nothing was ' +
            'imported. Upload the file again.',
        },
        this.clock.now(),
      );
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
    return getImportJob(this.ds, user.campaignId, id, this.clock.now());
  }
}
