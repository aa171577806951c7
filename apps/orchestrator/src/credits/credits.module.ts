import { Module } from '@nestjs/common';
import { BearerAuthGuard } from '../queue-api/auth.guard';
import { CreditsController } from './credits.controller';

/** Prepaid credits over REST (issue 6). Needs DatabaseModule in scope. */
@Module({ controllers: [CreditsController], providers: [BearerAuthGuard] })
export class CreditsModule {}
