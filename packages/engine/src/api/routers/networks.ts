/** /networks: list, inspect, create, remove, connect, disconnect, prune (moby's router/network). */
import { del, get, minApiVersion, post, type Route } from '../router.js';
import { filtersParam, sendJson, sendStatus } from '../http-util.js';
import { readJsonBody } from '../request-body.js';
import type { CreateNetworkBody, NetworkService } from '../../network/service.js';
import { below } from '../versions.js';

export type NetworksBackend = Pick<NetworkService, 'list' | 'inspect' | 'create' | 'remove' | 'connect' | 'disconnect' | 'prune'>;

export function networksRouter(b: NetworksBackend): Route[] {
  return [
    get('/networks', ({ res, query }) => sendJson(res, 200, b.list(filtersParam(query)))),
    post('/networks/create', async ({ req, res, version }) => {
      const body = await readJsonBody<CreateNetworkBody>(req, 'NetworkCreate');
      if (below(version, 'networkCreateEnableIPv4')) delete (body as { EnableIPv4?: boolean }).EnableIPv4;
      sendJson(res, 201, await b.create(body));
    }),
    minApiVersion('pruneEndpoints', '/networks/prune', post('/networks/prune', async ({ res, query }) => sendJson(res, 200, await b.prune(filtersParam(query))))),
    get('/networks/:id', ({ res, params }) => sendJson(res, 200, b.inspect(params.id!))),
    del('/networks/:id', async ({ res, params }) => { await b.remove(params.id!); sendStatus(res, 204); }),
    post('/networks/:id/connect', async ({ req, res, params }) => { await b.connect(params.id!, await readJsonBody(req, 'NetworkConnect')); sendStatus(res, 200); }),
    post('/networks/:id/disconnect', async ({ req, res, params }) => { await b.disconnect(params.id!, await readJsonBody(req, 'NetworkDisconnect')); sendStatus(res, 200); }),
  ];
}
