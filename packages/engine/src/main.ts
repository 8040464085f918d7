/** berthd entry: flags + daemon.json → stores and services → listen → serve until SIGTERM/SIGINT. */
import type http from 'node:http';
import { errorMessage } from '@berth/shared';
import { parseDaemonArgs, usage } from './config.js';
import { log, setLogLevel, type LogLevel } from './log.js';
import { acquirePidfile } from './pidfile.js';
import { createDaemon } from './daemon.js';
import { createApiServer } from './api/server.js';
import { checkTcpAuth, listen, parseHost, tlsOptions } from './api/listeners.js';
import { BERTH_VERSION, GIT_COMMIT } from './version.js';

/**
 * The last resort: every stream and promise on a request path has its own handler, so an error
 * fails only its request. One that slipped through is logged with this marker (the e2e harness
 * fails a test file whose daemon logged it) and berthd keeps serving.
 */
const UNHANDLED_MARKER = 'unhandled error:';

function keepServing(): void {
  const report = (kind: string) => (e: unknown) => {
    log.error(`${UNHANDLED_MARKER} ${kind}: ${errorMessage(e)}`, { stack: e instanceof Error ? e.stack : undefined });
  };
  process.stderr.on('error', () => { /* no log to write to: nothing to report there */ });
  process.on('uncaughtException', report('exception'));
  process.on('unhandledRejection', report('rejection'));
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseDaemonArgs(argv);
  } catch (e) {
    process.stderr.write(`${errorMessage(e)}\n`);
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) process.stderr.write(`See 'berthd --help'.\n`);
    return 1;
  }
  if (parsed.help) { process.stdout.write(usage); return 0; }
  if (parsed.version) { process.stdout.write(`Berth version ${BERTH_VERSION}, build ${GIT_COMMIT}\n`); return 0; }
  const { config } = parsed;
  try { setLogLevel(config.logLevel as LogLevel); } catch (e) { process.stderr.write(`${errorMessage(e)}\n`); return 1; }
  keepServing();

  // Listener addresses are checked before anything is set up, as dockerd loads its listeners first.
  try {
    for (const host of config.hosts) {
      for (const w of await checkTcpAuth(parseHost(host), config, host)) log.warn(w, { host });
    }
  } catch (e) {
    log.error(`failed to start daemon: ${errorMessage(e)}`);
    return 1;
  }

  let releasePid: () => void;
  try {
    releasePid = acquirePidfile(config.pidfile);
  } catch (e) {
    log.error(`failed to start daemon: ${errorMessage(e)}`);
    return 1;
  }

  const daemon = await createDaemon(config);
  const servers: { server: http.Server; cleanup: () => void }[] = [];
  try {
    const tls = tlsOptions(config);
    for (const host of config.hosts) {
      const addr = parseHost(host);
      servers.push(...await listen(addr, () => createApiServer({ routes: daemon.routes, serverVersion: BERTH_VERSION }), tls));
      log.info('API listen on ' + host);
    }
  } catch (e) {
    log.error(`failed to start daemon: ${errorMessage(e)}`);
    for (const s of servers) { s.server.close(); s.cleanup(); }
    await daemon.shutdown();
    releasePid();
    return 1;
  }
  log.info('Daemon has completed initialization');

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (sig: string) => {
      if (stopping) return;
      stopping = true;
      log.info(`Processing signal '${sig}'`);
      for (const s of servers) {
        s.server.close();
        s.server.closeAllConnections();
        s.cleanup();
      }
      await daemon.shutdown();
      releasePid();
      log.info('Daemon shutdown complete');
      resolve(0);
    };
    process.on('SIGHUP', () => { log.info("Got signal to reload configuration, reloading from: " + config.configFile); daemon.reload(); });
    process.on('SIGTERM', () => void stop('terminated'));
    process.on('SIGINT', () => void stop('interrupt'));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => { log.error(`failed to start daemon: ${errorMessage(err)}`); process.exit(1); },
);
