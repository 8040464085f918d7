// Elastic tabstops, as Go's text/tabwriter (and docker/cli's fork of it,
// which measures cell width with go-runewidth) implement them.
//
// Cells are tab-terminated: text after the last tab of a line forms a cell
// that is not part of any column. A column block is a run of consecutive
// lines that all have a cell in that column; its width is the widest cell
// plus padding (at least minwidth).

export const FilterHTML = 1 << 0;
export const StripEscape = 1 << 1;
export const AlignRight = 1 << 2;
export const DiscardEmptyColumns = 1 << 3;
export const TabIndent = 1 << 4;
export const Debug = 1 << 5;

interface Cell {
  /** Cell text. */
  text: string;
  /** Display width. */
  width: number;
  /** Terminated by a horizontal tab. */
  htab: boolean;
}

// East Asian Wide/Fullwidth ranges (subset used by go-runewidth) and emoji.
const WIDE_RANGES: [number, number][] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x23f0, 0x23f0],
  [0x23f3, 0x23f3],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2648, 0x2653],
  [0x267f, 0x267f],
  [0x2693, 0x2693],
  [0x26a1, 0x26a1],
  [0x26aa, 0x26ab],
  [0x26bd, 0x26be],
  [0x26c4, 0x26c5],
  [0x26ce, 0x26ce],
  [0x26d4, 0x26d4],
  [0x26ea, 0x26ea],
  [0x26f2, 0x26f3],
  [0x26f5, 0x26f5],
  [0x26fa, 0x26fa],
  [0x26fd, 0x26fd],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x2728, 0x2728],
  [0x274c, 0x274c],
  [0x274e, 0x274e],
  [0x2753, 0x2755],
  [0x2757, 0x2757],
  [0x2795, 0x2797],
  [0x27b0, 0x27b0],
  [0x27bf, 0x27bf],
  [0x2b1b, 0x2b1c],
  [0x2b50, 0x2b50],
  [0x2b55, 0x2b55],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f200, 0x1f251],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f900, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x3fffd],
];

function isWide(cp: number): boolean {
  if (cp < 0x1100) return false;
  let lo = 0;
  let hi = WIDE_RANGES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = WIDE_RANGES[mid];
    if (cp < a) hi = mid - 1;
    else if (cp > b) lo = mid + 1;
    else return true;
  }
  return false;
}

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

/** Display width of a string in terminal cells (go-runewidth's StringWidth). */
export function stringWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue;
    if (cp < 0x300) {
      w += 1;
      continue;
    }
    if (cp === 0x200d || ZERO_WIDTH.test(ch)) continue;
    w += isWide(cp) ? 2 : 1;
  }
  return w;
}

export interface TabWriterOptions {
  minwidth: number;
  tabwidth: number;
  padding: number;
  padchar: string;
  flags?: number;
}

export class TabWriter {
  private readonly minwidth: number;
  private readonly tabwidth: number;
  private readonly padding: number;
  private readonly padchar: string;
  private readonly flags: number;
  private out = '';
  private lines: Cell[][] = [[]];
  private cell = '';
  private widths: number[] = [];

  constructor(opts: TabWriterOptions) {
    if (opts.minwidth < 0 || opts.tabwidth < 0 || opts.padding < 0) throw new Error('negative minwidth, tabwidth, or padding');
    this.minwidth = opts.minwidth;
    this.tabwidth = opts.tabwidth;
    this.padding = opts.padding;
    this.padchar = opts.padchar;
    let flags = opts.flags ?? 0;
    if (opts.padchar === '\t') flags &= ~AlignRight;
    this.flags = flags;
  }

  private terminateCell(htab: boolean): number {
    const line = this.lines[this.lines.length - 1];
    line.push({ text: this.cell, width: stringWidth(this.cell), htab });
    this.cell = '';
    return line.length;
  }

  /** Writes text; cells end at \t or \v, lines at \n or \f. */
  write(text: string): this {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\t' || ch === '\v' || ch === '\n' || ch === '\f') {
        this.cell += text.slice(start, i);
        start = i + 1;
        const ncells = this.terminateCell(ch === '\t');
        if (ch === '\n' || ch === '\f') {
          this.lines.push([]);
          if (ch === '\f' || ncells === 1) {
            // A single-cell line cannot affect later alignment: flush now.
            this.flushInternal();
            if (ch === '\f' && this.flags & Debug) this.out += '---\n';
          }
        }
      }
    }
    this.cell += text.slice(start);
    return this;
  }

  /** Formats everything buffered and returns the complete output so far. */
  flush(): string {
    this.flushInternal();
    const s = this.out;
    this.out = '';
    return s;
  }

  private flushInternal(): void {
    if (this.cell.length > 0) this.terminateCell(false);
    this.format(0, this.lines.length);
    this.lines = [[]];
    this.cell = '';
    this.widths = [];
  }

  private writePadding(textw: number, cellw: number, useTabs: boolean): void {
    if (this.padchar === '\t' || useTabs) {
      if (this.tabwidth === 0) return;
      cellw = Math.ceil(cellw / this.tabwidth) * this.tabwidth;
      const n = cellw - textw;
      if (n < 0) throw new Error('internal error');
      this.out += '\t'.repeat(Math.ceil(n / this.tabwidth));
      return;
    }
    if (cellw > textw) this.out += this.padchar.repeat(cellw - textw);
  }

  private writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i];
      let useTabs = (this.flags & TabIndent) !== 0;
      line.forEach((c, j) => {
        if (j > 0 && this.flags & Debug) this.out += '|';
        if (c.text.length === 0) {
          if (j < this.widths.length) this.writePadding(c.width, this.widths[j], useTabs);
        } else {
          useTabs = false;
          if ((this.flags & AlignRight) === 0) {
            this.out += c.text;
            if (j < this.widths.length) this.writePadding(c.width, this.widths[j], false);
          } else {
            if (j < this.widths.length) this.writePadding(c.width, this.widths[j], false);
            this.out += c.text;
          }
        }
      });
      if (i + 1 === this.lines.length) {
        // Last buffered line has no newline: emit the incomplete cell, if any.
        this.out += this.cell;
      } else {
        this.out += '\n';
      }
    }
  }

  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let t = line0; t < line1; t++) {
      let line = this.lines[t];
      if (column >= line.length - 1) continue;
      // Cell exists in this column: print preceding lines, then size the block.
      this.writeLines(line0, t);
      line0 = t;
      let width = this.minwidth;
      let discardable = true;
      for (; t < line1; t++) {
        line = this.lines[t];
        if (column >= line.length - 1) break;
        const c = line[column];
        const w = c.width + this.padding;
        if (w > width) width = w;
        if (c.width > 0 || c.htab) discardable = false;
      }
      if (discardable && this.flags & DiscardEmptyColumns) width = 0;
      this.widths.push(width);
      this.format(line0, t);
      this.widths.pop();
      line0 = t;
    }
    this.writeLines(line0, line1);
  }
}

/** Aligns tab-separated text the way docker's table formatter does. */
export function alignTable(text: string, opts: Partial<TabWriterOptions> = {}): string {
  const tw = new TabWriter({ minwidth: 10, tabwidth: 1, padding: 3, padchar: ' ', flags: 0, ...opts });
  tw.write(text);
  return tw.flush();
}
