// pyrepr.ts — Python's repr() of the values memview deals in, for toString()s
// and for printing lists the way CPython prints them (the demo, the REPL).
//
// Floats follow CPython's repr exactly: the shortest digits that round-trip
// (which is what JS's own Number#toExponential() finds), in positional form
// unless the decimal exponent is below -4 or at least 16, and 'inf', 'nan',
// '-0.0', '1.0'. Strings and bytes pick their quote as CPython does.

/** CPython's repr(float). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exponentText] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText); // decimal exponent of the first digit
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${e}`;
  }
  const point = exponent + 1; // digits before the decimal point
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function hex2(code: number): string {
  return code.toString(16).padStart(2, '0');
}

/** CPython's repr(bytes): b'..' (or b".." when that avoids escaping a quote). */
export function pyBytesRepr(bytes: Uint8Array): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const b of bytes) {
    if (b === 0x27) hasSingle = true;
    else if (b === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? '"' : "'";
  let out = `b${quote}`;
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${hex2(b)}`;
    else if (String.fromCharCode(b) === quote) out += `\\${quote}`;
    else out += String.fromCharCode(b);
  }
  return out + quote;
}

/**
 * CPython's repr(str) for printable ASCII and the usual escapes. Other
 * characters: C1 controls and U+00AD as \xhh, lone surrogates as \uhhhh, and
 * everything else as itself (CPython also escapes the non-printable ones).
 */
export function pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || (code >= 0x7f && code <= 0xa0) || code === 0xad) out += `\\x${hex2(code)}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += `\\u${code.toString(16)}`;
    else out += ch;
  }
  return out + quote;
}

/**
 * Python's repr of a value read from memory: bigints and integral numbers as
 * ints (`floats` prints every number as a float), booleans as True/False,
 * strings, Buffers as bytes, null as None, arrays as lists (nested too).
 */
export function pyRepr(value: unknown, floats = false): string {
  switch (typeof value) {
    case 'number':
      return floats || !Number.isInteger(value) ? pyFloatRepr(value) : Object.is(value, -0) ? '0' : String(value);
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'True' : 'False';
    case 'string':
      return pyStrRepr(value);
    default:
      if (value === null || value === undefined) return 'None';
      if (value instanceof Uint8Array) return pyBytesRepr(value);
      if (globalThis.Array.isArray(value)) return pyList(value, floats);
      return String(value);
  }
}

/** A JS array (nested or not) printed as Python prints a list: `[[0, 1], [2, 3]]`. */
export function pyList(items: readonly unknown[], floats = false): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ', ';
    out += pyRepr(items[i], floats);
  }
  return out + ']';
}
