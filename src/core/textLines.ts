// Offsets ↔ 0-based line and column positions of a text, from the text's own line breaks (`\n`;
// a `\r` before it stays at the end of its line, as the yaml package counts). The yaml package's
// LineCounter is not used for this: after some syntax errors (a quoted scalar that closes on a
// later line, then more text) it misses a line break, and every later position comes out a line
// off and past the end of its line (found by the generated-input tests).

export interface LinePosition {
  line: number;
  column: number;
}

export class TextLines {
  /** Offset of the first character of each line. */
  readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** The position of an offset (clamped to the text). */
  positionOf(offset: number): LinePosition {
    const at = Math.min(Math.max(0, offset), this.text.length);
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: at - this.starts[lo] };
  }

  /** The offset of a position; a column past its line's end stops at the line break, a line past the end at the text's end. */
  offsetOf(p: LinePosition): number {
    if (p.line >= this.starts.length) return this.text.length;
    const next = p.line + 1 < this.starts.length ? this.starts[p.line + 1] : this.text.length;
    return Math.min(this.starts[p.line] + p.column, next);
  }

  /** The text of a line, without its line break. */
  lineText(line: number): string {
    const from = this.starts[line] ?? this.text.length;
    const to = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    return this.text.slice(from, to).replace(/\r?\n$/, '');
  }
}
