/** berth logout [SERVER]: forget the stored credentials of a registry (Docker prints the same line either way). */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { removeAuth, serverKey, hostnameOf, INDEX_SERVER } from './credentials.js';

export default async function (argv: Args<'logout'>, ctx: CommandContext): Promise<number> {
  const server = argv._[0];
  const key = serverKey(server);
  ctx.stdout.write(`Removing login credentials for ${server && key !== INDEX_SERVER ? hostnameOf(server) : key}\n`);
  removeAuth(ctx, key);
  return 0;
}
