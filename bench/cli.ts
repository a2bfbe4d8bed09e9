/** What the benchmarks share on their command line (`--name value` flags) and in what they report (a median). */

/** The value after `--name`, or `d` when the flag is absent. */
export function flag(args: string[], name: string, d: string): string;
export function flag(args: string[], name: string): string | undefined;
export function flag(args: string[], name: string, d?: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : d;
}

/** The number after `--name`, or `d` when the flag is absent. */
export const numberFlag = (args: string[], name: string, d: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : d;
};

/** The middle of `xs` once sorted (the upper one of an even count). */
export const middle = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
