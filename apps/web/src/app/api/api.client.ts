import { Injectable } from '@angular/core';
import { ApiError, apiErrorFrom } from './api-error';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A small JSON client over fetch (same origin, session cookie). Used instead of Angular's
 * HttpClient to keep the first page small. Sends the XSRF-TOKEN cookie back as X-XSRF-TOKEN
 * on writes when the server sets one (the double-submit convention HttpClient also follows).
 * Every failure rejects with an ApiError whose message can be shown to the volunteer.
 */
@Injectable({ providedIn: 'root' })
export class ApiClient {
  get<T>(url: string, action: string): Promise<T> {
    return this.request<T>('GET', url, undefined, action);
  }

  post<T>(url: string, body: unknown, action: string): Promise<T> {
    return this.request<T>('POST', url, body, action);
  }

  async request<T>(method: Method, url: string, body: unknown, action: string): Promise<T> {
    return body === undefined
      ? this.send<T>(method, url, null, null, action)
      : this.send<T>(method, url, JSON.stringify(body), 'application/json', action);
  }

  /** Send a file as it is (the request body), e.g. a CSV or an audio upload. */
  sendFile<T>(method: Method, url: string, file: Blob, contentType: string, action: string): Promise<T> {
    return this.send<T>(method, url, file, contentType, action);
  }

  private async send<T>(
    method: Method,
    url: string,
    body: BodyInit | null,
    contentType: string | null,
    action: string,
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (contentType) headers['Content-Type'] = contentType;
    const xsrf = method === 'GET' ? null : readCookie('XSRF-TOKEN');
    if (xsrf) headers['X-XSRF-TOKEN'] = xsrf;

    let response: Response;
    try {
      response = await fetch(url, { method, headers, credentials: 'same-origin', body });
    } catch {
      throw new ApiError(0, `Could not reach the server to ${action}. Check your connection and try again.`);
    }
    const payload = await readJson(response);
    if (!response.ok) throw apiErrorFrom(response.status, payload, action);
    return payload as T;
  }
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204 || !response.headers.get('content-type')?.includes('json')) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** A cookie of this page (the XSRF token), or null. */
export function readCookie(name: string): string | null {
  const match = document.cookie.split('; ').find((part) => part.startsWith(`${name}=`));
  return match ? decodeURIComponent(match.slice(name.length + 1)) : null;
}
