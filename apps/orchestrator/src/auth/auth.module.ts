import { Module } from '@nestjs/common';
import { ClockModule } from '../clock/clock.module';
import { AccountsService } from './accounts.service';
import { AuthController } from './auth.controller';
import { CallScreenService } from './call-screen.service';
import { LoginRateLimiter } from './login-rate.limiter';
import { MeController } from './me.controller';
import { PasswordHasher } from './password.hasher';
import { SessionAuthGuard } from './session-auth.guard';

/**
 * Accounts and the volunteer's own routes (issue 5): /api/auth/* and /api/me/*. Needs a
 * TypeORM DataSource in scope (DatabaseModule).
 */
@Module({
  imports: [ClockModule],
  controllers: [AuthController, MeController],
  providers: [
    AccountsService,
    CallScreenService,
    PasswordHasher,
    { provide: LoginRateLimiter, useFactory: () => new LoginRateLimiter() },
    SessionAuthGuard,
  ],
  exports: [PasswordHasher, SessionAuthGuard],
})
export class AuthModule {}
