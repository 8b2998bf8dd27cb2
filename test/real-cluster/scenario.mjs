#!/usr/bin/env node
// Turns the sandbox's default scenario (test/sandbox/scenarios/default.yaml) into manifests for a
// real cluster (kind with Chaos Mesh, .github/workflows/real-cluster.yml): the same namespaces and
// pods, with the same names, labels, resources and probes, so the integration and end-to-end
// suites find what they expect. Nodes are left out (the cluster has its own) and the sandbox's
// images become public ones: `sandbox/hello-kubernetes*` → paulbouwer/hello-kubernetes:1.10
// (the seeds' app; HOLD_MEMORY is a sandbox-only knob and is kept only as an inert env var),
// `sandbox/pause` → busybox:1.36 sleeping (not registry.k8s.io/pause: the suites read every
// container's cgroup files with `kubectl exec … sh`, and the pause image has no shell).
// Usage: node test/real-cluster/scenario.mjs > scenario.yaml && kubectl apply -f scenario.yaml
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const IMAGES = [
  [/^sandbox\/hello-kubernetes/, 'paulbouwer/hello-kubernetes:1.10'],
  [/^sandbox\/pause/, 'busybox:1.36', ['sleep', '2147483647']],
];

export function realClusterManifests(scenarioText) {
  const out = [];
  for (const doc of YAML.parseAllDocuments(scenarioText)) {
    const obj = doc.toJS();
    if (!obj || obj.kind === 'Node') continue;
    if (obj.kind === 'Pod') {
      for (const c of obj.spec?.containers ?? []) {
        const mapped = IMAGES.find(([re]) => re.test(c.image ?? ''));
        if (!mapped) throw new Error(`no public image for ${c.image} (pod ${obj.metadata?.name})`);
        c.image = mapped[1];
        if (mapped[2]) c.command = mapped[2];
      }
    }
    out.push(obj);
  }
  return out.map((o) => YAML.stringify(o)).join('---\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? path.join(root, 'test', 'sandbox', 'scenarios', 'default.yaml');
  process.stdout.write(realClusterManifests(fs.readFileSync(file, 'utf8')));
}
