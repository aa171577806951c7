import {
  UseFilters,
  UseGuards,
  UsePipes,
  ValidationPipe,
  applyDecorators,
  type ExceptionFilter,
  type Type,
} from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { UserRole } from '@phonebank/persistence';
import { Roles, SessionAuthGuard } from './session-auth.guard';

const validation = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });

/**
 * What every API controller needs: signed in (session cookie or bearer token), limited to
 * `roles` when given (else any campaign user), every input validated against its DTO (unknown
 * fields refused), and its errors mapped by `filter` to JSON bodies with codes.
 */
export const Guarded = (filter: Type<ExceptionFilter>, ...roles: UserRole[]): ClassDecorator =>
  applyDecorators(
    UseGuards(SessionAuthGuard),
    ...(roles.length > 0 ? [Roles(...roles)] : []),
    UsePipes(validation),
    UseFilters(filter),
    ApiBearerAuth(),
  );
