/**
 * One error taxonomy for engine and client. Each class carries the HTTP status the
 * Engine API uses for it; the engine maps errors to responses in one place
 * (`errorToStatus`) and the client maps responses back (`statusToError`).
 */
export class BerthError extends Error {
  readonly status: number = 500;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class InvalidArgument extends BerthError { override readonly status = 400; }
export class Unauthorized extends BerthError { override readonly status = 401; }
export class Forbidden extends BerthError { override readonly status = 403; }
export class NotFound extends BerthError { override readonly status = 404; }
export class NotModified extends BerthError { override readonly status = 304; }
export class Conflict extends BerthError { override readonly status = 409; }
export class SystemError extends BerthError { override readonly status = 500; }
export class NotImplemented extends BerthError { override readonly status = 501; }
export class Unavailable extends BerthError { override readonly status = 503; }

const byStatus: Record<number, new (m: string) => BerthError> = {
  304: NotModified,
  400: InvalidArgument,
  401: Unauthorized,
  403: Forbidden,
  404: NotFound,
  409: Conflict,
  500: SystemError,
  501: NotImplemented,
  503: Unavailable,
};

/** HTTP status for any thrown value: our taxonomy, else 500. */
export function errorToStatus(err: unknown): number {
  return err instanceof BerthError ? err.status : 500;
}

/** Rebuild a typed error from an API response (client side). */
export function statusToError(status: number, message: string): BerthError {
  const Cls = byStatus[status] ?? SystemError;
  const e = new Cls(message);
  if (!byStatus[status]) (e as { status: number }).status = status;
  return e;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
