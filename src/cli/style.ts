// Colour on a terminal only: not when the output goes to a file or a pipe, not
// when NO_COLOR is set (https://no-color.org), not with --no-color.

import { colour, plain, type Style } from "../report/text.js";

let refused = false;

/** --no-color: plain text from here on, whatever the stream. */
export function refuseColour(): void {
  refused = true;
}

export function styleFor(stream: { isTTY?: boolean } = process.stdout): Style {
  return !refused && stream.isTTY === true && !process.env.NO_COLOR ? colour : plain;
}
