// Flag values (Receptionist): checking a flag's value against the choices a command takes, one message for all.
import { UsageError } from '../errors.js';

/** `value` when it is one of `choices`, undefined when the flag was not given; a usage error naming both otherwise. */
export function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} takes one of ${choices.join(', ')}, not "${value}"`);
}
