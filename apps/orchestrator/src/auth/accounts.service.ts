import {
  ConflictException,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  acceptInvitation,
  campaignName,
  createInvitation,
  createLoginSession,
  deleteLoginSession,
  findLoginCredentials,
  type UserRow,
} from '@phonebank/persistence';
import type { CurrentUser, InvitationResponse } from '../../../../libs/contracts/src/call-screen.contract';
import { LoginRateLimiter } from './login-rate.limiter';
import { PasswordHasher } from './password.hasher';

/** A login session lasts this long (the cookie expires with it). */
export const SESSION_TTL_SECONDS = 12 * 3600;
/** An invitation link works this long, once. */
export const INVITATION_TTL_SECONDS = 7 * 24 * 3600;

export interface StartedLogin {
  user: CurrentUser;
  token: string;
  expiresAt: Date;
}

/** Accounts: invitations, passwords, login sessions. Controllers only translate HTTP. */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger('Accounts');

  constructor(
    private readonly ds: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly limiter: LoginRateLimiter,
  ) {}

  async login(
    email: string,
    password: string,
    client: { ip: string; userAgent?: string | undefined },
  ): Promise<StartedLogin> {
    const wait = this.limiter.retryAfterSeconds(email, client.ip);
    if (wait > 0) {
      throw new HttpException(
        {
          statusCode: 429,
          code: 'RATE_LIMITED',
          message: `Too many failed logins. Try again in ${Math.ceil(wait / 60)} minute(s).`,
          retryAfterSeconds: wait,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const found = await findLoginCredentials(this.ds, email);
    const ok = await this.hasher.verify(password, found?.passwordHash ?? null);
    if (!found || !ok) {
      this.limiter.recordFailure(email, client.ip);
      throw new UnauthorizedException({ code: 'BAD_CREDENTIALS', message: 'Wrong email or password.' });
    }
    this.limiter.recordSuccess(email, client.ip);
    const session = await createLoginSession(this.ds, {
      userId: found.user.id,
      now: new Date(),
      ttlSeconds: SESSION_TTL_SECONDS,
      ip: client.ip,
      userAgent: client.userAgent ?? null,
    });
    return { user: await this.describe(found.user), ...session };
  }

  async logout(token: string | undefined): Promise<void> {
    if (token) await deleteLoginSession(this.ds, token);
  }

  /**
   * Invite someone to the inviter's campaign. No mail transport is configured in this build,
   * so the link is logged (never a password: the invitee chooses it) and returned to the staff
   * member, who passes it on.
   */
  async invite(
    inviter: UserRow & { campaignId: string },
    input: { email: string; name?: string | undefined; role?: 'volunteer' | 'organizer' | undefined },
    appOrigin: string,
  ): Promise<InvitationResponse> {
    const email = input.email.trim().toLowerCase();
    const created = await createInvitation(this.ds, {
      campaignId: inviter.campaignId,
      email,
      name: input.name?.trim() || email.split('@')[0]!,
      role: input.role ?? 'volunteer',
      invitedBy: inviter.id,
      now: new Date(),
      ttlSeconds: INVITATION_TTL_SECONDS,
    });
    if (created === 'EMAIL_TAKEN')
      throw new ConflictException({ code: 'EMAIL_TAKEN', message: 'This email belongs to another account.' });
    if (created === 'ALREADY_ACTIVE')
      throw new ConflictException({
        code: 'ALREADY_ACTIVE',
        message: 'This person has already set a password.',
      });
    const inviteUrl = `${appOrigin}/accept-invite?token=${created.token}`;
    this.logger.log(`invitation for ${email} (no mail server configured; send them this link): ${inviteUrl}`);
    return { userId: created.user.id, email, expiresAt: created.expiresAt.toISOString(), inviteUrl };
  }

  async accept(token: string, password: string): Promise<CurrentUser> {
    const passwordHash = await this.hasher.hash(password);
    const user = await acceptInvitation(this.ds, { token, passwordHash, now: new Date() });
    if (!user)
      throw new HttpException(
        {
          statusCode: 410,
          code: 'INVITATION_INVALID',
          message: 'This invitation link is invalid, used or expired. Ask for a new one.',
        },
        HttpStatus.GONE,
      );
    return this.describe(user);
  }

  async describe(user: UserRow): Promise<CurrentUser> {
    return {
      id: user.id,
      name: user.name,
      email: user.email,
      role: user.role,
      campaignId: user.campaignId,
      campaignName: await campaignName(this.ds, user.campaignId),
    };
  }
}
