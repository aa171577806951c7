import { HttpStatus } from '@nestjs/common';
import type { PbxError } from '@phonebank/pbx';

/** How the API answers a PBX error: the phone system is unreachable, never the raw message. */
export function pbxErrorResponse(error: PbxError): {
  status: number;
  body: { code: 'PBX_UNAVAILABLE'; message: string };
} {
  return {
    status: error.code === 'not-connected' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_GATEWAY,
    body: { code: 'PBX_UNAVAILABLE', message: 'the phone system is not reachable; try again shortly' },
  };
}
