import { ArgumentsHost, Catch, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { PbxError } from '@phonebank/pbx';
import { pbxErrorResponse } from '../pbx/pbx-error.response';

export type PowerDialErrorCode =
  'NOT_FOUND' | 'INVALID_MODE' | 'CALLER_ID_UNVERIFIED' | 'NO_CREDIT' | 'NO_CALL' | 'REJECTED';

/** A domain error of power dialing, with a code the API maps to an HTTP status. */
export class PowerDialError extends Error {
  constructor(
    readonly code: PowerDialErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PowerDialError';
  }
}

const STATUS: Record<PowerDialErrorCode, number> = {
  NOT_FOUND: HttpStatus.NOT_FOUND,
  INVALID_MODE: HttpStatus.BAD_REQUEST,
  CALLER_ID_UNVERIFIED: HttpStatus.CONFLICT,
  NO_CREDIT: HttpStatus.PAYMENT_REQUIRED,
  NO_CALL: HttpStatus.CONFLICT,
  REJECTED: HttpStatus.CONFLICT,
};

/** Maps power-dial and PBX errors to JSON error bodies; never shows a raw 500 message. */
@Catch(PowerDialError, PbxError)
export class PowerDialErrorFilter implements ExceptionFilter {
  catch(error: PowerDialError | PbxError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (error instanceof PowerDialError) {
      res.status(STATUS[error.code]).json({ code: error.code, message: error.message });
      return;
    }
    const { status, body } = pbxErrorResponse(error);
    res.status(status).json(body);
  }
}
