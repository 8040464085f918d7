/** Registry errors turned into Docker's texts and the Engine API's status codes (moby's translatePullError). */
import { NotFound, Unauthorized, BerthError, SystemError } from '@berth/shared';
import { familiarName, familiarString, type Reference } from '@berth/shared/reference';
import { RegistryError, errcodeText } from './client.js';

export function translatePullError(err: unknown, ref: Reference): Error {
  if (err instanceof RegistryError && err.errors.length) {
    const e = err.errors[0]!;
    switch (e.code) {
      case 'DENIED':
      case 'UNAUTHORIZED':
        return new NotFound(`pull access denied for ${familiarName(ref.name)}, repository does not exist or may require 'docker login': ${e.code === 'DENIED' ? errcodeText(e) : 'denied: requested access to the resource is denied'}`, { cause: err });
      case 'MANIFEST_UNKNOWN':
        return new NotFound(`manifest for ${familiarString(ref)} not found: ${errcodeText(e)}`, { cause: err });
      case 'NAME_UNKNOWN':
        return new NotFound(`repository ${familiarName(ref.name)} not found: ${errcodeText(e)}`, { cause: err });
    }
  }
  if (err instanceof RegistryError && err.status === 404) {
    return new NotFound(`manifest for ${familiarString(ref)} not found: manifest unknown: manifest unknown`, { cause: err });
  }
  if (err instanceof BerthError) return err;
  return new SystemError(err instanceof Error ? err.message : String(err), { cause: err });
}

export function translatePushError(err: unknown, ref: Reference): Error {
  if (err instanceof RegistryError && err.errors.length) {
    const e = err.errors[0]!;
    if (e.code === 'DENIED' || e.code === 'UNAUTHORIZED' || e.code === 'NAME_UNKNOWN') {
      return new Unauthorized(`push access denied for ${familiarName(ref.name)}, repository does not exist or may require 'docker login': ${errcodeText(e)}`, { cause: err });
    }
  }
  if (err instanceof BerthError) return err;
  return new SystemError(err instanceof Error ? err.message : String(err), { cause: err });
}
