// docker/cli `--format` conventions (cli/command/formatter): "table ..."
// formats with a header row aligned by tabwriter, the bare "json" format,
// and custom Go templates rendered once per row.

import { TemplateError } from './errors.js';
import { headerFuncs } from './funcs.js';
import { TabWriter } from './tabwriter.js';
import { compileTemplate, type CompileOptions, type Template } from './template.js';
import type { FuncMap } from './funcs.js';

export const TABLE_FORMAT_KEY = 'table';
export const JSON_FORMAT_KEY = 'json';
export const JSON_FORMAT = '{{json .}}';

export type FormatKind = 'table' | 'json' | 'template' | 'default';

export interface ParsedFormat {
  kind: FormatKind;
  /** The row template (table prefix stripped, `\t`/`\n` escapes expanded). Absent for "default" and a bare "table". */
  template?: string;
}

/**
 * docker's Context.preFormat: trims spaces and turns the two-character
 * sequences `\t` and `\n` (as typed in a shell) into tab and newline.
 */
export function preprocessFormat(format: string): string {
  const trimmed = format.replace(/^ +| +$/g, '');
  return trimmed.replace(/\\([tn])/g, (_m, c: string) => (c === 't' ? '\t' : '\n'));
}

/** Classifies a --format value the way docker's formatter does. */
export function parseFormat(format: string): ParsedFormat {
  if (format === '') return { kind: 'default' };
  if (format.startsWith(TABLE_FORMAT_KEY)) {
    const rest = preprocessFormat(format.slice(TABLE_FORMAT_KEY.length));
    return rest === '' ? { kind: 'table' } : { kind: 'table', template: rest };
  }
  if (format === JSON_FORMAT_KEY) return { kind: 'json', template: JSON_FORMAT };
  return { kind: 'template', template: preprocessFormat(format) };
}

/** "CreatedAt" -> "CREATED AT", "ContainerID" -> "CONTAINER ID". */
export function defaultHeaderFor(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[-_]+/g, ' ')
    .toUpperCase();
}

/** docker's SubHeaderContext.Label: header for `.Label "com.example.key"`. */
function labelHeader(name: string): string {
  const parts = String(name).split('.');
  return parts[parts.length - 1].replace(/[-_]/g, ' ');
}

/**
 * Renders the header line of a table format: the row template executed with
 * docker's HeaderFunctions against a field->header map (fields the template
 * references but `headers` lacks get a derived title). As in docker, an
 * execution error leaves the header as far as it got.
 */
export function formatTableHeader(template: Template | string, headers: Record<string, string> = {}): string {
  const tmpl = typeof template === 'string' ? compileTemplate(template) : template;
  const ctx: Record<string, unknown> = {};
  for (const f of tmpl.referencedFields()) ctx[f] = defaultHeaderFor(f);
  Object.assign(ctx, headers);
  ctx.Label = labelHeader;
  return tmpl.withFuncs(headerFuncs).executePartial(ctx).output;
}

export interface RenderOptions {
  /** Column titles keyed by field name, e.g. { ID: 'CONTAINER ID', Image: 'IMAGE' }. */
  headers?: Record<string, string>;
  /** Format used when `format` is empty (e.g. the command's default "table ..." format). */
  defaultFormat?: string;
  /** Row template used for a bare "table" format. */
  defaultTableFormat?: string;
  /** Extra template functions. */
  funcs?: FuncMap;
  /** Template options (missingKey, ...). */
  compile?: Omit<CompileOptions, 'funcs'>;
}

function tableFromHeaders(headers: Record<string, string> | undefined): string {
  const keys = Object.keys(headers ?? {});
  return keys.map((k) => `{{.${k}}}`).join('\t');
}

function wrap(e: unknown): never {
  if (e instanceof TemplateError) throw new TemplateError(`template parsing error: ${e.message}`, { cause: e });
  throw e;
}

/**
 * Renders rows with a docker-style --format value. Output ends with a newline
 * per row (plus the header line for tables). Errors are thrown as
 * TemplateError prefixed "template parsing error: " as docker reports them;
 * nothing is returned when any row fails, as docker buffers the output.
 */
export function renderFormatted(format: string, rows: unknown[], opts: RenderOptions = {}): string {
  let parsed = parseFormat(format);
  if (parsed.kind === 'default') {
    if (opts.defaultFormat !== undefined && opts.defaultFormat !== '') parsed = parseFormat(opts.defaultFormat);
    else if (opts.headers && Object.keys(opts.headers).length > 0) parsed = { kind: 'table' };
    else parsed = parseFormat(JSON_FORMAT_KEY);
  }
  if (parsed.kind === 'table' && parsed.template === undefined) {
    let def = opts.defaultTableFormat;
    if (def !== undefined && def.startsWith(TABLE_FORMAT_KEY)) def = parseFormat(def).template;
    else if (def !== undefined) def = preprocessFormat(def);
    parsed = { kind: 'table', template: def ?? tableFromHeaders(opts.headers) };
  }
  const src = parsed.template ?? '';
  let tmpl: Template;
  try {
    tmpl = compileTemplate(src, { ...opts.compile, funcs: opts.funcs });
  } catch (e) {
    wrap(e);
  }
  let body = '';
  for (const row of rows) {
    try {
      body += tmpl.execute(row) + '\n';
    } catch (e) {
      wrap(e);
    }
  }
  if (parsed.kind !== 'table') return body;
  const tw = new TabWriter({ minwidth: 10, tabwidth: 1, padding: 3, padchar: ' ', flags: 0 });
  tw.write(formatTableHeader(tmpl, opts.headers));
  tw.write('\n');
  tw.write(body);
  return tw.flush();
}
