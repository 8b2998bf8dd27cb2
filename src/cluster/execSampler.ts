// One long-lived exec stream per container running the core sampler script (src/core/sampler.ts):
// the container's cgroup memory files at 4 Hz (or the configured rate) and, about once a second
// and right after an OOM kill, its process list. Parsing, deltas and counter resets are the core's;
// this file only carries bytes and tells why a stream ended. Closing the stream ends the loop in the
// container (its next write gets SIGPIPE), so nothing is left running there.
import { Writable } from 'node:stream';
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

/** The runtime's words when the image has no `sh` (containerd, CRI-O, the sandbox). */
const NO_SHELL = /executable file not found|no such file or directory|not found in \$PATH|exec: "sh"/i;

export class ExecSampler {
  private socket: { close(): void } | undefined;
  private ended = false;
  private stopping = false;
  private readonly parser = new SamplerOutputParser();

  constructor(
    private readonly session: ClusterSession,
    readonly ref: ContainerRef,
    private readonly options: ExecSamplerOptions,
    private readonly onEvent: (event: ExecSamplerEvent) => void,
  ) {}

  /** Opens the stream. Never throws: a failure is an `ended` event with the reason. */
  async start(): Promise<void> {
    const script = samplerScript({ intervalMs: this.options.intervalMs, processListEveryMs: this.options.processListEveryMs });
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
      const ws = await this.session.exec.exec(namespace, pod, container, ['sh', '-c', script], stdout, stderr, null, false, (status: V1Status) => {
        if (status.status === 'Success') return this.end('closed', 'The sampler ended.');
        const words = `${status.message ?? ''} ${stderrText}`;
        if (NO_SHELL.test(words)) {
          this.end('no-shell', `Container ${container} has no shell (sh) to run the sampler in (${(status.message ?? '').trim()}).`);
        } else {
          this.end('error', `The sampler in container ${container} stopped: ${(status.message ?? stderrText).trim() || 'no reason given'}.`);
        }
      });
      this.socket = ws;
      if (this.stopping) ws.close();
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

  /** Closes the stream; the loop in the container ends at its next write. */
  stop(): void {
    this.stopping = true;
    this.socket?.close(); // not open yet: start() closes it as soon as it is
  }

  get running(): boolean {
    return !this.ended;
  }

  private feed(outputs: ReturnType<SamplerOutputParser['push']>): void {
    for (const o of outputs) {
      switch (o.kind) {
        case 'started':
          this.onEvent({ kind: 'started', info: o.info });
          break;
        case 'sample':
          this.onEvent({ kind: 'sample', sample: o.sample, receivedAt: o.sample.wallTime ?? Date.now() });
          break;
        case 'processes':
          this.onEvent({ kind: 'processes', listing: o.listing, receivedAt: o.listing.wallTime ?? Date.now() });
          break;
        case 'block-error':
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
    this.onEvent({ kind: 'ended', reason, message });
    if (reason !== 'closed' && reason !== 'stopped') this.socket?.close();
  }
}
