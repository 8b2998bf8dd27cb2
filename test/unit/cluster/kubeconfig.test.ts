import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kubeconfigCandidates, loadKubeconfig, type KubeconfigLoad } from '../../../src/cluster/kubeconfig';

/** A kubeconfig with the given contexts, each on its own cluster; the first one is current unless said otherwise. */
function kubeconfigYaml(contexts: { name: string; server: string; namespace?: string }[], current = contexts[0]?.name): string {
  const lines = ['apiVersion: v1', 'kind: Config', `current-context: ${current ?? '""'}`, 'clusters:'];
  for (const c of contexts) lines.push(`- name: ${c.name}-cluster`, '  cluster:', `    server: ${c.server}`);
  lines.push('users:');
  for (const c of contexts) lines.push(`- name: ${c.name}-user`, '  user:', '    token: not-a-secret');
  lines.push('contexts:');
  for (const c of contexts) {
    lines.push(`- name: ${c.name}`, '  context:', `    cluster: ${c.name}-cluster`, `    user: ${c.name}-user`);
    if (c.namespace) lines.push(`    namespace: ${c.namespace}`);
  }
  return lines.join('\n') + '\n';
}

function names(load: KubeconfigLoad): string[] {
  return load.state === 'loaded' ? load.contexts.map((c) => c.name) : [];
}

