// One container instance's log (stdout and stderr interleaved, as the CRI log file keeps them),
// bounded like the kubelet's log rotation (containerLogMaxSize, 10Mi by default): the oldest
// lines go first.
import type { Readable } from 'node:stream';
import type { LogOptions } from '../contracts';

interface LogLine {
  time: string;
  text: string;
}

export class ContainerLog {
  private readonly lines: LogLine[] = [];
  private bytes = 0;
  private readonly partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };

  constructor(private readonly maxBytes = 1024 * 1024) {}

  attach(stream: Readable, which: 'stdout' | 'stderr'): void {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const text = this.partial[which] + chunk;
      const parts = text.split('\n');
      this.partial[which] = parts.pop() ?? '';
      for (const p of parts) this.push(p);
      if (this.partial[which].length > 16384) {
        this.push(this.partial[which]);
        this.partial[which] = '';
      }
    });
    stream.on('end', () => {
      if (this.partial[which]) this.push(this.partial[which]);
      this.partial[which] = '';
    });
  }

  private push(text: string): void {
    // RFC 3339 with nanoseconds, as `kubectl logs --timestamps` prints
    const time = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
    this.lines.push({ time, text });
    this.bytes += text.length + 1;
    while (this.bytes > this.maxBytes && this.lines.length > 1) this.bytes -= this.lines.shift()!.text.length + 1;
  }

  render(options: LogOptions): string {
    let lines = this.lines;
    if (options.tailLines !== undefined) lines = options.tailLines <= 0 ? [] : lines.slice(-options.tailLines);
    return lines.map((l) => (options.timestamps ? `${l.time} ${l.text}\n` : `${l.text}\n`)).join('');
  }
}
