/**
 * The syslog logging driver: berth-monitor writes the container's lines to a spool file in the
 * container's dir; berthd tails it and sends each line to syslog as dockerd does (facility
 * daemon, info for stdout and err for stderr, tag = the short ID by default, RFC 3164-style
 * header unless syslog-format says rfc5424). udp:// and tcp:// go straight out; unix sockets
 * (the default /dev/log) through util-linux `logger`, as Node has no unix datagram sockets.
 * The spool offset is persisted, so lines written while berthd was down are sent on restart.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import { log } from '../log.js';
import { writeAtomicSync } from '../storage/atomic.js';
import type { Container } from './container.js';
import type { SyslogHost } from './backend.js';
import { monitorLogPath } from './logging.js';

const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

const stamp = (d: Date) => {
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
  return `${mon} ${String(d.getDate()).padStart(2, ' ')} ${d.toTimeString().slice(0, 8)}`;
};
const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** One syslog message for a log line, in the configured format. */
export function formatSyslog(opts: { format: string; facility: number; stderr: boolean; tag: string; hostname: string; pid: number; time: Date; msg: string; network: boolean }): string {
  const pri = opts.facility * 8 + (opts.stderr ? 3 : 6);
  const { tag, hostname, pid, msg, time } = opts;
  switch (opts.format) {
    case 'rfc5424': return `<${pri}>1 ${rfc3339(time)} ${hostname} ${tag} ${pid} ${tag} - ${msg}`;
    case 'rfc5424micro': return `<${pri}>1 ${time.toISOString().replace(/Z$/, '000Z')} ${hostname} ${tag} ${pid} ${tag} - ${msg}`;
    case 'rfc3164': return `<${pri}>${stamp(time)} ${hostname} ${tag}[${pid}]: ${msg}`;
    default: return opts.network ? `<${pri}>${rfc3339(time)} ${hostname} ${tag}[${pid}]: ${msg}` : `<${pri}>${stamp(time)} ${tag}[${pid}]: ${msg}`;
  }
}

interface Sink { send(msg: string, stderr: boolean): void; close(): void }

function openSink(address: string, tag: string, facility: string): Sink {
  const m = /^(udp|tcp|unix|unixgram):\/\/(.+)$/.exec(address || 'unixgram:///dev/log');
  const [, proto, rest] = m ?? ['', 'unixgram', '/dev/log'];
  if (proto === 'udp') {
    const [host, port = '514'] = splitHostPort(rest!);
    const sock = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    sock.on('error', () => undefined);
    return { send: (msg) => sock.send(Buffer.from(msg), Number(port), host), close: () => sock.close() };
  }
  if (proto === 'tcp') {
    const [host, port = '514'] = splitHostPort(rest!);
    const sock = net.connect(Number(port), host);
    sock.on('error', () => undefined);
    return { send: (msg) => sock.write(msg + '\n'), close: () => sock.end() };
  }
  // unix sockets: one `logger` per stream priority, fed a line at a time.
  const loggers = new Map<boolean, ChildProcess>();
  const get = (stderr: boolean) => {
    let p = loggers.get(stderr);
    if (!p) {
      p = spawn('logger', ['--socket', rest!, `--id=${process.pid}`, '-t', tag, '-p', `${facility}.${stderr ? 'err' : 'info'}`], { stdio: ['pipe', 'ignore', 'ignore'] });
      p.on('error', () => undefined);
      p.stdin!.on('error', () => undefined);
      loggers.set(stderr, p);
    }
    return p;
  };
  return {
    send: (msg, stderr) => { get(stderr).stdin!.write(msg.replace(/^<\d+>.*?\]: /, '') + '\n'); },
    close: () => { for (const p of loggers.values()) p.stdin!.end(); },
  };
}

