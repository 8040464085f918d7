import { InvalidArgument } from '@berth/shared';
import { ReferenceError } from '@berth/shared/reference';

/** Wrap reference parse errors as InvalidArgument (400) with Docker's message. */
export function parseRef<T>(fn: () => T): T {
  try { return fn(); } catch (e) {
    if (e instanceof ReferenceError) throw new InvalidArgument(e.message);
    throw e;
  }
}
