/** GET /system/df (`type` narrows it to container, image, volume, build-cache). */
import { get, type Route } from '../router.js';
import { sendJson } from '../http-util.js';
import { diskUsage, type DfSources } from '../../system/df.js';

export function systemDfRouter(src: DfSources): Route[] {
  return [
    get('/system/df', async ({ res, query, version }) => sendJson(res, 200, await diskUsage(src, query.getAll('type'), version))),
  ];
}