function splitHostPort(s: string): [string, string | undefined] {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return [v6[1]!, v6[2]];
  const i = s.lastIndexOf(':');
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

interface Tail { sink: Sink; watcher?: fs.FSWatcher; offset: number; pending: string; spool: string; timer?: NodeJS.Timeout; flush?: () => void }

export class SyslogForwarder {
  private readonly tails = new Map<Container, Tail>();

  constructor(private readonly svc: SyslogHost) {
    svc.lifecycle.on('start', (c) => this.follow(c));
    svc.lifecycle.on('exit', (c) => this.stop(c, true));
    svc.lifecycle.on('removed', (c) => this.stop(c, false));
  }

  /** After a berthd restart: send what was spooled meanwhile, keep following the running ones. */
  resumeAll(): void {
    for (const c of this.svc.all()) {
      if (c.hc.LogConfig?.Type !== 'syslog') continue;
      if (c.rec.State.Running) this.follow(c); else { this.follow(c); this.stop(c, true); }
    }
  }

  private follow(c: Container): void {
    if (c.hc.LogConfig?.Type !== 'syslog' || this.tails.has(c)) return;
    const cfg = c.hc.LogConfig.Config ?? {};
    const tag = (cfg.tag || '{{.ID}}').replace(/\{\{\s*\.ID\s*\}\}/g, c.rec.Id.slice(0, 12)).replace(/\{\{\s*\.FullID\s*\}\}/g, c.rec.Id)
      .replace(/\{\{\s*\.Name\s*\}\}/g, c.rec.Name.replace(/^\//, '')).replace(/\{\{\s*\.ImageName\s*\}\}/g, c.rec.Config.Image);
    const spool = monitorLogPath(c.rec, c.hc);
    const facilityName = cfg['syslog-facility'] || 'daemon';
    const facility = FACILITIES[facilityName] ?? 3;
    const address = cfg['syslog-address'] ?? '';
    const sink = openSink(address, tag, facilityName);
    let offset = 0;
    try { offset = Number(fs.readFileSync(`${spool}.offset`, 'utf8')) || 0; } catch { /* from the start */ }
    const t: Tail = { sink, offset, pending: '', spool };
    const network = /^(udp|tcp):/.test(address);
    const send = () => this.drain(c, t, (line, stderr, time) => sink.send(formatSyslog({
      format: cfg['syslog-format'] ?? '', facility, stderr, tag, hostname: os.hostname(), pid: process.pid, time, msg: line, network,
    }), stderr));
    t.timer = setInterval(send, 1000);
    try { t.watcher = fs.watch(spool, send); } catch { /* created by the monitor shortly */ }
    this.tails.set(c, t);
    t.flush = send;
    send();
  }

  private drain(c: Container, t: Tail, out: (line: string, stderr: boolean, time: Date) => void): void {
    let buf: Buffer;
    try {
      const fd = fs.openSync(t.spool, 'r');
      try {
        const size = fs.fstatSync(fd).size;
        if (size < t.offset) t.offset = 0;
        buf = Buffer.alloc(size - t.offset);
        fs.readSync(fd, buf, 0, buf.length, t.offset);
      } finally { fs.closeSync(fd); }
    } catch { return; }
    if (!buf.length) return;
    t.offset += buf.length;
    const text = t.pending + buf.toString('utf8');
    const cut = text.lastIndexOf('\n');
    t.pending = text.slice(cut + 1);
    for (const raw of text.slice(0, cut + 1).split('\n')) {
      if (!raw) continue;
      try {
        const e = JSON.parse(raw) as { log: string; stream: string; time: string };
        out(e.log.replace(/\n$/, ''), e.stream === 'stderr', new Date(e.time));
      } catch { /* torn */ }
    }
    try { writeAtomicSync(`${t.spool}.offset`, String(t.offset - Buffer.byteLength(t.pending)), { durable: false }); } catch (e) { log.debug('syslog offset', { error: String(e) }); }
  }

  private stop(c: Container, flush: boolean): void {
    const t = this.tails.get(c);
    if (!t) return;
    if (flush) t.flush?.();
    clearInterval(t.timer);
    t.watcher?.close();
    setTimeout(() => t.sink.close(), 200);
    this.tails.delete(c);
  }

  shutdown(): void { for (const c of [...this.tails.keys()]) this.stop(c, true); }
}
