import {
  ArgumentsHost,
  BadRequestException,
  Body,
  Catch,
  Controller,
  Get,
  HttpStatus,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  type ExceptionFilter,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TrunkError, type TrunkHealthRow } from '@phonebank/persistence';
import { CreateTrunkDto, HealthQueryDto, UpdateTrunkDto } from './trunks.dto';
import { TrunksService, type TrunkView } from './trunks.service';
import { Guarded } from '../auth/guarded.decorator';

const STATUS: Record<TrunkError['code'], number> = {
  NOT_FOUND: HttpStatus.NOT_FOUND,
  NAME_TAKEN: HttpStatus.CONFLICT,
  STATIC_TRUNK: HttpStatus.CONFLICT,
};

@Catch(TrunkError)
export class TrunkErrorFilter implements ExceptionFilter {
  catch(error: TrunkError, host: ArgumentsHost): void {
    const status = STATUS[error.code];
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(status)
      .json({ statusCode: status, code: error.code, message: error.message });
  }
}

/** Names the PBX's own configuration uses: a trunk cannot take them. */
const RESERVED = new Set(['dialin']);
const MAX_HEALTH_DAYS = 93;

/** Trunks of the install (SPEC §7): admin and telecom staff only. Thin: TrunksService decides. */
@ApiTags('trunks')
@Guarded(TrunkErrorFilter, 'admin', 'telecom')
@Controller('trunks')
export class TrunksController {
  constructor(private readonly trunks: TrunksService) {}

  @Get()
  @ApiOperation({
    summary: 'Every trunk, its limits, live calls and whether the PBX has it (never the password)',
  })
  list(): Promise<TrunkView[]> {
    return this.trunks.list();
  }

  @Get('health')
  @ApiOperation({
    summary: 'Per-trunk ASR, ACD, post-dial delay and SIP cause mix over a period (default: 24 h)',
  })
  health(@Query() q: HealthQueryDto): Promise<TrunkHealthRow[]> {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 24 * 3600_000);
    if (!(from < to))
      throw new BadRequestException({ code: 'INVALID_INPUT', message: '`from` must be before `to`' });
    if (to.getTime() - from.getTime() > MAX_HEALTH_DAYS * 24 * 3600_000) {
      throw new BadRequestException({
        code: 'INVALID_INPUT',
        message: `a period is at most ${MAX_HEALTH_DAYS} days`,
      });
    }
    return this.trunks.health(from, to);
  }

  @Get(':id')
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<TrunkView> {
    const t = await this.trunks.get(id);
    if (!t) throw new NotFoundException({ code: 'NOT_FOUND', message: 'trunk not found' });
    return t;
  }

  @Post()
  @ApiOperation({ summary: 'Create a trunk; it is applied to the PBX at once (no restart)' })
  create(@Body() dto: CreateTrunkDto): Promise<TrunkView> {
    if (RESERVED.has(dto.name)) {
      throw new BadRequestException({
        code: 'INVALID_INPUT',
        message: `the name ${dto.name} is reserved; pick another`,
      });
    }
    return this.trunks.create(dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a trunk (limits apply to the next call); enabled=false disables it' })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateTrunkDto): Promise<TrunkView> {
    return this.trunks.update(id, dto);
  }
}
