/** berth port CONTAINER [PRIVATE_PORT[/PROTO]]: "80/tcp -> 0.0.0.0:8080", or the host address of one port. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { renderPortList, renderPortLookup } from '../../render/networks.js';

export default async function (argv: Args<'container port'>, ctx: CommandContext): Promise<number> {
  const [name = '', spec] = argv._;
  const info = await ctx.docker().getContainer(name).inspect();
  const ports = info.NetworkSettings?.Ports ?? {};
  if (spec === undefined) {
    ctx.stdout.write(renderPortList(ports));
    return 0;
  }
  const [port, proto = 'tcp'] = spec.split('/');
  if (!/^\d+$/.test(port ?? '') || Number(port) < 1 || Number(port) > 65535) throw new StatusError(1, `Error: invalid port (${port}): invalid syntax`);
  const out = renderPortLookup(ports, `${port}/${proto}`);
  if (out === undefined) throw new StatusError(1, `Error: No public port '${port}/${proto}' published for ${name}`);
  ctx.stdout.write(out);
  return 0;
}
