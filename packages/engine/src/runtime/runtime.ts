/**
 * The seam between ContainerService and the process that runs a container: berth-monitor in
 * production (monitorRuntime), a fake in the service's unit tests. A run is started from a
 * bundle (config.json written by the service), reports its exit once through its handle, and
 * can be found again after a berthd restart.
 */
import { launch, type PortForward } from './monitor.js';
import { MonitorControl, readExitFile } from './control.js';
import type { ExitStatus } from './protocol.js';

/** A running container's monitor, as the service talks to it. */
export interface MonitorHandle {
  /** Called once with the exit status (now, when it is already known). */
  onExit(cb: (st: ExitStatus & { lost?: boolean }) => void): void;
  resize(h: number, w: number): void;
  /** Drop the connection; the container keeps running. */
  close(): void;
}

export interface RunOptions {
  forwards: PortForward[];
  /** The monitor's diagnostics file. */
  logFile: string;
  /** Runs once the monitor listens and before the process starts (attach clients wire here). */
  onCreated(): Promise<void>;
}

export interface ContainerRuntime {
  /** Start the container of `bundle`; resolves once its process runs. Failures are StartErrors. */
  run(bundle: string, opts: RunOptions): Promise<{ pid: number; monitor: MonitorHandle }>;
  /** The monitor of a container still running after a berthd restart; throws when it is gone. */
  reconnect(bundle: string): Promise<MonitorHandle>;
  /** The exit a gone monitor recorded (exit.json). */
  recordedExit(bundle: string): ExitStatus | undefined;
  /** Send a signal to the container's init; one that is already gone is not an error. */
  signal(pid: number, sig: number): void;
}

export const monitorRuntime: ContainerRuntime = {
  async run(bundle, opts) {
    let monitor: MonitorControl | undefined;
    try {
      const { pid } = await launch({
        args: ['run', bundle], forwards: opts.forwards, logFile: opts.logFile,
        onCreated: async () => {
          monitor = await MonitorControl.connect(bundle);
          await opts.onCreated();
        },
      });
      return { pid, monitor: monitor! };
    } catch (e) {
      monitor?.close();
      throw e;
    }
  },
  reconnect: (bundle) => MonitorControl.connect(bundle),
  recordedExit: readExitFile,
  signal(pid, sig) {
    try { process.kill(pid, sig); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  },
};
