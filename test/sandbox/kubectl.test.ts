// The real kubectl against the full sandbox (real kubelet, real cgroups, small Chaos Mesh):
// every kubectl found on the machine. The newest one and the gcloud dispatcher run the whole
// command set; every other version runs get, apply/delete and exec (or, for those that speak
// only SPDY, checks the refusal that says which kubectl is needed).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { writeKubeconfig } from './api/kubeconfig';
import { findKubectls, type KubectlBinary } from './api/kubectlBinaries';
import { startSandbox, type Sandbox } from './cluster';
import { until } from './testing';

const BURSTABLE = 'hello-kubernetes-7c9d8b6f5-x2k4p';
const UNPROBED = 'hello-kubernetes-unprobed';
const NS = 'hello-kubernetes';
const LIMIT_BYTES = String(500 * 1024 * 1024);
const REFUSAL = 'Error from server (BadRequest): the sandbox serves exec over WebSocket only (v5.channel.k8s.io), not SPDY/3.1: use kubectl 1.30 or newer, or kubectl 1.29 with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=true';

const kubectls = findKubectls();
const plain = kubectls.filter((k) => !k.dispatcher);
const newest = plain[plain.length - 1];
const full = kubectls.filter((k) => k === newest || k.dispatcher);
const others = plain.filter((k) => k !== newest);

let sandbox: Sandbox;
let dir: string;

interface Run { code: number; stdout: string; stderr: string }

