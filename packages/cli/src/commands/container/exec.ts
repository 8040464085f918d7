/** berth exec [-i] [-t] [-d] [-e] [-u] [-w] [--privileged] CONTAINER COMMAND [ARG...]: exits with the command's code. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { detachBytes } from '../../tty/detach.js';
import { enterRaw } from '../../tty/raw.js';
import { consoleSize, followResize } from '../../tty/resize.js';
import { holdHijacked } from '../../tty/streams.js';
import { checkTty } from './session.js';
import fs from 'node:fs';

function envFiles(files: string[]): string[] {
  return files.flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')));
}

export default async function (argv: Args<'container exec'>, ctx: CommandContext): Promise<number> {
  const docker = ctx.docker();
  const [name, ...cmd] = argv._;
  // As docker: inspect first so "No such container" comes before the TTY check, then let the
  // daemon judge the container's state, named as the user gave it.
  await docker.getContainer(name!).inspect();
  if (!argv.detach) checkTty(ctx, argv.interactive, argv.tty);
  const { tty, interactive, detach } = argv;
  const env = [...envFiles(argv['env-file']), ...argv.env];
  const exec = await docker.getContainer(name!).exec({
    User: argv.user ?? '', Privileged: argv.privileged, Tty: tty, ConsoleSize: tty ? consoleSize(ctx.stdout) : null,
    AttachStdin: interactive && !detach, AttachStderr: !detach, AttachStdout: !detach, Detach: detach,
    DetachKeys: argv['detach-keys'] ?? '', Env: env.length ? env : null, WorkingDir: argv.workdir ?? '', Cmd: cmd,
  });
  if (detach) {
    await exec.start({ Detach: true, Tty: tty }); // a failure is the daemon's error, exit 1 (docker exec -d)
    return 0;
  }
  const sock = await exec.start({ Detach: false, Tty: tty, ConsoleSize: tty ? consoleSize(ctx.stdout) : undefined, hijack: true });
  const restore = tty && interactive ? await enterRaw(ctx.stdin) : () => {};
  const stopResize = tty ? followResize(ctx.stdout, (h, w) => exec.resize({ h, w })) : () => {};
  try {
    const { detached } = await holdHijacked(sock, {
      tty, stdin: interactive ? ctx.stdin : undefined, stdout: ctx.stdout, stderr: ctx.stderr, detachKeys: detachBytes(argv['detach-keys'] || undefined),
    });
    if (detached) return 0;
  } finally {
    restore();
    stopResize();
  }
  const r = await exec.inspect();
  return r.ExitCode ?? 0;
}
