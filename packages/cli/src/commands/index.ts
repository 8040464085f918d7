/**
 * Canonical command path → lazily imported handler module. A command absent here is part of
 * Docker's tree that this build of Berth does not offer yet; main says so and exits 1.
 */
import type { Argv } from '../cli/args.js';
import type { CommandContext } from '../cli/context.js';

export type Handler = (argv: Argv, ctx: CommandContext) => Promise<number | void>;
type Loader = () => Promise<{ default: Handler }>;

export const handlers: Record<string, Loader> = {
  version: () => import('./system/version.js'),
  'system info': () => import('./system/info.js'),
  'volume create': () => import('./volume/create.js'),
  'volume ls': () => import('./volume/ls.js'),
  'volume inspect': () => import('./volume/inspect.js'),
  'volume rm': () => import('./volume/rm.js'),
  'volume prune': () => import('./volume/prune.js'),
  'image ls': () => import('./image/ls.js'),
  'image inspect': () => import('./image/inspect.js'),
  'image history': () => import('./image/history.js'),
  'image tag': () => import('./image/tag.js'),
  'image rm': () => import('./image/rm.js'),
  'image prune': () => import('./image/prune.js'),
  'image import': () => import('./image/import.js'),
  'image load': () => import('./image/load.js'),
  'image save': () => import('./image/save.js'),
  'image pull': () => import('./image/pull.js'),
  'image push': () => import('./image/push.js'),
  login: () => import('./registry/login.js'),
  logout: () => import('./registry/logout.js'),
  search: () => import('./registry/search.js'),
  'network create': () => import('./network/create.js'),
  'network ls': () => import('./network/ls.js'),
  'network inspect': () => import('./network/inspect.js'),
  'network connect': () => import('./network/connect.js'),
  'network disconnect': () => import('./network/disconnect.js'),
  'network rm': () => import('./network/rm.js'),
  'network prune': () => import('./network/prune.js'),
  'container port': () => import('./container/port.js'),
  'container run': () => import('./container/run.js'),
  'container create': () => import('./container/create.js'),
  'container start': () => import('./container/start.js'),
  'container stop': () => import('./container/stop.js'),
  'container restart': () => import('./container/restart.js'),
  'container kill': () => import('./container/kill.js'),
  'container rm': () => import('./container/rm.js'),
  'container wait': () => import('./container/wait.js'),
  'container attach': () => import('./container/attach.js'),
  'container ls': () => import('./container/ps.js'),
  'container logs': () => import('./container/logs.js'),
  'container exec': () => import('./container/exec.js'),
  'container inspect': () => import('./container/inspect.js'),
  'container prune': () => import('./container/prune.js'),
  inspect: () => import('./inspect.js'),
};