function kubectl(k: KubectlBinary, args: string[], extraEnv: Record<string, string> = {}, stdin?: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: sandbox.kubeconfigPath, KUBECACHEDIR: path.join(dir, 'cache', path.basename(k.path)), ...extraEnv };
  if (!('KUBECTL_REMOTE_COMMAND_WEBSOCKETS' in extraEnv)) delete env.KUBECTL_REMOTE_COMMAND_WEBSOCKETS;
  return new Promise((resolve) => {
    const child = execFile(k.path, args, { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

async function ok(k: KubectlBinary, args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
  const r = await kubectl(k, args, extraEnv);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

const columns = (line: string) => line.trim().split(/\s{2,}/);

/** A StressChaos on the pod labelled app.kubernetes.io/name=<app>: hello-kubernetes, or catalog (shop). */
function stressChaosYaml(name: string, app: 'hello-kubernetes' | 'catalog', size: string): string {
  return `apiVersion: chaos-mesh.org/v1alpha1
kind: StressChaos
metadata:
  name: ${name}
  namespace: ${app === 'catalog' ? 'shop' : NS}
spec:
  mode: one
  selector:
    labelSelectors:
      app.kubernetes.io/name: ${app}
  stressors:
    memory:
      workers: 1
      size: ${size}
  duration: 10m
`;
}

function writeManifest(name: string, text: string): string {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

suite('kubectl against the sandbox', function () {
  suiteSetup(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-kubectl-test-'));
    sandbox = await startSandbox({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    // The pods' processes start asynchronously: wait until every container runs.
    await until('all pods Running', async () => {
      const pods = sandbox.store.list('pods').items;
      return pods.every((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running') ? true : undefined;
    });
    // Ready means the app listens, which it does after touching its HOLD_MEMORY (top and logs read both).
    await until('the Burstable pod Ready', async () => {
      const conditions = (sandbox.store.get('pods', NS, BURSTABLE)!.status as { conditions?: Array<{ type: string; status: string }> }).conditions ?? [];
      return conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
    });
  });

  suiteTeardown(async () => {
    await sandbox?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('at least one kubectl that speaks WebSocket exec is installed', () => {
    assert.ok(kubectls.some((k) => k.exec === 'websocket'), 'no kubectl ≥1.30 found on PATH or in /usr/lib/google-cloud-sdk/bin: run `node scripts/install-kubectl.mjs`');
  });

  for (const k of full) {
    suite(`${k.label}: full command set`, () => {
      test('get pods -A shows NAMESPACE NAME READY STATUS RESTARTS AGE from the server-side Table', async () => {
        const out = (await ok(k, ['get', 'pods', '-A'])).trimEnd().split('\n');
        assert.deepEqual(columns(out[0]), ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
        const rows = out.slice(1).map(columns);
        assert.deepEqual(rows.map((r) => `${r[0]}/${r[1]}`).sort(), [
          `${NS}/${BURSTABLE}`, `${NS}/hello-kubernetes-memory-health`, `${NS}/${UNPROBED}`, 'shop/cart-guaranteed', 'shop/catalog-besteffort', 'shop/checkout-with-sidecar',
        ]);
        const checkout = rows.find((r) => r[1] === 'checkout-with-sidecar')!;
        assert.equal(checkout[2], '2/2');
        assert.equal(checkout[3], 'Running');
        assert.match(checkout[5], /^\d+s$|^\d+m/);
      });

      test('get pod -o yaml is the stored Pod with the kubelet’s status (qosClass Burstable, the pod IP)', async () => {
        const pod = YAML.parse(await ok(k, ['get', 'pod', BURSTABLE, '-o', 'yaml']));
        assert.equal(pod.kind, 'Pod');
        assert.equal(pod.metadata.labels['app.kubernetes.io/name'], 'hello-kubernetes');
        assert.equal(pod.status.qosClass, 'Burstable');
        assert.deepEqual(pod.spec.containers[0].resources, { requests: { cpu: '100m', memory: '200Mi' }, limits: { memory: '500Mi' } });
        assert.match(pod.status.podIP, /^127\.\d+\.\d+\.\d+$/);
        assert.equal(pod.metadata.uid, sandbox.store.get('pods', NS, BURSTABLE)!.metadata.uid);
      });

      test('describe pod shows the QoS class, the limits and the kubelet’s events for this pod', async () => {
        const out = await ok(k, ['describe', 'pod', BURSTABLE]);
        assert.match(out, /^QoS Class:\s+Burstable$/m);
        assert.match(out, /^\s+Limits:\n\s+memory:\s+500Mi$/m);
        assert.match(out, new RegExp(`Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned ${NS}/${BURSTABLE} to sandbox-node`));
      });

      test('exec cat of the cgroup memory limit inside the container reads the pod’s 500Mi limit', async () => {
        const file = sandbox.kubelet.cgroupVersion === 2 ? '/sys/fs/cgroup/memory.max' : '/sys/fs/cgroup/memory/memory.limit_in_bytes';
        assert.equal((await ok(k, ['exec', BURSTABLE, '--', 'cat', file])).trim(), LIMIT_BYTES);
      });

      test('exec passes the command’s exit code through (kubectl exits 3, "command terminated with exit code 3")', async () => {
        const r = await kubectl(k, ['exec', BURSTABLE, '--', 'sh', '-c', 'exit 3']);
        assert.equal(r.code, 3);
        assert.equal(r.stderr.trim(), 'command terminated with exit code 3');
      });

      test('exec -i sends stdin and ends it (v5 CLOSE)', async () => {
        const r = await kubectl(k, ['exec', '-i', BURSTABLE, '--', 'wc', '-c'], {}, 'twelve bytes');
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout.trim(), '12');
      });

      test('logs prints the container’s stdout', async () => {
        const out = await ok(k, ['logs', BURSTABLE]);
        assert.match(out, /^hello-kubernetes listening on 127\.\d+\.\d+\.\d+:8080, holding 67108864 bytes$/m);
      });

      test('create namespace (protobuf from kubectl 1.33) and get it back Active', async () => {
        const name = `created-by-${k.dispatcher ? 'dispatcher' : 'newest'}`;
        assert.equal((await ok(k, ['create', 'namespace', name])).trim(), `namespace/${name} created`);
        const rows = (await ok(k, ['get', 'namespace', name])).trimEnd().split('\n').map(columns);
        assert.deepEqual(rows[0], ['NAME', 'STATUS', 'AGE']);
        assert.deepEqual(rows[1].slice(0, 2), [name, 'Active']);
      });

      test('run --command creates a pod whose log is followed with logs -f; delete pod removes it', async () => {
        const name = `ticker-${k.dispatcher ? 'dispatcher' : 'newest'}`;
        assert.equal((await ok(k, ['run', name, '--image=busybox', '--restart=Never', '--command', '--', 'sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done'])).trim(), `pod/${name} created`);
        await until('the pod to run', async () => ((await kubectl(k, ['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])).stdout === 'Running' ? true : undefined));
        const follower = spawn(k.path, ['logs', '-f', name], { env: { ...process.env, KUBECONFIG: sandbox.kubeconfigPath, KUBECACHEDIR: path.join(dir, 'cache', path.basename(k.path)) } });
        let out = '';
        try {
          await new Promise<void>((resolve, reject) => {
            follower.stdout.on('data', (c: Buffer) => {
              out += c.toString();
              if (/^tick 5$/m.test(out)) resolve();
            });
            follower.on('exit', (code) => reject(new Error(`kubectl logs -f exited ${code}: ${out}`)));
          });
        } finally {
          follower.kill();
        }
        assert.deepEqual(out.split('\n').slice(0, 6), ['tick 0', 'tick 1', 'tick 2', 'tick 3', 'tick 4', 'tick 5']);
        assert.equal((await ok(k, ['delete', 'pod', name])).trim(), `pod "${name}" deleted`);
        const gone = await kubectl(k, ['get', 'pod', name]);
        assert.equal(gone.stderr.trim(), `Error from server (NotFound): pods "${name}" not found`);
      });

      test('exec into a container that cannot start fails as on a cluster: unable to upgrade connection: container not found', async () => {
        const name = `broken-${k.dispatcher ? 'dispatcher' : 'newest'}`;
        await ok(k, ['run', name, '--image=registry.example/nothing:1', '--restart=Never']);
        try {
          await until('the image pull failure', async () => ((await kubectl(k, ['get', 'pod', name, '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}'])).stdout === 'ErrImagePull' ? true : undefined));
          const r = await kubectl(k, ['exec', name, '--', 'true']);
          assert.equal(r.code, 1);
          assert.equal(r.stderr.trim(), `error: unable to upgrade connection: container not found ("${name}")`);
        } finally {
          await ok(k, ['delete', 'pod', name]);
        }
      });

      test('get events lists the kubelet’s events for the pods', async () => {
        const out = (await ok(k, ['get', 'events', '-n', NS])).trimEnd().split('\n');
        assert.deepEqual(columns(out[0]), ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
        assert.ok(out.some((l) => /Normal\s+Scheduled\s+pod\/hello-kubernetes-7c9d8b6f5-x2k4p\s+Successfully assigned/.test(l)), out.join('\n'));
      });

      test('top pod shows each pod’s working set from its cgroup (the Burstable pod holds 64Mi)', async () => {
        const out = (await ok(k, ['top', 'pod', '-n', NS])).trimEnd().split('\n');
        assert.deepEqual(columns(out[0]), ['NAME', 'CPU(cores)', 'MEMORY(bytes)']);
        const row = out.map(columns).find((r) => r[0] === BURSTABLE)!;
        const mi = Number(/^(\d+)Mi$/.exec(row[2])?.[1]);
        assert.ok(mi >= 64 && mi < 500, `working set ${row[2]}`);
      });

      test('get --raw of the node Summary API lists the pods with their cgroup working sets', async () => {
        const summary = JSON.parse(await ok(k, ['get', '--raw', '/api/v1/nodes/sandbox-node/proxy/stats/summary']));
        assert.equal(summary.node.nodeName, 'sandbox-node');
        const p = summary.pods.find((x: { podRef: { name: string } }) => x.podRef.name === BURSTABLE);
        assert.equal(p.podRef.uid, sandbox.store.get('pods', NS, BURSTABLE)!.metadata.uid);
        assert.ok(p.containers[0].memory.workingSetBytes >= 64 * 2 ** 20, JSON.stringify(p.containers[0].memory));
      });

      test('apply -f (client-side), get stresschaos, annotate to pause, delete -f', async () => {
        const name = `mem-stress-${k.dispatcher ? 'dispatcher' : 'newest'}`;
        const file = writeManifest(name, stressChaosYaml(name, 'hello-kubernetes', '50MB'));
        assert.equal((await ok(k, ['apply', '-f', file])).trim(), `stresschaos.chaos-mesh.org/${name} created`);
        assert.equal((await ok(k, ['apply', '-f', file])).trim(), `stresschaos.chaos-mesh.org/${name} unchanged`);
        const list = (await ok(k, ['get', 'stresschaos'])).trimEnd().split('\n').map(columns);
        assert.deepEqual(list[0], ['NAME', 'DURATION', 'AGE']);
        assert.deepEqual(list.find((r) => r[0] === name)?.slice(0, 2), [name, '10m']);
        assert.equal((await ok(k, ['annotate', 'stresschaos', name, 'experiment.chaos-mesh.org/pause=true'])).trim(), `stresschaos.chaos-mesh.org/${name} annotated`);
        const paused = await until('the Paused condition', async () => {
          const o = YAML.parse(await ok(k, ['get', 'stresschaos', name, '-o', 'yaml']));
          const c = (o.status?.conditions ?? []).find((x: { type: string }) => x.type === 'Paused');
          return c?.status === 'True' ? o : undefined;
        });
        assert.equal(paused.metadata.annotations['experiment.chaos-mesh.org/pause'], 'true');
        assert.equal((await ok(k, ['delete', '-f', file])).trim(), `stresschaos.chaos-mesh.org "${name}" deleted`);
        const gone = await kubectl(k, ['get', 'stresschaos', name]);
        assert.equal(gone.code, 1);
        assert.equal(gone.stderr.trim(), `Error from server (NotFound): stresschaos.chaos-mesh.org "${name}" not found`);
      });

      test('apply --server-side -f creates, then a second apply updates the annotations', async () => {
        const name = `ssa-stress-${k.dispatcher ? 'dispatcher' : 'newest'}`;
        const file = writeManifest(name, stressChaosYaml(name, 'catalog', '8MB'));
        assert.equal((await ok(k, ['apply', '--server-side', '-f', file])).trim(), `stresschaos.chaos-mesh.org/${name} serverside-applied`);
        fs.writeFileSync(file, stressChaosYaml(name, 'catalog', '8MB').replace(`  name: ${name}\n`, `  name: ${name}\n  annotations:\n    team: memory\n`));
        assert.equal((await ok(k, ['apply', '--server-side', '-f', file])).trim(), `stresschaos.chaos-mesh.org/${name} serverside-applied`);
        const o = YAML.parse(await ok(k, ['get', 'stresschaos', name, '-n', 'shop', '-o', 'yaml']));
        assert.equal(o.metadata.annotations.team, 'memory');
        await ok(k, ['delete', '-f', file]);
      });

      test('a spec change is refused by the Chaos Mesh webhook as on a real cluster', async () => {
        const name = `immutable-${k.dispatcher ? 'dispatcher' : 'newest'}`;
        const file = writeManifest(name, stressChaosYaml(name, 'catalog', '8MB'));
        await ok(k, ['apply', '-f', file]);
        fs.writeFileSync(file, stressChaosYaml(name, 'catalog', '9MB'));
        const r = await kubectl(k, ['apply', '-f', file]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /admission webhook "vstresschaos\.kb\.io" denied the request: Cannot update chaos spec/);
        await ok(k, ['delete', '-f', file]);
      });

      // kube-apiserver passes the webhook's own Result on: kubectl's line carries no
      // `stresschaos.chaos-mesh.org "x" is forbidden:` prefix, unlike an RBAC refusal.
      test('a Kubernetes-style size (256Mi) is refused at create with the webhook\'s words, as kubectl prints them', async () => {
        const name = `k8s-size-${k.dispatcher ? 'dispatcher' : 'newest'}`;
        const file = writeManifest(name, stressChaosYaml(name, 'catalog', '256Mi'));
        const r = await kubectl(k, ['apply', '-f', file]);
        assert.equal(r.code, 1);
        assert.equal(
          r.stderr.trim(),
          `Error from server (Forbidden): error when creating "${file}": admission webhook "vstresschaos.kb.io" denied the request: Spec.Stressors.MemoryStressor.Size: Invalid value: "256Mi": incorrect bytes format: invalid suffix: 'mi'`,
        );
        assert.equal((await kubectl(k, ['get', 'stresschaos', name, '-n', 'shop'])).code, 1, 'nothing was stored');
      });
    });
  }

  // In its own suite, so it runs after the full sets (mocha runs a suite's own tests before its
  // child suites): it restarts a container, which changes RESTARTS for later readers.
  suite(`${newest?.label ?? 'kubectl'}: watch`, () => test('get pods -w sees a container restart after its main process is killed', async () => {
    assert.ok(newest, 'no kubectl found');
    const env = { ...process.env, KUBECONFIG: sandbox.kubeconfigPath, KUBECACHEDIR: path.join(dir, 'cache', 'watch') };
    const watcher = spawn(newest.path, ['get', 'pods', '-w', '-n', NS], { env });
    let out = '';
    const sawRestart = new Promise<string>((resolve, reject) => {
      watcher.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const line = out.split('\n').find((l) => l.startsWith(UNPROBED) && /\s1 \(\d+s ago\)\s/.test(l));
        if (line) resolve(line);
      });
      watcher.on('exit', (code) => reject(new Error(`kubectl get -w exited ${code}: ${out}`)));
    });
    try {
      await until('the watch to list the pods', async () => (out.includes(UNPROBED) ? true : undefined));
      // Kill every process of the container except the exec's own shell: the kubelet sees the
      // main process die and restarts the container.
      await ok(newest, ['exec', UNPROBED, '--', 'sh', '-c',
        `for p in $(cat ${sandbox.kubelet.cgroupVersion === 2 ? '/sys/fs/cgroup/cgroup.procs' : '/sys/fs/cgroup/memory/cgroup.procs'}); do [ "$p" = "$$" ] || kill -9 "$p" 2>/dev/null; done; true`]);
      let timer: NodeJS.Timeout | undefined;
      const line = await Promise.race([sawRestart, new Promise<string>((_, reject) => (timer = setTimeout(() => reject(new Error(`no restart seen: ${out}`)), 60_000)))])
        .finally(() => clearTimeout(timer));
      assert.match(line, new RegExp(`^${UNPROBED}\\s+[01]/1\\s+\\S+\\s+1 \\(\\d+s ago\\)\\s+\\S+$`));
      // The killed instance's log is still there as the previous one.
      const previous = await ok(newest, ['logs', UNPROBED, '--previous']);
      assert.match(previous, /^hello-kubernetes listening on /m);
    } finally {
      watcher.kill();
    }
  }));

  // RBAC as a user with a read-only identity meets it: the messages kubectl prints for 403s.
  suite(`${newest?.label ?? 'kubectl'}: identities`, () => {
    let viewerConfig: string;
    suiteSetup(() => {
      viewerConfig = path.join(dir, 'viewer-kubeconfig');
      writeKubeconfig(viewerConfig, { url: sandbox.url, pki: sandbox.pki, token: sandbox.pki.viewerToken, user: sandbox.pki.viewerUser });
    });
    const asViewer = { get KUBECONFIG() { return viewerConfig; } };

    test('auth whoami names the client certificate’s user and groups', async () => {
      const rows = (await ok(newest, ['auth', 'whoami'])).trimEnd().split('\n').map(columns);
      assert.deepEqual(rows, [['ATTRIBUTE', 'VALUE'], ['Username', 'sandbox-admin'], ['Groups', '[system:masters system:authenticated]']]);
    });

    test('auth can-i (protobuf from kubectl 1.33): the admin may create StressChaos, the viewer may only read', async () => {
      assert.equal((await ok(newest, ['auth', 'can-i', 'create', 'stresschaos'])).trim(), 'yes');
      const denied = await kubectl(newest, ['auth', 'can-i', 'create', 'stresschaos'], { KUBECONFIG: asViewer.KUBECONFIG });
      assert.equal(denied.code, 1);
      assert.equal(denied.stdout.trim(), 'no');
      assert.equal((await ok(newest, ['auth', 'can-i', 'list', 'pods'], { KUBECONFIG: asViewer.KUBECONFIG })).trim(), 'yes');
    });

    test('the viewer’s apply is refused with the RBAC message', async () => {
      const file = writeManifest('viewer-stress', stressChaosYaml('viewer-stress', 'hello-kubernetes', '8MB'));
      const r = await kubectl(newest, ['apply', '-f', file], { KUBECONFIG: asViewer.KUBECONFIG });
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim(), `Error from server (Forbidden): error when creating "${file}": stresschaos.chaos-mesh.org is forbidden: User "sandbox-viewer" cannot create resource "stresschaos" in API group "chaos-mesh.org" in the namespace "${NS}"`);
    });

    test('the viewer’s exec is refused with the RBAC message (after the SPDY fallback too)', async () => {
      const r = await kubectl(newest, ['exec', BURSTABLE, '--', 'true'], { KUBECONFIG: asViewer.KUBECONFIG });
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim(), `Error from server (Forbidden): pods "${BURSTABLE}" is forbidden: User "sandbox-viewer" cannot create resource "pods/exec" in API group "" in the namespace "${NS}"`);
    });
  });

  for (const k of others) {
    suite(`${k.label}: get, apply, exec`, () => {
      test('get pods -A shows READY STATUS RESTARTS AGE', async () => {
        const out = (await ok(k, ['get', 'pods', '-A'])).trimEnd().split('\n');
        assert.deepEqual(columns(out[0]), ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
        assert.equal(out.length, 7); // the header and the default scenario's six pods
      });

      test('apply -f and delete -f of a StressChaos', async () => {
        const name = `stress-1-${k.minor}`;
        const file = writeManifest(name, stressChaosYaml(name, 'catalog', '8MB'));
        assert.equal((await ok(k, ['apply', '-f', file])).trim(), `stresschaos.chaos-mesh.org/${name} created`);
        assert.equal((await ok(k, ['delete', '-f', file])).trim(), `stresschaos.chaos-mesh.org "${name}" deleted`);
      });

      if (k.exec === 'spdy-only' || k.exec === 'websocket-with-env') {
        test('exec over SPDY is refused with a message naming the kubectl needed', async () => {
          const r = await kubectl(k, ['exec', BURSTABLE, '--', 'true']);
          assert.equal(r.code, 1);
          assert.equal(r.stderr.trim(), REFUSAL);
        });
      }
      if (k.exec !== 'spdy-only') {
        test(`exec over WebSocket${k.exec === 'websocket-with-env' ? ' (KUBECTL_REMOTE_COMMAND_WEBSOCKETS=true)' : ''} reads the cgroup limit`, async () => {
          const file = sandbox.kubelet.cgroupVersion === 2 ? '/sys/fs/cgroup/memory.max' : '/sys/fs/cgroup/memory/memory.limit_in_bytes';
          const env: Record<string, string> = k.exec === 'websocket-with-env' ? { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'true' } : {};
          assert.equal((await ok(k, ['exec', BURSTABLE, '--', 'cat', file], env)).trim(), LIMIT_BYTES);
        });
      }
    });
  }
});
