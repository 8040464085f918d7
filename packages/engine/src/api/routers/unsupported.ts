/** Endpoints of the Engine API that Berth does not offer: swarm, services, plugins, BuildKit sessions… */
import { NotImplemented } from '@berth/shared';
import type { Method, Route } from '../router.js';

const swarmMsg = 'This node is not a swarm manager. Berth does not support swarm mode.';

function refuse(message: string) {
  return () => { throw new NotImplemented(message); };
}

const table: [Method[], string[], string][] = [
  [['GET', 'POST', 'DELETE'], ['/swarm', '/swarm/*', '/services', '/services/*', '/nodes', '/nodes/*', '/tasks', '/tasks/*', '/secrets', '/secrets/*', '/configs', '/configs/*'], swarmMsg],
  [['GET', 'POST', 'DELETE'], ['/plugins', '/plugins/*'], 'Berth does not support plugins'],
  [['GET', 'POST'], ['/session', '/grpc'], 'Berth does not support BuildKit sessions; use the classic builder (DOCKER_BUILDKIT=0)'],
  [['GET', 'POST', 'DELETE'], ['/containers/:id/checkpoints', '/containers/:id/checkpoints/*'], 'Berth does not support checkpoints'],
];

export function unsupportedRouter(): Route[] {
  const routes: Route[] = [];
  for (const [methods, paths, msg] of table) {
    for (const method of methods) for (const path of paths) routes.push({ method, path, handler: refuse(msg) });
  }
  return routes;
}
