// One long-lived exec stream per container running the core sampler script (src/core/sampler.ts):
// the container's cgroup memory files at 4 Hz (or the configured rate) and, about once a second
// and right after an OOM kill, its process list. Parsing, deltas and counter resets are the core's;
// this file only carries bytes, paces the sampler and tells why a stream ended.
//
// Pacing: the script runs stdin-paced (it forks no `sleep` per sample, which cost about as much CPU
// in the container as the sampling itself); this side writes one tick line to the exec's stdin per
// interval, aimed at absolute deadlines (start + n * interval, so timer lateness does not add up;
// a deadline already missed is skipped, not made up with a burst). Closing the stream is EOF on the
// script's stdin and ends its loop at once, so nothing is left running in the container.
import { PassThrough, Writable } from 'node:stream';
import type { V1Status } from '@kubernetes/client-node';
import { SamplerOutputParser, samplerScript, type ProcessListing, type Sample, type SamplerInfo } from '../core';
import { toClusterError } from './errors';
import type { ClusterSession } from './session';

export interface ContainerRef {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

export const containerRefKey = (c: ContainerRef): string => `${c.namespace}/${c.pod}/${c.container}`;

/**
 * Why a stream ended; `no-shell` and `forbidden` mean: fall back to the Summary API; `unauthorized`
 * (401): the credentials were refused, trying again cannot help.
 */
export type SamplerEndReason = 'stopped' | 'closed' | 'no-shell' | 'forbidden' | 'unauthorized' | 'fatal' | 'error';

export type ExecSamplerEvent =
  | { readonly kind: 'started'; readonly info: SamplerInfo }
  | { readonly kind: 'sample'; readonly sample: Sample; readonly receivedAt: number }
  | { readonly kind: 'processes'; readonly listing: ProcessListing; readonly receivedAt: number }
  /** One sample could not be read; sampling goes on. */
  | { readonly kind: 'problem'; readonly message: string }
  | { readonly kind: 'ended'; readonly reason: SamplerEndReason; readonly message: string };

export interface ExecSamplerOptions {
  readonly intervalMs: number;
  readonly processListEveryMs: number;
}

/** One tick line on the sampler's stdin asks for one sample (any line will do). */
const TICK = 't\n';

/**
 * Ticks the container has not answered yet (with the end of a sample) beyond which a deadline is
 * skipped: a container starved of CPU, or a stalled link, must not find a queue of ticks in its
 * stdin pipe and then sample in a burst.
 */
const MAX_UNANSWERED_TICKS = 2;

/** The runtime's words when the image has no `sh` (containerd, CRI-O, the sandbox). */
const NO_SHELL = /executable file not found|no such file or directory|not found in \$PATH|exec: "sh"/i;

export class ExecSampler {
  private socket: { close(): void } | undefined;
  private ended = false;
  private stopping = false;
  private readonly parser = new SamplerOutputParser();
  private readonly stdin = new PassThrough();
  private pacer: NodeJS.Timeout | undefined;
  private ticksSent = 0;
  /** Ticks the script has answered: one past the highest sequence number it has reported. */
  private ticksAnswered = 0;

  constructor(
    private readonly session: ClusterSession,
    readonly ref: ContainerRef,
    private readonly options: ExecSamplerOptions,
    private readonly onEvent: (event: ExecSamplerEvent) => void,
  ) {}

