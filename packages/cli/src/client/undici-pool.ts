/**
 * undici's Pool without the rest of undici: its index.js also loads fetch, WebSocket, cookies
 * and the web streams glue (~30 ms of start-up for every command). This is what index.js does
 * for dispatchers — the request/stream/upgrade API on Dispatcher.prototype — and nothing else.
 */
import type { Pool as PoolType } from 'undici';
// @ts-expect-error undici's lib files have no type declarations; the types come from 'undici'.
import PoolImpl from 'undici/lib/dispatcher/pool.js';
// @ts-expect-error as above
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
// @ts-expect-error as above
import api from 'undici/lib/api/index.js';

Object.assign((Dispatcher as { prototype: object }).prototype, api);

export const Pool = PoolImpl as typeof PoolType;
export type Pool = PoolType;