suite('kubeconfig lookup and loading (src/cluster/kubeconfig.ts)', () => {
  let dir: string;
  let home: string;
  setup(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-kubeconfig-'));
    home = path.join(dir, 'home');
    fs.mkdirSync(home);
  });
  teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  suite('which files are read', () => {
    const cases: { name: string; setting?: string; KUBECONFIG?: string; want: { origin: string; files: string[] } }[] = [
      { name: 'the setting wins over $KUBECONFIG', setting: '/a/config', KUBECONFIG: '/b/config', want: { origin: 'setting', files: ['/a/config'] } },
      { name: 'a blank setting counts as unset', setting: '   ', KUBECONFIG: '/b/config', want: { origin: 'KUBECONFIG', files: ['/b/config'] } },
      { name: '$KUBECONFIG is split on ":" and empty parts are dropped', KUBECONFIG: '/b/one::/b/two:', want: { origin: 'KUBECONFIG', files: ['/b/one', '/b/two'] } },
      { name: '~/ in the setting means the home folder', setting: '~/k/config', want: { origin: 'setting', files: ['/home/u/k/config'] } },
      { name: 'without setting and $KUBECONFIG it is ~/.kube/config', want: { origin: 'default', files: ['/home/u/.kube/config'] } },
    ];
    for (const c of cases) {
      test(c.name, () => {
        const env = c.KUBECONFIG === undefined ? {} : { KUBECONFIG: c.KUBECONFIG };
        assert.deepEqual(kubeconfigCandidates({ setting: c.setting, env, home: '/home/u' }), c.want);
      });
    }
  });

  test('nothing configured and no ~/.kube/config gives "none" (no invented localhost cluster)', () => {
    const load = loadKubeconfig({ env: {}, home });
    assert.deepEqual(load, { state: 'none', searched: [path.join(home, '.kube', 'config')] });
  });

  test('$KUBECONFIG naming only missing files gives "none"', () => {
    const load = loadKubeconfig({ env: { KUBECONFIG: `${dir}/nope1:${dir}/nope2` }, home });
    assert.deepEqual(load, { state: 'none', searched: [`${dir}/nope1`, `${dir}/nope2`] });
  });

  test('~/.kube/config lists its contexts with server, namespace and the current one marked', () => {
    write('home/.kube/config', kubeconfigYaml([
      { name: 'kind-dev', server: 'https://127.0.0.1:6443', namespace: 'shop' },
      { name: 'prod', server: 'https://10.0.0.1:443' },
    ], 'prod'));
    const load = loadKubeconfig({ env: {}, home });
    assert.equal(load.state, 'loaded');
    if (load.state !== 'loaded') return;
    assert.equal(load.origin, 'default');
    assert.equal(load.currentContext, 'prod');
    assert.deepEqual(load.contexts, [
      { name: 'kind-dev', cluster: 'kind-dev-cluster', user: 'kind-dev-user', namespace: 'shop', server: 'https://127.0.0.1:6443', isCurrent: false },
      { name: 'prod', cluster: 'prod-cluster', user: 'prod-user', namespace: undefined, server: 'https://10.0.0.1:443', isCurrent: true },
    ]);
  });

  test('$KUBECONFIG files merge like kubectl: first definition and first current-context win, missing files skipped', () => {
    const a = write('a.yaml', kubeconfigYaml([{ name: 'shared', server: 'https://first:1' }, { name: 'only-a', server: 'https://a:1' }], 'only-a'));
    const b = write('b.yaml', kubeconfigYaml([{ name: 'shared', server: 'https://second:2' }, { name: 'only-b', server: 'https://b:2' }], 'only-b'));
    const load = loadKubeconfig({ env: { KUBECONFIG: [a, path.join(dir, 'missing.yaml'), b].join(path.delimiter) }, home });
    assert.equal(load.state, 'loaded');
    if (load.state !== 'loaded') return;
    assert.deepEqual(load.files, [a, b]);
    assert.deepEqual(names(load), ['shared', 'only-a', 'only-b']);
    assert.equal(load.currentContext, 'only-a');
    assert.equal(load.contexts[0].server, 'https://first:1');
  });

  test('the setting names a missing file: an error that names the file', () => {
    const load = loadKubeconfig({ setting: path.join(dir, 'gone.yaml'), env: {}, home });
    assert.deepEqual(load, { state: 'error', origin: 'setting', files: [path.join(dir, 'gone.yaml')], message: `The kubeconfig file ${path.join(dir, 'gone.yaml')} does not exist.` });
  });

  test('a relative setting path is an error, not resolved against an unknown folder', () => {
    const load = loadKubeconfig({ setting: 'kube/config', env: {}, home });
    assert.equal(load.state, 'error');
    assert.equal(load.state === 'error' && load.message, 'The kubeconfig path "kube/config" is relative; use an absolute path or one starting with ~/.');
  });

  test('broken YAML is an error naming the file', () => {
    const file = write('bad.yaml', 'clusters: [\n');
    const load = loadKubeconfig({ setting: file, env: {}, home });
    assert.equal(load.state, 'error');
    assert.ok(load.state === 'error' && load.message.startsWith(`The kubeconfig ${file} could not be read: `), load.state === 'error' ? load.message : '');
  });

  test('a context without a cluster is an error quoting client-node\'s reason', () => {
    const file = write('nocluster.yaml', 'contexts:\n- name: x\n  context:\n    user: u\n');
    const load = loadKubeconfig({ setting: file, env: {}, home });
    assert.equal(load.state === 'error' && load.message, `The kubeconfig ${file} could not be read: contexts[0].context.cluster is missing`);
  });

  test('an empty file and a file without contexts are "empty"', () => {
    for (const text of ['', 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\n']) {
      const file = write('empty.yaml', text);
      assert.deepEqual(loadKubeconfig({ setting: file, env: {}, home }), { state: 'empty', origin: 'setting', files: [file] });
    }
  });

  test('relative certificate paths are made absolute against the kubeconfig folder', () => {
    const file = write('sub/config', [
      'clusters:', '- name: c', '  cluster:', '    server: https://127.0.0.1:1', '    certificate-authority: ca.crt',
      'contexts:', '- name: x', '  context:', '    cluster: c', 'current-context: x', '',
    ].join('\n'));
    const load = loadKubeconfig({ setting: file, env: {}, home });
    assert.equal(load.state, 'loaded');
    if (load.state !== 'loaded') return;
    assert.equal(load.kubeConfig.getCluster('c')?.caFile, path.join(dir, 'sub', 'ca.crt'));
  });
});
