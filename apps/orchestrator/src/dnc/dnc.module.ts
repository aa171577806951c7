import { Module } from '@nestjs/common';
import { BearerAuthGuard } from '../queue-api/auth.guard';
import { DncController } from './dnc.controller';

/** The campaign's do-not-call list over REST (issue 6). Needs DatabaseModule in scope. */
@Module({ controllers: [DncController], providers: [BearerAuthGuard] })
export class DncModule {}
