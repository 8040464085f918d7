/**
 * POST /auth: check credentials against a registry as `docker login` does — ping /v2/, then a
 * token request (Bearer registries; its refresh token becomes the IdentityToken) or an
 * authenticated GET /v2/ (Basic registries). Wrong credentials are Unauthorized with Docker's text.
 */
import { Unauthorized, InvalidArgument } from '@berth/shared';
import { request } from 'undici';
import { openSession } from './client.js';
import { endpointsFor, serverAddressDomain, type EndpointConfig } from './endpoint.js';
import type { AuthConfig } from './auth-config.js';
import type { AuthResponse } from '@berth/shared/api/types';

export type LoginResult = Required<AuthResponse>;

const statusText: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };

export async function login(cfg: EndpointConfig, auth: AuthConfig): Promise<LoginResult> {
  if (!auth.username && !auth.identitytoken) throw new InvalidArgument('Error: Non-null Username Required');
  const domain = serverAddressDomain(auth.serveraddress ?? '');
  const s = await openSession(endpointsFor(domain, cfg, true), auth, '', []);
  const ch = s.challenge;
  if (ch?.scheme === 'bearer') {
    const { refreshToken } = await s.fetchToken([], { offline: true });
    return { Status: 'Login Succeeded', IdentityToken: refreshToken ?? '' };
  }
  if (ch?.scheme === 'basic') {
    const url = `${s.baseUrl}/v2/`;
    const res = await request(url, {
      method: 'GET', dispatcher: s.dispatcher,
      headers: { authorization: `Basic ${Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`).toString('base64')}` },
    });
    await res.body.dump();
    if (res.statusCode !== 200) {
      throw new Unauthorized(`login attempt to ${url} failed with status: ${res.statusCode} ${statusText[res.statusCode] ?? ''}`.trimEnd());
    }
  }
  return { Status: 'Login Succeeded', IdentityToken: '' };
}
