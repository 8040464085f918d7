/**
 * The types of a command's parsed arguments, derived from the command table itself
 * (spec/commands.ts, `as const`): `Args<'container run'>` has one field per flag of
 * `docker run`, typed by the flag's pflag type, plus the positionals and the set of flags
 * given on the command line. The parser (args.ts) produces exactly these values.
 */
import type { commands } from '../spec/commands.js';

type Commands = typeof commands;
export type CommandPath = keyof Commands;

/** pflag types that collect every occurrence of the flag. */
export const listTypes = ['list', 'stringSlice', 'stringArray', 'filter', 'ulimit', 'map', 'mount', 'network', 'external', 'command',
  'gpu-request', 'throttledevice', 'weightdevice', 'pathsList', 'uintSlice'] as const;
/** pflag types parsed as numbers. */
export const numberTypes = ['int', 'int64', 'uint16', 'uint32', 'uint64', 'uint', 'float', 'float64', 'decimal'] as const;
type ListType = (typeof listTypes)[number];
type NumberType = (typeof numberTypes)[number];

type FlagOf<P extends CommandPath> = Commands[P]['flags'][number];

/** A flag's value: what the parser stores for it whether given or not. */
type ValueOf<F> =
  F extends { type: 'bool' } ? boolean
  : F extends { type: ListType } ? string[]
  : F extends { type: NumberType; default: '' } ? number | undefined
  : F extends { type: NumberType } ? number
  : F extends { type: 'bytes' } ? string | undefined
  : F extends { default: '' } ? string | undefined
  : string;

export type FlagName<P extends CommandPath> = FlagOf<P>['long'] | 'help';

/**
 * Which flags were given. Only `has`: so `run`'s arguments (a superset of `create`'s flags)
 * can be handed to what builds a create request.
 */
export interface Given<Name extends string> { has(flag: Name): boolean }

export type Args<P extends CommandPath> = {
  readonly [F in FlagOf<P> as F['long']]: ValueOf<F>;
} & {
  /** Positional arguments; for run/create/exec everything from the image (container) on. */
  readonly _: string[];
  /** The flags that appeared on the command line (long names), as pflag's `Changed`. */
  readonly given: Given<FlagName<P>>;
  readonly help: boolean;
};
