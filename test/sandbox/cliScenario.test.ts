// Scenario files (`--scenario`), the default scenario's story, and `--pods N` generation.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KObject } from './store';
import { DEFAULT_SCENARIO, generatedScenario, loadScenario, parseScenario } from './scenario';

const ROOT = path.resolve(__dirname, '..', '..');

type Container = { name: string; image: string; resources?: unknown; livenessProbe?: unknown; readinessProbe?: unknown; env?: Array<{ name: string; value: string }> };
const containersOf = (p: KObject) => (p.spec as { containers: Container[] }).containers;

suite('sandbox scenarios', () => {
  suite('the default scenario (the seeds’ story)', () => {
    const s = loadScenario(DEFAULT_SCENARIO);
    const pod = (ns: string, name: string) => s.pods.find((p) => p.metadata.namespace === ns && p.metadata.name === name)!;

    test('one node, sandbox-node', () => assert.deepEqual(s.nodes, [{ name: 'sandbox-node', labels: {} }]));

    test('namespaces: hello-kubernetes and shop, plus the four every cluster has', () => {
      assert.deepEqual(s.namespaces.map((n) => n.metadata.name).sort(), ['default', 'hello-kubernetes', 'kube-node-lease', 'kube-public', 'kube-system', 'shop']);
    });

    test('the Burstable pod: label app.kubernetes.io/name=hello-kubernetes, 200Mi request, 500Mi limit, HTTP probes on /healthz, 64Mi held', () => {
      const p = pod('hello-kubernetes', 'hello-kubernetes-7c9d8b6f5-x2k4p');
      assert.equal(p.metadata.labels!['app.kubernetes.io/name'], 'hello-kubernetes');
      const [c] = containersOf(p);
      assert.equal(c.image, 'sandbox/hello-kubernetes');
      assert.deepEqual(c.resources, { requests: { cpu: '100m', memory: '200Mi' }, limits: { memory: '500Mi' } });
      const probe = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 3 };
      assert.deepEqual(c.livenessProbe, probe);
      assert.deepEqual(c.readinessProbe, probe);
      assert.deepEqual(c.env, [{ name: 'HOLD_MEMORY', value: '64Mi' }]);
    });

    test('only the Burstable pod carries its label, so a StressChaos selecting it hits exactly one pod', () => {
      assert.deepEqual(s.pods.filter((p) => p.metadata.labels?.['app.kubernetes.io/name'] === 'hello-kubernetes').map((p) => p.metadata.name), ['hello-kubernetes-7c9d8b6f5-x2k4p']);
    });

    test('a second pod without probes, a Guaranteed and a BestEffort pod in shop, and a pod with two containers', () => {
      const unprobed = containersOf(pod('hello-kubernetes', 'hello-kubernetes-unprobed'))[0];
      assert.equal(unprobed.livenessProbe, undefined);
      assert.equal(unprobed.readinessProbe, undefined);
      assert.deepEqual(containersOf(pod('shop', 'cart-guaranteed'))[0].resources, { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '250m', memory: '256Mi' } });
      assert.equal(containersOf(pod('shop', 'catalog-besteffort'))[0].resources, undefined);
      assert.deepEqual(containersOf(pod('shop', 'checkout-with-sidecar')).map((c) => `${c.name} ${c.image}`), ['checkout sandbox/hello-kubernetes', 'log-shipper sandbox/pause']);
    });
  });

  suite('scenario files are checked', () => {
    const node = 'apiVersion: v1\nkind: Node\nmetadata:\n  name: edge-1\n  labels:\n    zone: a\n';
    const podDoc = (extra = '') => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n${extra}  containers:\n    - name: app\n      image: sandbox/pause\n`;

    test('nodes with labels; a pod without namespace goes to default; status is dropped', () => {
      const s = parseScenario(`${node}---\n${podDoc('  nodeName: edge-1\n')}status:\n  phase: Failed\n`, 'x.yaml');
      assert.deepEqual(s.nodes, [{ name: 'edge-1', labels: { zone: 'a' } }]);
      assert.equal(s.pods[0].metadata.namespace, 'default');
      assert.equal(s.pods[0].status, undefined);
    });

    test('a namespace only named by a pod is created', () => {
      const s = parseScenario(podDoc().replace('  name: web\n', '  name: web\n  namespace: team-a\n'), 'x.yaml');
      assert.ok(s.namespaces.some((n) => n.metadata.name === 'team-a'));
    });

    for (const [name, text, message] of [
      ['an unsupported kind', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n', 'x.yaml: document 1 (Service s): kind must be Node, Namespace or Pod'],
      ['a missing name', 'apiVersion: v1\nkind: Pod\nmetadata: {}\n', 'x.yaml: document 1 (Pod): metadata.name is required'],
      ['a wrong apiVersion', 'apiVersion: apps/v1\nkind: Pod\nmetadata:\n  name: p\n', 'x.yaml: document 1 (Pod p): apiVersion must be v1, got "apps/v1"'],
      ['a pod without containers', '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec: {}\n', 'x.yaml: document 1 (Pod p): spec.containers must list at least one container'],
      ['a pod pinned to an undeclared node', `${node}---\n${podDoc('  nodeName: edge-9\n')}`, 'x.yaml: pod default/web names node "edge-9", which the scenario does not declare'],
    ] as const) {
      test(`${name} is refused with the file and document`, () => assert.throws(() => parseScenario(text, 'x.yaml'), { name: 'ScenarioError', message }));
    }

    test('invalid YAML is refused with the document number', () => {
      assert.throws(() => parseScenario('kind: Pod\n---\nmetadata: [unclosed\n', 'x.yaml'), (e: Error) => e.name === 'ScenarioError' && e.message.startsWith('x.yaml: document 2: '));
    });

    test('the CLI exits 2 on a bad scenario file, before starting anything', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-scenario-test-'));
      try {
        const file = path.join(dir, 'bad.yaml');
        fs.writeFileSync(file, 'apiVersion: v1\nkind: Deployment\nmetadata:\n  name: d\n');
        const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'test/sandbox/cli.ts'), '--scenario', file, '--kubeconfig', path.join(dir, 'kc')], { encoding: 'utf8', cwd: ROOT });
        assert.equal(r.status, 2);
        assert.equal(r.stderr.trim(), `sandbox: ${file}: document 1 (Deployment d): kind must be Node, Namespace or Pod`);
        assert.equal(fs.existsSync(path.join(dir, 'kc')), false);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  suite('--pods N', () => {
    test('2000 pods default to 4 nodes with 500 pods each, tiny Burstable sandbox/pause pods in bench', () => {
      const s = generatedScenario(2000);
      assert.deepEqual(s.nodes.map((n) => n.name), ['sandbox-node-1', 'sandbox-node-2', 'sandbox-node-3', 'sandbox-node-4']);
      const perNode = new Map<string, number>();
      for (const p of s.pods) perNode.set((p.spec as { nodeName: string }).nodeName, (perNode.get((p.spec as { nodeName: string }).nodeName) ?? 0) + 1);
      assert.deepEqual([...perNode.values()], [500, 500, 500, 500]);
      assert.equal(s.pods[0].metadata.name, 'pause-0001');
      assert.equal(s.pods[1999].metadata.name, 'pause-2000');
      assert.deepEqual(containersOf(s.pods[0]), [{ name: 'pause', image: 'sandbox/pause', resources: { requests: { memory: '8Mi' }, limits: { memory: '32Mi' } } }]);
      assert.ok(s.namespaces.some((n) => n.metadata.name === 'bench'));
    });

    test('up to 500 pods use the single node sandbox-node; --nodes overrides', () => {
      assert.deepEqual(generatedScenario(500).nodes.map((n) => n.name), ['sandbox-node']);
      assert.deepEqual(generatedScenario(10, 2).nodes.map((n) => n.name), ['sandbox-node-1', 'sandbox-node-2']);
    });
  });
});
