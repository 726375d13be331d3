/** A command's standard input: whole-string for tools, line by line for `read`, shared along a compound command. */
export class Input {
  private at = 0;
  constructor(private readonly data: string) {}

  static readonly empty = (): Input => new Input("");

  /** What is left, left there: external commands see it but, in a lab, read none of it. */
  peek(): string {
    return this.data.slice(this.at);
  }

  rest(): string {
    const s = this.data.slice(this.at);
    this.at = this.data.length;
    return s;
  }

  /** The next line without its newline, or null at end of input; `complete` is false for a last line without newline. */
  line(): { text: string; complete: boolean } | null {
    if (this.at >= this.data.length) return null;
    const nl = this.data.indexOf("\n", this.at);
    if (nl < 0) {
      const text = this.data.slice(this.at);
      this.at = this.data.length;
      return { text, complete: false };
    }
    const text = this.data.slice(this.at, nl);
    this.at = nl + 1;
    return { text, complete: true };
  }
}

export type Sink = (text: string) => void;

export const discard: Sink = () => {};

/** Where one command reads and writes; redirections make a new one. */
export interface Streams {
  stdin: Input;
  out: Sink;
  err: Sink;
}
