/**
 * Canonical command path → lazily imported handler module. A command absent here is part of
 * Docker's tree that this build of Berth does not offer yet; main says so and exits 1.
 */
import type { CommandContext } from '../cli/context.js';
import type { Args, CommandPath } from '../cli/flags.js';

/** A command's handler takes the arguments typed by that command's own flags. */
export type Handler<P extends CommandPath> = (argv: Args<P>, ctx: CommandContext) => Promise<number | void>;
type Loaders = { [P in CommandPath]?: () => Promise<{ default: Handler<P> }> };

export const handlers = {
  version: () => import('./system/version.js'),
  'system info': () => import('./system/info.js'),
  'system events': () => import('./system/events.js'),
  'system df': () => import('./system/df.js'),
  'system prune': () => import('./system/prune.js'),
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
  'image build': () => import('./image/build.js'),
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
  'container commit': () => import('./container/commit.js'),
  'container diff': () => import('./container/diff.js'),
  'container cp': () => import('./container/cp.js'),
  'container export': () => import('./container/export.js'),
  'container top': () => import('./container/top.js'),
  'container stats': () => import('./container/stats.js'),
  'container pause': () => import('./container/pause.js'),
  'container unpause': () => import('./container/unpause.js'),
  'container update': () => import('./container/update.js'),
  'container rename': () => import('./container/rename.js'),
  inspect: () => import('./inspect.js'),
  // contexts (CLI experience)
  'context create': () => import('./context/create.js'),
  'context ls': () => import('./context/ls.js'),
  'context use': () => import('./context/use.js'),
  'context rm': () => import('./context/rm.js'),
  'context inspect': () => import('./context/inspect.js'),
  'context show': () => import('./context/show.js'),
  'context update': () => import('./context/update.js'),
  'context export': () => import('./context/export.js'),
  'context import': () => import('./context/import.js'),
} satisfies Loaders;

/** The handler of a parsed command: its path chose both the parser's table and this module. */
export async function loadHandler(path: string): Promise<Handler<CommandPath> | undefined> {
  const load = (handlers as Loaders)[path as CommandPath] as (() => Promise<{ default: Handler<CommandPath> }>) | undefined;
  return load ? (await load()).default : undefined;
}
