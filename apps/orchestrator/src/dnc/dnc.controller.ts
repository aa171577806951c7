import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import type { Clock } from '@phonebank/domain';
import {
  QueueError,
  addToDnc,
  dncAudit,
  exportDncCsv,
  importDncCsv,
  listDnc,
  removeFromDnc,
  type DncActor,
} from '@phonebank/persistence';
import { CurrentUser, type AuthedRequest } from '../queue-api/auth.guard';
import { QueueErrorFilter } from '../queue-api/queue-error.filter';
import { DncChangeDto, DncImportQueryDto, ListQueryDto } from './dnc.dto';
import { Guarded } from '../auth/guarded.decorator';
import { CLOCK } from '../clock/clock.module';

type User = AuthedRequest['user'];
const actor = (user: User): DncActor => ({ userId: user.id, userName: user.name });

/** Largest DNC file accepted (about a million numbers with reasons). */
export const DNC_IMPORT_MAX_BYTES = 32 * 1024 * 1024;

/** The request body, refused once it grows past `max` bytes. */
async function* capped(body: AsyncIterable<Buffer>, max: number): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes > max)
      throw new QueueError('INVALID_INPUT', `the file is larger than ${max / 1024 / 1024} MB: split it`);
    yield chunk;
  }
}

/**
 * The campaign's do-not-call list (SPEC §3, issue 6): campaign staff only, always the signed-in
 * user's campaign. Thin: the rules and their effects on the queues are in
 * libs/persistence/src/dnc/campaign-dnc.command.ts.
 */
@ApiTags('do not call')
@Guarded(QueueErrorFilter, 'admin', 'organizer')
@Controller('dnc')
export class DncController {
  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The DNC list, newest first; search by any digits of the number' })
  list(@CurrentUser() user: User, @Query() q: ListQueryDto) {
    return listDnc(this.ds, user.campaignId, {
      search: q.search,
      page: q.page ?? 1,
      pageSize: q.pageSize ?? 50,
    });
  }

  @Post()
  @ApiOperation({ summary: 'Add a number: DNC in every project now and in future ones; audited' })
  add(@CurrentUser() user: User, @Body() dto: DncChangeDto) {
    return addToDnc(this.ds, {
      campaignId: user.campaignId,
      number: dto.number,
      reason: dto.reason,
      actor: actor(user),
      now: this.clock.now(),
    });
  }

  @Post('remove')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Take a number off the list: queues it left because of DNC get it back where it may still be called',
  })
  remove(@CurrentUser() user: User, @Body() dto: DncChangeDto) {
    return removeFromDnc(this.ds, {
      campaignId: user.campaignId,
      number: dto.number,
      reason: dto.reason,
      actor: actor(user),
      now: this.clock.now(),
    });
  }

  @Post('import')
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiOperation({
    summary:
      'Import a CSV of numbers (a "phone" column, optional "reason"; or one number per line): all or nothing',
  })
  import(@CurrentUser() user: User, @Query() q: DncImportQueryDto, @Req() req: AuthedRequest) {
    return importDncCsv(this.ds, user.campaignId, capped(req, DNC_IMPORT_MAX_BYTES), {
      defaultReason: q.reason,
      actor: actor(user),
      now: this.clock.now(),
    });
  }

  @Get('export.csv')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The whole list as CSV' })
  export(
    @CurrentUser() user: User,
    @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void },
  ) {
    const day = this.clock.now().toISOString().slice(0, 10);
    res.setHeader('Content-Disposition', `attachment; filename="do-not-call-${day}.csv"`);
    return new StreamableFile(Readable.from(exportDncCsv(this.ds, user.campaignId)), {
      type: 'text/csv; charset=utf-8',
    });
  }

  @Get('audit')
  @ApiOperation({ summary: 'Every change to the list (who, when, what, why), newest first' })
  audit(@CurrentUser() user: User, @Query() q: ListQueryDto) {
    return dncAudit(this.ds, user.campaignId, {
      search: q.search,
      page: q.page ?? 1,
      pageSize: q.pageSize ?? 50,
    });
  }
}
