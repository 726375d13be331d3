/** iproute2's exits: exit(-1) is 255; a parser returning -1 becomes `ip`'s status 1. */
export class IpError extends Error {
  constructor(
    readonly stderr: string,
    readonly exitCode: 1 | 255,
  ) {
    super(stderr.trimEnd());
  }
}

export const incomplete = (): IpError => new IpError('Command line is not complete. Try option "help"\n', 255);
export const invarg = (msg: string, arg: string): IpError => new IpError(`Error: argument "${arg}" is wrong: ${msg}\n`, 255);
export const duparg = (key: string, arg: string): IpError => new IpError(`Error: duplicate "${key}": "${arg}" is the second value.\n`, 255);
export const duparg2 = (key: string, arg: string): IpError => new IpError(`Error: either "${key}" is duplicate, or "${arg}" is a garbage.\n`, 255);
export const fail1 = (stderr: string): IpError => new IpError(stderr, 1);
export const fail255 = (stderr: string): IpError => new IpError(stderr, 255);

/** lib/utils.c matches(): a non-empty prefix of the keyword. */
export function matches(arg: string, keyword: string): boolean {
  return arg.length > 0 && keyword.startsWith(arg);
}

/** NEXT_ARG(): the argument after `i`, or iproute2's "not complete" exit. */
export class Args {
  i = 0;
  constructor(readonly argv: string[]) {}
  get cur(): string {
    return this.argv[this.i]!;
  }
  get more(): boolean {
    return this.i < this.argv.length;
  }
  next(): string {
    if (++this.i >= this.argv.length) throw incomplete();
    return this.argv[this.i]!;
  }
}
