import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

/** Every response and body shape, generated from the API's OpenAPI document (`npm run api:types`). */
export type Schemas = components['schemas'];

/** An API answer other than 2xx, with the one error body of the API (`statusCode, error, message, details?`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Where the browser goes to sign in, coming back to the page it was on. */
export function signInUrl(): string {
  const here = `${window.location.pathname}${window.location.search}`;
  return `/auth/login?returnTo=${encodeURIComponent(here)}`;
}

const signInOn401: Middleware = {
  onResponse({ response }) {
    // The session ended (or never began): the API's own sign-in brings the person back here.
    if (response.status === 401) window.location.assign(signInUrl());
    return response;
  },
};

/** The typed client: same origin, the browser session cookie of /auth/login. */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(signInOn401);

function messageOf(error: unknown, status: number): { message: string; details?: unknown } {
  if (error && typeof error === 'object' && 'message' in error) {
    const e = error as { message: unknown; details?: unknown };
    const message = Array.isArray(e.message) ? e.message.join('; ') : String(e.message);
    return { message, details: e.details };
  }
  return { message: `The server answered ${status}` };
}

/** The data of a 2xx answer, else an ApiError carrying the API's message. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const { message, details } = messageOf(error, response.status);
    throw new ApiError(response.status, message, details);
  }
  return data as T;
}

/** A problem in words for a person (what the API said, and what to do about a 403 or 409). */
/**
 * The JSON variant of a response that is JSON or CSV text (reports with `format=csv`): the
 * document lists both media types, and a call without `format=csv` always gets the JSON one.
 */
export function jsonOf<T extends object>(data: T | string): T {
  if (typeof data === 'string') throw new ApiError(0, 'Expected JSON, got text');
  return data;
}

export function problemText(err: unknown): string {
  if (err instanceof ApiError) {
    const details = Array.isArray(err.details)
      ? ` (${err.details.map((d) => (typeof d === 'string' ? d : JSON.stringify(d))).join('; ')})`
      : '';
    if (err.status === 403) return `You are not allowed to do this: ${err.message}`;
    if (err.status === 409) return `This has changed meanwhile: ${err.message}`;
    return `${err.message}${details}`;
  }
  return err instanceof Error ? err.message : String(err);
}
