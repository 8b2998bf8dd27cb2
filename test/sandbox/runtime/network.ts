// Pod IPs. Sandbox pods share the host's network namespace, so each pod binds its own loopback
// address (all of 127.0.0.0/8 answers on Linux). Sandboxes running at the same time on one host
// (parallel test suites, several developers) must not hand out the same addresses, or two pods
// would fight for 127.1.0.1:8080: each sandbox leases a whole 127.<n>.0.0/16 through an exclusive
// lock file /run/pmc-sandbox/net-127.<n>.json naming its owner (pid + start time). A lease whose
// owner is dead is taken over; a live one is never touched.
import { openSync, readFileSync, rmSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { OWNER_DIR, ownerAlive, processStartTime } from './cgroup';

export class LoopbackLease {
  private constructor(
    /** The second octet n of this sandbox's 127.n.0.0/16. */
    readonly octet: number,
    private readonly file: string,
  ) {}

  /** Leases the first free 127.n.0.0/16 with n in 1..254 (127.0.x.x is left to the host). */
  static acquire(instanceName: string): LoopbackLease {
    mkdirSync(OWNER_DIR, { recursive: true });
    const record = JSON.stringify({ pid: process.pid, startTime: processStartTime(process.pid) ?? '', instanceName });
    for (let n = 1; n <= 254; n++) {
      const file = path.join(OWNER_DIR, `net-127.${n}.json`);
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          const fd = openSync(file, 'wx');
          writeSync(fd, record);
          closeSync(fd);
          return new LoopbackLease(n, file);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
          let owner: { pid: number; startTime: string } | undefined;
          try {
            owner = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; startTime: string };
          } catch {
            // being written right now by its owner, or garbage: treat as taken this round
            break;
          }
          if (ownerAlive(owner)) break;
          rmSync(file, { force: true }); // a crashed sandbox's lease: take it over
        }
      }
    }
    throw new Error('every loopback range 127.1.0.0/16 … 127.254.0.0/16 is leased by a running sandbox');
  }

  /** The n-th pod IP of the range (n from 0): 127.<octet>.<n / 254>.<n % 254 + 1>. */
  podIp(n: number): string {
    return `127.${this.octet}.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
  }

  release(): void {
    try {
      const owner = JSON.parse(readFileSync(this.file, 'utf8')) as { pid: number };
      if (owner.pid === process.pid) rmSync(this.file, { force: true });
    } catch {
      // already gone
    }
  }
}
