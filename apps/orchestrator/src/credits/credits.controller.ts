import { Body, Controller, Get, Inject, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type { Clock } from '@phonebank/domain';
import { creditLedger, creditSummary, topUpCredits } from '@phonebank/persistence';
import { CurrentUser, Roles, type AuthedRequest } from '../queue-api/auth.guard';
import { QueueErrorFilter } from '../queue-api/queue-error.filter';
import { LedgerQueryDto } from '../dnc/dnc.dto';
import { TopUpDto } from './credits.dto';
import { Guarded } from '../auth/guarded.decorator';
import { CLOCK } from '../clock/clock.module';

type User = AuthedRequest['user'];

/**
 * Prepaid credits (SPEC §6): balance, rate and the append-only ledger for campaign staff;
 * top-ups by admins only. Always the signed-in user's campaign.
 */
@ApiTags('credits')
@Guarded(QueueErrorFilter, 'admin', 'organizer')
@Controller('credits')
export class CreditsController {
  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Balance, rate per minute and the minutes of power dialing it buys' })
  summary(@CurrentUser() user: User) {
    return creditSummary(this.ds, user.campaignId, this.clock.now());
  }

  @Get('ledger')
  @ApiOperation({ summary: 'The ledger (top-ups and power-dialing usage), newest first' })
  ledger(@CurrentUser() user: User, @Query() q: LedgerQueryDto) {
    return creditLedger(this.ds, user.campaignId, {
      kind: q.kind,
      page: q.page ?? 1,
      pageSize: q.pageSize ?? 50,
    });
  }

  @Post('top-ups')
  @Roles('admin')
  @ApiOperation({ summary: 'Add prepaid credit (admins only); the entry can never be changed' })
  topUp(@CurrentUser() user: User, @Body() dto: TopUpDto) {
    return topUpCredits(this.ds, {
      campaignId: user.campaignId,
      amountCents: dto.amountCents,
      reason: dto.reason,
      userId: user.id,
      now: this.clock.now(),
    });
  }
}
