/** /containers/{id}/exec and /exec/*: exec create, start (hijacked or detached), resize, inspect. */
import type { Duplex } from 'node:stream';
import { InvalidArgument } from '@berth/shared';
import { get, post, type HijackContext, type Route } from '../router.js';
import { intParam, sendJson, sendStatus, streamContentType } from '../http-util.js';
import { checkForJson, decodeJsonBody, readJsonBody } from '../request-body.js';
import type { ExecService, ExecConfig } from '../../containers/exec.js';
import { below } from '../versions.js';

export type ExecBackend = Pick<ExecService, 'create' | 'start' | 'resize' | 'inspect'>;

interface StartBody { Detach?: boolean; Tty?: boolean; ConsoleSize?: [number, number] | null }

/** The start options: from the request stream, or from the bytes before the upgraded stream. */
async function startBody(ctx: HijackContext): Promise<StartBody> {
  if (!ctx.upgraded) return readJsonBody<StartBody>(ctx.req, 'ExecStart');
  checkForJson(ctx.req);
  const bytes = await ctx.body();
  return bytes.length ? decodeJsonBody<StartBody>('ExecStart', bytes, 'error') : {};
}

export function execRouter(execs: ExecBackend): Route[] {
  return [
    post('/containers/:id/exec', async ({ req, res, params, version }) => {
      const body = await readJsonBody<ExecConfig>(req, 'ContainerExec');
      if (below(version, 'consoleSize')) delete body.ConsoleSize;
      sendJson(res, 201, execs.create(params.id!, body));
    }),
    post('/exec/:id/start', () => { throw new InvalidArgument('exec start needs a hijacked connection'); }, async (ctx: HijackContext) => {
      const body = await startBody(ctx);
      // moby: the stream is raw with the start body's Tty; its Content-Type as streamContentType says.
      const open = (ct: string): Duplex => ctx.upgrade(streamContentType(ct, ctx.version, ctx.upgraded));
      if (body.Detach) {
        await execs.start(ctx.params.id!, { detach: true, tty: body.Tty });
        // Detached start answers like a normal request.
        const s = ctx.upgraded ? ctx.socket : ctx.upgrade('application/json');
        if (ctx.upgraded) s.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Type: application/json\r\n\r\n');
        else s.end();
        return;
      }
      const consoleSize = below(ctx.version, 'consoleSize') ? null : body.ConsoleSize ?? null;
      await execs.start(ctx.params.id!, { detach: false, tty: body.Tty, consoleSize }, open, ctx.signal);
    }),
    post('/exec/:id/resize', ({ res, params, query }) => {
      execs.resize(params.id!, intParam(query, 'h') ?? 0, intParam(query, 'w') ?? 0);
      sendStatus(res, 200);
    }),
    get('/exec/:id/json', ({ res, params }) => sendJson(res, 200, execs.inspect(params.id!))),
  ];
}
