// The `sandbox/hello-kubernetes` image: a small HTTP server standing in for
// paulbouwer/hello-kubernetes. It holds a baseline of memory so the pod has a realistic,
// measurable working set:
//   HOLD_MEMORY     how much to allocate and touch at start (a Kubernetes quantity: 64Mi, 100M,
//                   1Gi; default 0). Every page is written, so it is really resident and
//                   charged to the container's memory cgroup.
//   PORT            the port to listen on (default: the container's first containerPort, else 8080)
//   SANDBOX_POD_IP  the address to bind: sandbox pods share the host's network, each on its own
//                   loopback IP (127.1.x.y), so binding 0.0.0.0 would make pods clash
//   MESSAGE         the greeting (default "Hello world!")
//   HEALTH_MAX_WORKING_SET_PERCENT
//                   when set (the sandbox/hello-kubernetes-memory-health image sets 80), `/healthz`
//                   answers 503 while the container's own working set is above this percentage of
//                   its memory limit, the way memory health checks of web frameworks do (ASP.NET
//                   Core's memory health check, Spring Boot's and Micronaut's memory indicators):
//                   a memory stress then really fails the liveness probe, through the real cgroup
//                   figures, and the kubelet restarts the container.
// Endpoints: `/` (the greeting, the pod and the held memory), `/healthz` (200 "ok", or 503 with
// the figures when the memory health check is on and fails).
// Plain JavaScript run by the node binary directly: no TypeScript loader, fast to start.
'use strict';
// The launcher runs node from /proc/self/fd/4, so the kernel names the process "4" (/proc/<pid>/comm,
// what ps, top and the results panel's OOM kill order show). A real image runs `node server.js`:
// name it "node" as there.
process.title = 'node';
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');

function parseQuantity(text) {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(text).trim());
  if (!m) throw new Error(`HOLD_MEMORY must be a quantity like 64Mi or 100M, got "${text}"`);
  const mult = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2]] || 1;
  return Math.ceil(Number(m[1]) * mult);
}

const holdBytes = parseQuantity(process.env.HOLD_MEMORY || '0');
const held = [];
const CHUNK = 4 * 1024 * 1024;
for (let left = holdBytes; left > 0; left -= CHUNK) {
  // allocUnsafe + fill writes every page; Buffer.alloc could map zero pages that are never touched
  held.push(Buffer.allocUnsafe(Math.min(CHUNK, left)).fill(0x5a));
}

const port = Number(process.env.PORT || 8080);
const host = process.env.SANDBOX_POD_IP || '0.0.0.0';
const message = process.env.MESSAGE || 'Hello world!';
const started = new Date().toISOString();
const healthMaxPercent = process.env.HEALTH_MAX_WORKING_SET_PERCENT ? Number(process.env.HEALTH_MAX_WORKING_SET_PERCENT) : null;
if (healthMaxPercent !== null && !(healthMaxPercent > 0 && healthMaxPercent <= 100)) {
  throw new Error(`HEALTH_MAX_WORKING_SET_PERCENT must be a number in (0, 100], got "${process.env.HEALTH_MAX_WORKING_SET_PERCENT}"`);
}

// The container's own memory cgroup, where the runtime shows it (runc: v2 at /sys/fs/cgroup, v1 at
// /sys/fs/cgroup/memory). Working set as the kubelet computes it: usage minus inactive file pages.
const readCgroupFile = (name) => fs.readFileSync(name, 'utf8');
function memoryHealth() {
  let usage, limit, stat;
  try {
    usage = readCgroupFile('/sys/fs/cgroup/memory.current');
    limit = readCgroupFile('/sys/fs/cgroup/memory.max');
    stat = readCgroupFile('/sys/fs/cgroup/memory.stat');
  } catch {
    usage = readCgroupFile('/sys/fs/cgroup/memory/memory.usage_in_bytes');
    limit = readCgroupFile('/sys/fs/cgroup/memory/memory.limit_in_bytes');
    stat = readCgroupFile('/sys/fs/cgroup/memory/memory.stat');
  }
  const inactive = /^(?:total_inactive_file|inactive_file) (\d+)$/m.exec(stat);
  const usageBytes = Number(usage.trim());
  const workingSet = Math.max(0, usageBytes - (inactive ? Number(inactive[1]) : 0));
  const limitBytes = limit.trim() === 'max' || Number(limit) >= 2 ** 62 ? null : Number(limit.trim());
  const percent = limitBytes === null ? 0 : (100 * workingSet) / limitBytes;
  const mib = (b) => `${(b / 1048576).toFixed(1)}Mi`;
  return {
    healthy: limitBytes === null || percent <= healthMaxPercent,
    text: `working set ${mib(workingSet)} of limit ${limitBytes === null ? 'none' : mib(limitBytes)} (${percent.toFixed(1)}%, threshold ${healthMaxPercent}%)`,
  };
}

const server = http.createServer((req, res) => {
  const url = (req.url || '/').split('?')[0];
  if (url === '/healthz' || url === '/readyz' || url === '/livez') {
    const health = healthMaxPercent === null ? null : memoryHealth();
    if (health !== null && !health.healthy) {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end(`unhealthy: ${health.text}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(health === null ? 'ok\n' : `ok: ${health.text}\n`);
    return;
  }
  if (url === '/') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${message}\npod: ${os.hostname()}\nlistening: ${host}:${port}\nholding: ${holdBytes} bytes in ${held.length} buffers\nstarted: ${started}\n`);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found\n');
});
server.listen(port, host, () => {
  console.log(`hello-kubernetes listening on ${host}:${port}, holding ${holdBytes} bytes`);
});
server.on('error', (e) => {
  console.error(`hello-kubernetes: ${e.message}`);
  process.exit(1);
});
// No SIGTERM handler: the default action ends the process (exit status 143), as an unprepared
// app does when the kubelet stops it.
