/** /volumes: list, create, inspect, remove, prune (moby's router/volume, routes as data). */
import { Unavailable } from '@berth/shared';
import { del, get, minApiVersion, post, put, type Route } from '../router.js';
import { boolParam, filtersParam, sendJson, sendStatus } from '../http-util.js';
import { readJsonBody } from '../request-body.js';
import type { VolumeListResponse } from '@berth/shared/api/types';
import type { CreateVolumeRequest, VolumeService } from '../../volumes/service.js';
import { atLeast, below } from '../versions.js';
import { NOT_A_MANAGER } from './disabled.js';

export type VolumesBackend = Pick<VolumeService, 'list' | 'create' | 'inspect' | 'remove' | 'prune'>;

export function volumesRouter(b: VolumesBackend): Route[] {
  return [
    get('/volumes', ({ res, query }) => sendJson(res, 200, { Volumes: b.list(filtersParam(query)), Warnings: [] } satisfies VolumeListResponse)),
    post('/volumes/create', async ({ req, res, version }) => {
      const body = await readJsonBody<CreateVolumeRequest & { ClusterVolumeSpec?: unknown }>(req, 'VolumeCreate');
      // A cluster volume is the swarm's to make; this node is in none.
      if (body.ClusterVolumeSpec != null && atLeast(version, 'volumeCreateClusterSpec')) throw new Unavailable(NOT_A_MANAGER);
      sendJson(res, 201, b.create(body));
    }),
    get('/volumes/:name', ({ res, params }) => sendJson(res, 200, b.inspect(params.name!))),
    minApiVersion('volumeUpdateEndpoint', '/volumes/{name:.*}', put('/volumes/:name', () => {
      throw new Unavailable('volume update only valid for cluster volumes, but swarm is unavailable');
    })),
    del('/volumes/:name', ({ res, params, query }) => { b.remove(params.name!, { force: boolParam(query, 'force') }); sendStatus(res, 204); }),
    minApiVersion('pruneEndpoints', '/volumes/prune', post('/volumes/prune', ({ res, query, version }) => {
      const filters = filtersParam(query);
      if (below(version, 'volumePruneAnonymousOnly')) filters.set('all', [...(filters.get('all') ?? []), 'true']);
      sendJson(res, 200, b.prune(filters));
    })),
  ];
}
