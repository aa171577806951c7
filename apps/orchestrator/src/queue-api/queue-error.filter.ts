import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpStatus } from '@nestjs/common';
import { QueueError } from '@phonebank/persistence';

interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

const STATUS: Record<QueueError['code'], number> = {
  NOT_FOUND: HttpStatus.NOT_FOUND,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  LEASE_LOST: HttpStatus.CONFLICT,
  OUTCOME_CONFLICT: HttpStatus.CONFLICT,
  INVALID_OUTCOME: HttpStatus.UNPROCESSABLE_ENTITY,
  INVALID_INPUT: HttpStatus.BAD_REQUEST,
};

/** Domain and persistence errors carry codes; map them to HTTP without leaking internals. */
@Catch(QueueError)
export class QueueErrorFilter implements ExceptionFilter {
  catch(err: QueueError, host: ArgumentsHost): void {
    const status = STATUS[err.code];
    host
      .switchToHttp()
      .getResponse<JsonResponse>()
      .status(status)
      .json({ statusCode: status, code: err.code, message: err.message });
  }
}
