/**
 * A spinner (ora) on stderr while a slow multi-container wait runs (stop, rm -f of many) — only
 * on a terminal; it is cleared before the command's first line on stdout.
 */
import type { CommandContext } from '../cli/context.js';
import { useColor, useLiveView } from './color.js';

export async function withSpinner<T>(ctx: CommandContext, text: string, fn: (ctx: CommandContext) => Promise<T>): Promise<T> {
  if (!useLiveView(ctx.stderr) || !useLiveView(ctx.stdout)) return fn(ctx);
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: ctx.stderr, color: useColor(ctx.stderr) ? 'cyan' : false as never, discardStdin: false, isEnabled: true });
  // Start only if the wait is noticeable, so quick commands print no flicker.
  const timer = setTimeout(() => spinner.start(), 150);
  const stop = () => { clearTimeout(timer); if (spinner.isSpinning) spinner.stop(); };
  const stdout = new Proxy(ctx.stdout, {
    get(target, prop, receiver) {
      if (prop === 'write') return (...args: unknown[]) => { stop(); return (target.write as (...a: unknown[]) => boolean).apply(target, args); };
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  try {
    return await fn({ ...ctx, stdout });
  } finally {
    stop();
  }
}
