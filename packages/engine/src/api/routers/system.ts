/** /_ping, /version, /info, /system/df (`type` narrows it to container, image, volume, build-cache). */
import { get, head, type Route } from '../router.js';
import { sendJson } from '../http-util.js';
import { infoDoc, versionDoc, type InfoSources } from '../../system/info.js';
import { diskUsage, type DfSources } from '../../system/df.js';

const pingHeaders = {
  'Builder-Version': '1',
  'Cache-Control': 'no-cache, no-store, must-revalidate',
  Pragma: 'no-cache',
  'Content-Type': 'text/plain; charset=utf-8',
};

export function systemRouter(src: InfoSources, df: DfSources): Route[] {
  return [
    // CORS preflight: dockerd answers OPTIONS on any path with an empty 200.
    { method: 'OPTIONS', path: '*', handler: ({ res }) => { res.writeHead(200, { 'Content-Length': 0 }); res.end(); } },
    get('/_ping', ({ res }) => { res.writeHead(200, { ...pingHeaders, 'Content-Length': 2 }); res.end('OK'); }),
    head('/_ping', ({ res }) => { res.writeHead(200, { ...pingHeaders, 'Content-Length': 0 }); res.end(); }),
    get('/version', ({ res }) => sendJson(res, 200, versionDoc())),
    get('/info', ({ res, version }) => sendJson(res, 200, infoDoc(src, version))),
    get('/system/df', async ({ res, query, version }) => sendJson(res, 200, await diskUsage(df, query.getAll('type'), version))),
  ];
}
