import type { CommandContext } from './context.js';

/** Docker's prompt.Confirm: "… [y/N] ", one line from stdin, only y/Y says yes. */
export async function confirm(ctx: CommandContext, message: string): Promise<boolean> {
  ctx.stdout.write(`${message} [y/N] `);
  const line = await new Promise<string>((resolve) => {
    let buf = '';
    const onData = (c: Buffer) => {
      buf += c.toString('utf8');
      if (buf.includes('\n')) done();
    };
    const done = () => {
      ctx.stdin.off('data', onData);
      ctx.stdin.off('end', done);
      ctx.stdin.pause();
      resolve(buf.split('\n')[0]!.trim());
    };
    ctx.stdin.on('data', onData);
    ctx.stdin.once('end', done);
    ctx.stdin.resume();
  });
  return line === 'y' || line === 'Y';
}
