/** Endpoints of features Berth does not have (swarm, plugins, BuildKit sessions, checkpoints). */
import { NotFound, NotImplemented } from '@berth/shared';
import { get, type Method, type Route } from '../router.js';
import { sendJson } from '../http-util.js';

const swarmMsg = 'This node is not a swarm manager. Berth does not support swarm mode.';

function refuse(message: string) {
  return () => { throw new NotImplemented(message); };
}

const table: [Method[], string[], string][] = [
  [['GET', 'POST', 'DELETE'], ['/swarm', '/swarm/*', '/services', '/services/*', '/nodes', '/nodes/*', '/tasks', '/tasks/*', '/secrets', '/secrets/*', '/configs', '/configs/*'], swarmMsg],
  [['POST', 'DELETE'], ['/plugins/*'], 'Berth does not support plugins'],
  [['GET'], ['/plugins/privileges'], 'Berth does not support plugins'],
  [['GET', 'POST'], ['/session', '/grpc'], 'Berth does not support BuildKit sessions; use the classic builder (DOCKER_BUILDKIT=0)'],
  [['GET', 'POST', 'DELETE'], ['/containers/:id/checkpoints', '/containers/:id/checkpoints/*'], 'Berth does not support checkpoints'],
];

export function disabledRouter(): Route[] {
  const routes: Route[] = [
    // No plugins is an answer, not an error: `docker inspect x` walks every object kind and
    // moves on past a 404.
    get('/plugins', ({ res }) => sendJson(res, 200, [])),
    get('/plugins/:name/json', ({ params }) => { throw new NotFound(`plugin "${params.name}" not found`); }),
  ];
  for (const [methods, paths, msg] of table) {
    for (const method of methods) for (const path of paths) routes.push({ method, path, handler: refuse(msg) });
  }
  return routes;
}
