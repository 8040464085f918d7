/** Sizes and durations as Docker prints them (docker/go-units). */

const decimalUnits = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const binaryUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function customSize(precision: number, size: number, base: number, units: string[]): string {
  let i = 0;
  while (size >= base && i < units.length - 1) { size /= base; i++; }
  return `${formatG(size, precision)}${units[i]}`;
}

/** Go's %.Ng: N significant digits, trailing zeros dropped. */
function formatG(n: number, precision: number): string {
  return String(Number(n.toPrecision(precision)));
}

/** go-units HumanSize: "2.967MB", "1.2kB", "0B" (4 significant digits, SI). */
export const humanSize = (bytes: number) => customSize(4, bytes, 1000, decimalUnits);
/** go-units HumanSizeWithPrecision(size, 3) as `docker images`/`ps -s` use it. */
export const humanSize3 = (bytes: number) => customSize(3, bytes, 1000, decimalUnits);
/** go-units BytesSize: binary units, "64MiB". */
export const bytesSize = (bytes: number) => customSize(4, bytes, 1024, binaryUnits);

/** go-units HumanDuration: "Less than a second", "3 seconds", "About a minute", "2 hours"… */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(ms / 60000);
  const hours = Math.round(ms / 3600000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
}

const sizeRe = /^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$/;

/** go-units RAMInBytes: "64m", "1g", "512k", "1024" → bytes (binary multipliers). */
export function ramInBytes(s: string): number {
  const m = sizeRe.exec(s.trim());
  if (!m) throw new Error(`invalid size: '${s}'`);
  const mult: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };
  return Math.floor(Number(m[1]) * (m[2] ? mult[m[2].toLowerCase()]! : 1));
}

/** go-units FromHumanSize: decimal multipliers ("2.5MB" → 2500000). */
export function fromHumanSize(s: string): number {
  const m = sizeRe.exec(s.trim());
  if (!m) throw new Error(`invalid size: '${s}'`);
  const mult: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15 };
  return Math.floor(Number(m[1]) * (m[2] ? mult[m[2].toLowerCase()]! : 1));
}