  /** Opens the stream. Never throws: a failure is an `ended` event with the reason. */
  async start(): Promise<void> {
    const script = samplerScript({ intervalMs: this.options.intervalMs, processListEveryMs: this.options.processListEveryMs, pacing: 'stdin' });
    const stdout = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.feed(this.parser.push(chunk, Date.now()));
        done();
      },
    });
    let stderrText = '';
    const stderr = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        stderrText = (stderrText + chunk.toString('utf8')).slice(-2000);
        done();
      },
    });
    const { namespace, pod, container } = this.ref;
    try {
      const ws = await this.session.exec.exec(namespace, pod, container, ['sh', '-c', script], stdout, stderr, this.stdin, false, (status: V1Status) => {
        if (status.status === 'Success') return this.stopping ? this.end('stopped', 'Sampling stopped.') : this.end('closed', 'The sampler ended.');
        const words = `${status.message ?? ''} ${stderrText}`;
        if (NO_SHELL.test(words)) {
          this.end('no-shell', `Container ${container} has no shell (sh) to run the sampler in (${(status.message ?? '').trim()}).`);
        } else {
          this.end('error', `The sampler in container ${container} stopped: ${(status.message ?? stderrText).trim() || 'no reason given'}.`);
        }
      });
      this.socket = ws;
      if (this.stopping) ws.close();
      else if (!this.ended) this.startPacing();
      ws.on('close', () => {
        this.feed(this.parser.end(Date.now()));
        this.end(this.stopping ? 'stopped' : 'closed', this.stopping ? 'Sampling stopped.' : `The exec stream to container ${container} closed (the container stopped or the connection dropped).`);
      });
      ws.on('error', (e: Error) => this.end('error', `The exec stream to container ${container} failed: ${e.message}`));
    } catch (e) {
      const error = toClusterError(e, { context: this.session.context, action: `exec into ${namespace}/${pod} container ${container}` });
      if (error.kind === 'forbidden') this.end('forbidden', error.message);
      else if (error.kind === 'unauthorized') this.end('unauthorized', error.message);
      else if (NO_SHELL.test(error.message)) this.end('no-shell', `Container ${container} has no shell (sh) to run the sampler in.`);
      else this.end('error', error.message);
    }
  }

  /** Closes the stream; the loop in the container sees EOF on its stdin and ends at once. */
  stop(): void {
    this.stopping = true;
    this.stopPacing();
    this.socket?.close(); // not open yet: start() closes it as soon as it is
  }

  get running(): boolean {
    return !this.ended;
  }

  /** Writes a tick now and then one at each deadline start + n * interval. */
  private startPacing(): void {
    const interval = this.options.intervalMs;
    const start = performance.now();
    const due = (n: number): void => {
      this.pacer = undefined;
      if (this.ended || this.stopping) return;
      if (this.ticksSent - this.ticksAnswered < MAX_UNANSWERED_TICKS) {
        this.ticksSent++;
        this.stdin.write(TICK);
      }
      // The next deadline still ahead: deadlines the timer woke up too late for are skipped.
      const next = Math.max(n + 1, Math.floor((performance.now() - start) / interval) + 1);
      this.pacer = setTimeout(() => due(next), Math.max(0, start + next * interval - performance.now()));
    };
    due(0);
  }

  private stopPacing(): void {
    if (this.pacer !== undefined) clearTimeout(this.pacer);
    this.pacer = undefined;
  }

  private answered(seq: number | null): void {
    if (seq !== null && seq + 1 > this.ticksAnswered) this.ticksAnswered = seq + 1;
  }

  private feed(outputs: ReturnType<SamplerOutputParser['push']>): void {
    for (const o of outputs) {
      switch (o.kind) {
        case 'started':
          this.onEvent({ kind: 'started', info: o.info });
          break;
        case 'sample':
          this.answered(o.sample.seq);
          this.onEvent({ kind: 'sample', sample: o.sample, receivedAt: o.sample.wallTime ?? Date.now() });
          break;
        case 'processes':
          this.onEvent({ kind: 'processes', listing: o.listing, receivedAt: o.listing.wallTime ?? Date.now() });
          break;
        case 'block-error':
          this.answered(o.seq);
          this.onEvent({ kind: 'problem', message: o.message });
          break;
        case 'fatal':
          this.end('fatal', o.message);
          break;
      }
    }
  }

  private end(reason: SamplerEndReason, message: string): void {
    if (this.ended) return;
    this.ended = true;
    this.stopPacing();
    this.onEvent({ kind: 'ended', reason, message });
    if (reason !== 'closed' && reason !== 'stopped') this.socket?.close();
  }
}
