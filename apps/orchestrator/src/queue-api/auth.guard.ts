import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { ForbiddenException, Injectable, SetMetadata, UnauthorizedException, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import type { IncomingMessage } from 'node:http';
import type { UserRole, UserRow } from '@phonebank/persistence';
import { findUserByApiToken } from '@phonebank/persistence';

export const ROLES_KEY = 'phonebank:roles';
/** Roles allowed on a route (default: any signed-in campaign user). */
export const Roles = (...roles: UserRole[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

export type AuthedRequest = IncomingMessage & { user: UserRow & { campaignId: string } };

/** The signed-in user (set by BearerAuthGuard). */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthedRequest>().user);

/**
 * Bearer token → user (tokens stored as SHA-256 hashes). Interim authentication until real
 * login arrives (issue 5). Every route is scoped to the user's campaign.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly ds: DataSource,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) throw new UnauthorizedException({ code: 'UNAUTHENTICATED', message: 'bearer token required' });
    const user = await findUserByApiToken(this.ds, m[1]!);
    if (!user) throw new UnauthorizedException({ code: 'UNAUTHENTICATED', message: 'unknown token' });
    if (!user.campaignId) throw new ForbiddenException({ code: 'FORBIDDEN', message: 'not a campaign user' });
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (roles && !roles.includes(user.role)) throw new ForbiddenException({ code: 'FORBIDDEN', message: 'not allowed for your role' });
    req.user = user as AuthedRequest['user'];
    return true;
  }
}
