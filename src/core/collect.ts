/** A repeatable flag's values in order (commander's option reducer): `--watch a --watch b` → [a, b]. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
