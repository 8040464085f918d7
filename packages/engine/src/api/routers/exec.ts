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

/** The JSON body of a hijacked request: from the request stream, or from the bytes after the upgrade. */
async function hijackBody(ctx: HijackContext): Promise<{ body: StartBody; consumed: number }> {
  if (!ctx.upgraded) return { body: await readJsonBody<StartBody>(ctx.req, 'ExecStart'), consumed: 0 };
  checkForJson(ctx.req);
  const len = Number(ctx.req.headers['content-length'] ?? 0);
  if (!len) return { body: {}, consumed: 0 };
  let buf = ctx.head;
  while (buf.length < len) {
    const chunk: Buffer = await new Promise((resolve, reject) => {
      const gone = () => { cleanup(); reject(new InvalidArgument('the connection closed before the request body')); };
      const data = (c: Buffer) => { cleanup(); resolve(c); };
      const cleanup = () => { ctx.socket.off('data', data); ctx.socket.off('error', gone); ctx.socket.off('end', gone); ctx.socket.off('close', gone); };
      ctx.socket.on('data', data);
      ctx.socket.once('error', gone);
      ctx.socket.once('end', gone);
      ctx.socket.once('close', gone);
      if (ctx.socket.destroyed) gone();
    });
    buf = Buffer.concat([buf, chunk]);
  }
  ctx.socket.pause();
  return { body: decodeJsonBody<StartBody>('ExecStart', buf.subarray(0, len), 'error'), consumed: Math.min(len, ctx.head.length) };
}

export function execRouter(execs: ExecBackend): Route[] {
  return [
    post('/containers/:id/exec', async ({ req, res, params, version }) => {
      const body = await readJsonBody<ExecConfig>(req, 'ContainerExec');
      if (below(version, 'consoleSize')) delete body.ConsoleSize;
      sendJson(res, 201, execs.create(params.id!, body));
    }),
    post('/exec/:id/start', () => { throw new InvalidArgument('exec start needs a hijacked connection'); }, async (ctx: HijackContext) => {
      const { body, consumed } = await hijackBody(ctx);
      if (below(ctx.version, 'consoleSize')) delete body.ConsoleSize;
      const open = (ct: string): Duplex => {
        const s = ctx.upgrade(streamContentType(ct, ctx.version, ctx.upgraded));
        if (consumed) s.read(consumed);
        return s;
      };
      if (body.Detach) {
        await execs.start(ctx.params.id!, { detach: true, tty: body.Tty });
        // Detached start answers like a normal request.
        const s = ctx.upgraded ? ctx.socket : open('application/json');
        if (ctx.upgraded) s.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Type: application/json\r\n\r\n');
        else s.end();
        return;
      }
      await execs.start(ctx.params.id!, { detach: false, tty: body.Tty, consoleSize: body.ConsoleSize ?? null }, open, ctx.signal);
    }),
    post('/exec/:id/resize', ({ res, params, query }) => {
      execs.resize(params.id!, intParam(query, 'h') ?? 0, intParam(query, 'w') ?? 0);
      sendStatus(res, 200);
    }),
    get('/exec/:id/json', ({ res, params }) => sendJson(res, 200, execs.inspect(params.id!))),
  ];
}
