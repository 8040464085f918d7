// Go text/template engine with docker/cli's template functions and
// --format conventions (table / json / custom templates).

export { TemplateError } from './errors.js';
export { compileTemplate, type CompileOptions, type Template } from './template.js';
export type { MissingKey } from './exec.js';
export {
  FuncError,
  builtinFuncs,
  dockerFuncs,
  headerFuncs,
  type FuncDef,
  type FuncMap,
  type FuncSpec,
  type ParamType,
} from './funcs.js';
export {
  parseFormat,
  preprocessFormat,
  renderFormatted,
  formatTableHeader,
  defaultHeaderFor,
  TABLE_FORMAT_KEY,
  JSON_FORMAT_KEY,
  JSON_FORMAT,
  type FormatKind,
  type ParsedFormat,
  type RenderOptions,
} from './format.js';
export { TabWriter, alignTable, stringWidth, AlignRight, Debug, DiscardEmptyColumns, TabIndent, type TabWriterOptions } from './tabwriter.js';
export { sprint, sprintf, sprintln, formatValue } from './fmt.js';
export { marshalJSON } from './json.js';
export { Float64, Complex128 } from './value.js';
