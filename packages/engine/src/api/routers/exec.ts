/** /containers/{id}/exec and /exec/*: exec create, start (hijacked or detached), resize, inspect. */
import type { Duplex } from 'node:stream';
import { InvalidArgument, compareVersions } from '@berth/shared';
import { get, post, type HijackContext, type Route } from '../router.js';
import { intParam, sendJson, sendStatus } from '../http-util.js';
import { checkForJson, decodeJsonBody, readJsonBody } from '../request-body.js';
import type { ExecService, ExecConfig } from '../../containers/exec.js';

export type ExecBackend = Pick<ExecService, 'create' | 'start' | 'resize' | 'inspect'>;

const RAW_STREAM = 'application/vnd.docker.raw-stream';

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
    post('/containers/:id/exec', async ({ req, res, params }) => {
      sendJson(res, 201, execs.create(params.id!, await readJsonBody<ExecConfig>(req, 'ContainerExec')));
    }),
    post('/exec/:id/start', () => { throw new InvalidArgument('exec start needs a hijacked connection'); }, async (ctx: HijackContext) => {
      const body = await startBody(ctx);
      // moby: the stream is raw with the start body's Tty; clients before API 1.42 are told
      // raw-stream either way, and a request without Upgrade gets a plain 200 raw-stream.
      const old = compareVersions(ctx.version, '1.42') < 0;
      const open = (ct: string): Duplex => ctx.upgrade(!ctx.upgraded || old ? RAW_STREAM : ct);
      if (body.Detach) {
        await execs.start(ctx.params.id!, { detach: true, tty: body.Tty });
        // Detached start answers like a normal request.
        const s = ctx.upgraded ? ctx.socket : ctx.upgrade('application/json');
        if (ctx.upgraded) s.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Type: application/json\r\n\r\n');
        else s.end();
        return;
      }
      const consoleSize = old ? null : body.ConsoleSize ?? null;
      await execs.start(ctx.params.id!, { detach: false, tty: body.Tty, consoleSize }, open, ctx.signal);
    }),
    post('/exec/:id/resize', ({ res, params, query }) => {
      execs.resize(params.id!, intParam(query, 'h') ?? 0, intParam(query, 'w') ?? 0);
      sendStatus(res, 200);
    }),
    get('/exec/:id/json', ({ res, params }) => sendJson(res, 200, execs.inspect(params.id!))),
  ];
}
