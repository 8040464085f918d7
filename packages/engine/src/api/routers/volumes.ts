/** /volumes: list, create, inspect, remove, prune (moby's router/volume, routes as data). */
import { del, get, post, type Route } from '../router.js';
import { boolParam, filtersParam, sendJson, sendStatus } from '../http-util.js';
import { readJsonBody } from '../request-body.js';
import type { VolumeListResponse } from '@berth/shared/api/types';
import type { CreateVolumeRequest, VolumeService } from '../../volumes/service.js';
import { below } from '../versions.js';

export type VolumesBackend = Pick<VolumeService, 'list' | 'create' | 'inspect' | 'remove' | 'prune'>;

export function volumesRouter(b: VolumesBackend): Route[] {
  return [
    get('/volumes', ({ res, query }) => sendJson(res, 200, { Volumes: b.list(filtersParam(query)), Warnings: [] } satisfies VolumeListResponse)),
    post('/volumes/create', async ({ req, res }) => sendJson(res, 201, b.create(await readJsonBody<CreateVolumeRequest>(req, 'VolumeCreate')))),
    get('/volumes/:name', ({ res, params }) => sendJson(res, 200, b.inspect(params.name!))),
    del('/volumes/:name', ({ res, params, query }) => { b.remove(params.name!, { force: boolParam(query, 'force') }); sendStatus(res, 204); }),
    post('/volumes/prune', ({ res, query, version }) => {
      const filters = filtersParam(query);
      if (below(version, 'volumePruneAnonymousOnly')) filters.set('all', [...(filters.get('all') ?? []), 'true']);
      sendJson(res, 200, b.prune(filters));
    }),
  ];
}
