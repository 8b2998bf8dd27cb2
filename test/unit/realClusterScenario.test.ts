// The real-cluster workflow applies the sandbox scenario with public images
// (test/real-cluster/scenario.mjs): same namespaces, pod names, resources and probes; no Nodes.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

suite('real-cluster scenario (test/real-cluster/scenario.mjs)', () => {
  test('the default scenario becomes the same pods with public images and no nodes', async () => {
    const { realClusterManifests } = (await import('../real-cluster/scenario.mjs')) as { realClusterManifests: (text: string) => string };
    const source = fs.readFileSync(path.join(__dirname, '..', 'sandbox', 'scenarios', 'default.yaml'), 'utf8');
    const out = YAML.parseAllDocuments(realClusterManifests(source)).map((d) => d.toJS());
    const sourcePods = YAML.parseAllDocuments(source).map((d) => d.toJS()).filter((o) => o?.kind === 'Pod');
    assert.equal(out.filter((o) => o.kind === 'Node').length, 0);
    const pods = out.filter((o) => o.kind === 'Pod');
    assert.deepEqual(pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`), sourcePods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`));
    assert.ok(pods.some((p) => p.metadata.name === 'hello-kubernetes-7c9d8b6f5-x2k4p'));
    for (const [i, pod] of pods.entries()) {
      for (const [j, c] of pod.spec.containers.entries()) {
        assert.match(c.image, /^(paulbouwer\/hello-kubernetes:1\.10|busybox:1\.36)$/);
        // every container has a shell: the suites read its cgroup files with kubectl exec … sh
        if (c.image.startsWith('busybox')) assert.deepEqual(c.command, ['sleep', '2147483647']);
        assert.deepEqual(c.resources, sourcePods[i].spec.containers[j].resources);
        assert.deepEqual(c.livenessProbe, sourcePods[i].spec.containers[j].livenessProbe);
      }
    }
  });
});
