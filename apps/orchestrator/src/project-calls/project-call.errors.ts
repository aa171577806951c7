import { ArgumentsHost, Catch, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { PbxError } from '@phonebank/pbx';
import { pbxErrorResponse } from '../pbx/pbx-error.response';

export type ProjectCallErrorCode =
  'NOT_FOUND' | 'CONFLICT' | 'INVALID_AUDIO' | 'TOO_LARGE' | 'CONVERTER_MISSING' | 'NOTHING_TO_CANCEL';

/** Errors of the calls campaign staff ask for (caller-ID verification, call me to record, uploads). */
export class ProjectCallError extends Error {
  constructor(
    readonly code: ProjectCallErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProjectCallError';
  }
}

const STATUS: Record<ProjectCallErrorCode, number> = {
  NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  INVALID_AUDIO: HttpStatus.UNPROCESSABLE_ENTITY,
  TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  CONVERTER_MISSING: HttpStatus.SERVICE_UNAVAILABLE,
  NOTHING_TO_CANCEL: HttpStatus.CONFLICT,
};

/** Maps these errors and PBX errors to JSON bodies with codes; never a raw 500 message. */
@Catch(ProjectCallError, PbxError)
export class ProjectCallErrorFilter implements ExceptionFilter {
  catch(error: ProjectCallError | PbxError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (error instanceof ProjectCallError) {
      const status = STATUS[error.code];
      res.status(status).json({ statusCode: status, code: error.code, message: error.message });
      return;
    }
    const { status, body } = pbxErrorResponse(error);
    res.status(status).json({ statusCode: status, ...body });
  }
}
