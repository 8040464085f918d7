/**
 * Docker's stdcopy framing: an 8-byte header [stream, 0, 0, 0, size uint32 BE] then the payload.
 * Used on attach/exec/logs streams of containers without a TTY.
 */
import { Transform, type TransformCallback, type Writable } from 'node:stream';

export const StdStream = { Stdin: 0, Stdout: 1, Stderr: 2, Systemerr: 3 } as const;
export type StdStream = (typeof StdStream)[keyof typeof StdStream];

export function frame(stream: StdStream, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Splits a multiplexed byte stream into {stream, payload} chunks, whatever the chunking. */
export class FrameDecoder extends Transform {
  private buf: Buffer = Buffer.alloc(0);
  constructor() { super({ readableObjectMode: true }); }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + size) break;
      this.push({ stream: this.buf[0] as StdStream, payload: this.buf.subarray(8, 8 + size) });
      this.buf = this.buf.subarray(8 + size);
    }
    cb();
  }
}

/**
 * dockerode's modem.demuxStream: route stdout/stderr frames to two writables. Falls back to
 * passing bytes through when the first byte is not a stream type (TTY streams are raw).
 */
export function demuxStream(source: NodeJS.ReadableStream, stdout: Writable, stderr: Writable): void {
  let buf: Buffer = Buffer.alloc(0);
  let raw: boolean | undefined;
  source.on('data', (chunk: Buffer) => {
    if (raw === undefined) raw = chunk[0] !== undefined && chunk[0] > 3;
    if (raw) { stdout.write(chunk); return; }
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const payload = buf.subarray(8, 8 + size);
      (buf[0] === StdStream.Stderr || buf[0] === StdStream.Systemerr ? stderr : stdout).write(payload);
      buf = buf.subarray(8 + size);
    }
  });
}
