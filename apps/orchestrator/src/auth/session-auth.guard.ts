import type { CanActivate, ExecutionContext } from '@nestjs/common';
import {
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import type { IncomingMessage } from 'node:http';
import type { UserRole, UserRow } from '@phonebank/persistence';
import { authenticate } from './request-user';

export const ROLES_KEY = 'phonebank:roles';
/** Roles allowed on a route (default: any signed-in campaign user). */
export const Roles = (...roles: UserRole[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);

export type AuthedRequest = IncomingMessage & { user: UserRow & { campaignId: string } };

/** The signed-in user (set by SessionAuthGuard). */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthedRequest>().user,
);

/**
 * Who is calling: the login session cookie (browsers) or an API bearer token (scripts), then
 * the route's roles. Every route is scoped to the user's campaign. The socket gateway uses the
 * same `authenticate` at its handshake.
 */
@Injectable()
export class SessionAuthGuard implements CanActivate {
  constructor(
    private readonly ds: DataSource,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const user = await authenticate(this.ds, {
      cookie: req.headers.cookie,
      authorization: req.headers.authorization,
    });
    if (!user)
      throw new UnauthorizedException({
        code: 'UNAUTHENTICATED',
        message: 'log in first (or send a bearer token)',
      });
    if (!user.campaignId) throw new ForbiddenException({ code: 'FORBIDDEN', message: 'not a campaign user' });
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_KEY, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (roles && !roles.includes(user.role))
      throw new ForbiddenException({ code: 'FORBIDDEN', message: 'not allowed for your role' });
    req.user = user as AuthedRequest['user'];
    return true;
  }
}
