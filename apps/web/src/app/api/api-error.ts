import type { ApiErrorBody } from './api.types';

/** An HTTP failure turned into something a volunteer can read, keeping the status for callers. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What to say for a status when the server gave no usable message (or we must not show it). */
function fallbackMessage(status: number, action: string): string {
  if (status === 0) return `Could not reach the server to ${action}. Check your connection and try again.`;
  if (status === 401) return 'You are not logged in, or your session has expired.';
  if (status === 403) return `You are not allowed to ${action}.`;
  if (status === 404) return `The server does not offer this yet (HTTP 404): could not ${action}.`;
  if (status === 429) return 'Too many attempts. Wait a minute and try again.';
  if (status >= 500) return `The server failed to ${action} (HTTP ${status}). Try again in a moment.`;
  return `Could not ${action} (HTTP ${status}).`;
}

/**
 * Builds the error for a failed answer. 4xx messages from the API are shown as they are (the
 * API writes them for people); 404 and 5xx bodies never are (STYLE.md: no raw 500s).
 */
export function apiErrorFrom(status: number, body: unknown, action: string): ApiError {
  const parsed = isApiErrorBody(body) ? body : undefined;
  const serverMessage = Array.isArray(parsed?.message) ? parsed.message.join('; ') : parsed?.message;
  const useServerMessage = status >= 400 && status < 500 && status !== 404 && !!serverMessage;
  return new ApiError(
    status,
    useServerMessage && serverMessage ? serverMessage : fallbackMessage(status, action),
    parsed?.code,
  );
}

/** Any thrown value as an ApiError (network failures and bugs become status 0). */
export function toApiError(error: unknown, action: string): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, fallbackMessage(0, action));
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === 'object' && value !== null && ('statusCode' in value || 'code' in value);
}
