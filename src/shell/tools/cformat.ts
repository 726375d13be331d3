// C's printf conversions of one number, as glibc prints them: exact decimal
// expansion of the double, ties rounded to even, "inf" and "-nan". awk needs
// them for printf, sprintf and number to string (CONVFMT, OFMT: "%.6g").

/** A double as m * 2^e, m an integer (exact). */
function decompose(x: number): { m: bigint; e: number } {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, Math.abs(x));
  const hi = v.getUint32(0);
  const lo = v.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return exp === 0 ? { m: frac, e: -1074 } : { m: frac | (1n << 52n), e: exp - 1075 };
}

const pow10 = (k: number): bigint => 10n ** BigInt(k);

/** round(|x| * 10^k) to the nearest integer, ties to even. */
function scaled(x: number, k: number): bigint {
  const { m, e } = decompose(x);
  let num = m * (e > 0 ? 1n << BigInt(e) : 1n) * (k > 0 ? pow10(k) : 1n);
  const den = (e < 0 ? 1n << BigInt(-e) : 1n) * (k < 0 ? pow10(-k) : 1n);
  const q = num / den;
  num -= q * den;
  const twice = 2n * num;
  return twice > den || (twice === den && q % 2n === 1n) ? q + 1n : q;
}

/** |x| to `prec` digits after the point. */
function fixedDigits(x: number, prec: number): string {
  const digits = scaled(x, prec).toString();
  if (prec === 0) return digits;
  const padded = digits.padStart(prec + 1, "0");
  return `${padded.slice(0, -prec)}.${padded.slice(-prec)}`;
}

/** |x| as `sig` significant digits and the decimal exponent of the first. */
function expDigits(x: number, sig: number): { digits: string; exp: number } {
  if (x === 0) return { digits: "0".repeat(sig), exp: 0 };
  let exp = Math.floor(Math.log10(Math.abs(x)));
  for (;;) {
    const n = scaled(x, sig - 1 - exp);
    if (n >= pow10(sig)) exp++;
    else if (n < pow10(sig - 1)) exp--;
    else return { digits: n.toString(), exp };
  }
}

function expForm(digits: string, exp: number, alt: boolean): string {
  const mant = digits.length > 1 || alt ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/** %e %E %f %F %g %G of x, without width: sign flags included. */
export function formatFloat(conv: string, flags: string, prec: number | null, x: number): string {
  const upper = conv === "E" || conv === "F" || conv === "G";
  const neg = x < 0 || Object.is(x, -0) || Number.isNaN(x);
  const sign = neg ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
  let body: string;
  const alt = flags.includes("#");
  if (!Number.isFinite(x)) body = Number.isNaN(x) ? "nan" : "inf";
  else if (conv === "f" || conv === "F") {
    body = fixedDigits(x, prec ?? 6);
    if (alt && !body.includes(".")) body += ".";
  } else if (conv === "e" || conv === "E") {
    const p = prec ?? 6;
    const d = expDigits(x, p + 1);
    body = expForm(d.digits, d.exp, alt);
  } else {
    const p = prec === null ? 6 : prec === 0 ? 1 : prec;
    const d = expDigits(x, p);
    if (d.exp < p && d.exp >= -4) body = fixedDigits(x, p - 1 - d.exp);
    else body = expForm(d.digits, d.exp, alt);
    if (!alt) {
      const at = body.indexOf("e");
      const mant = at < 0 ? body : body.slice(0, at);
      if (mant.includes(".")) body = mant.replace(/\.?0+$/, "") + (at < 0 ? "" : body.slice(at));
    }
  }
  return sign + (upper ? body.toUpperCase() : body);
}

/** %d %i %o %x %X %u of an integer value, without width. */
export function formatInteger(conv: string, flags: string, prec: number | null, n: number): string {
  const neg = n < 0;
  const abs = BigInt(Math.abs(Math.trunc(n)));
  let digits = conv === "o" ? abs.toString(8) : conv === "x" ? abs.toString(16) : conv === "X" ? abs.toString(16).toUpperCase() : abs.toString();
  if (prec !== null) digits = prec === 0 && abs === 0n ? "" : digits.padStart(prec, "0");
  if (flags.includes("#") && conv === "o" && !digits.startsWith("0")) digits = "0" + digits;
  if (flags.includes("#") && (conv === "x" || conv === "X") && abs !== 0n) digits = (conv === "x" ? "0x" : "0X") + digits;
  const signed = conv === "d" || conv === "i";
  const sign = neg ? "-" : signed && flags.includes("+") ? "+" : signed && flags.includes(" ") ? " " : "";
  return sign + digits;
}

/** Width padding: left with "-", zeros after the sign or 0x with "0" (numbers only, not with a precision for integers). */
export function padField(text: string, flags: string, width: number | null, zeroOk: boolean): string {
  if (width === null || text.length >= width) return text;
  if (flags.includes("-")) return text.padEnd(width);
  if (zeroOk && flags.includes("0")) {
    const m = /^([+ -]?(?:0[xX])?)(.*)$/s.exec(text)!;
    return m[1]! + m[2]!.padStart(width - m[1]!.length, "0");
  }
  return text.padStart(width);
}
