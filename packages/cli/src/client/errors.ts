/** Errors the client raises: the shared taxonomy plus dockerode's fields (statusCode, json, reason). */
import { BerthError, statusToError } from '@berth/shared';

export interface ApiErrorFields { statusCode: number; json: { message?: string } | null; reason: string }

export type ApiError = BerthError & ApiErrorFields;

export function apiError(statusCode: number, body: string, reason = ''): ApiError {
  let json: { message?: string } | null = null;
  try { json = JSON.parse(body); } catch { /* not JSON */ }
  const message = json?.message ?? (body.trim() || `HTTP ${statusCode}`);
  return Object.assign(statusToError(statusCode, message), { statusCode, json, reason });
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof BerthError && typeof (e as Partial<ApiErrorFields>).statusCode === 'number';
}

/** The daemon could not be reached at all. */
export class ConnectionError extends Error {
  constructor(readonly host: string, options?: { cause?: unknown }) {
    super(`Cannot connect to the Berth daemon at ${host}. Is the berth daemon running?`, options);
    this.name = 'ConnectionError';
  }
}

const connectCodes = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
export function isConnectFailure(e: unknown): boolean {
  const err = e as { code?: string; cause?: { code?: string } };
  return connectCodes.has(err?.code ?? '') || connectCodes.has(err?.cause?.code ?? '');
}
