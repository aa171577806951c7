import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { IncomingMessage } from 'node:http';
import {
  SESSION_COOKIE,
  type CurrentUser as CurrentUserJson,
  type InvitationResponse,
  type LoginResponse,
} from '../../../../libs/contracts/src/call-screen.contract';
import { AccountsService } from './accounts.service';
import { AcceptInvitationDto, InvitationDto, LoginDto } from './auth.dto';
import { readCookie } from './request-user';
import { CurrentUser, Roles, SessionAuthGuard, type AuthedRequest } from './session-auth.guard';

/** The parts of express's request and response used here. */
type HttpRequest = IncomingMessage & { ip?: string; protocol?: string };
interface CookieOptions {
  httpOnly: boolean;
  sameSite: 'strict';
  secure: boolean;
  path: string;
  expires?: Date;
}
interface HttpResponse {
  cookie(name: string, value: string, options: CookieOptions): void;
  clearCookie(name: string, options: Omit<CookieOptions, 'expires'>): void;
  setHeader(name: string, value: string): void;
}

const cookieOptions = (req: HttpRequest): Omit<CookieOptions, 'expires'> => ({
  httpOnly: true,
  sameSite: 'strict',
  // Behind TLS (directly, or a proxy that says so) the cookie is never sent in clear.
  secure: req.protocol === 'https' || req.headers['x-forwarded-proto'] === 'https',
  path: '/',
});

/** Log in and out, invitations, who am I. */
@ApiTags('accounts')
@Controller('auth')
export class AuthController {
  constructor(private readonly accounts: AccountsService) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Email + password → HttpOnly SameSite=Strict session cookie (rate limited per email and IP)',
  })
  async login(
    @Body() dto: LoginDto,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<LoginResponse> {
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const started = await this.accounts.login(dto.email, dto.password, {
      ip,
      userAgent: req.headers['user-agent'],
    });
    res.cookie(SESSION_COOKIE, started.token, { ...cookieOptions(req), expires: started.expiresAt });
    res.setHeader('Cache-Control', 'no-store');
    return { user: started.user, expiresAt: started.expiresAt.toISOString() };
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse): Promise<void> {
    await this.accounts.logout(readCookie(req.headers.cookie, SESSION_COOKIE));
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
  }

  @Get('me')
  @UseGuards(SessionAuthGuard)
  me(@CurrentUser() user: AuthedRequest['user']): Promise<CurrentUserJson> {
    return this.accounts.describe(user);
  }

  @Post('invitations')
  @UseGuards(SessionAuthGuard)
  @Roles('admin', 'organizer')
  @ApiOperation({
    summary:
      'Invite a volunteer (or organizer) by email; the link is logged when no mail server is configured',
  })
  invite(
    @CurrentUser() user: AuthedRequest['user'],
    @Body() dto: InvitationDto,
    @Req() req: HttpRequest,
  ): Promise<InvitationResponse> {
    const origin = `${req.protocol ?? 'http'}://${req.headers.host ?? 'localhost'}`;
    return this.accounts.invite(user, dto, origin);
  }

  @Post('accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Use an invitation: set the password (then log in)' })
  async accept(@Body() dto: AcceptInvitationDto): Promise<{ user: CurrentUserJson }> {
    return { user: await this.accounts.accept(dto.token, dto.password) };
  }
}
