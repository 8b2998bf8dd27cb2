// The sandbox's PKI, made with the `openssl` CLI at start (no npm crypto package can issue X.509
// certificates): a CA, a server certificate for 127.0.0.1/localhost, and a client certificate
// for the admin identity, as kubeadm would lay them out. Clients therefore go through the real
// TLS verification and client-certificate path, never `insecure-skip-tls-verify`.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SandboxPrerequisiteError } from '../runtime/errors';

export interface SandboxPki {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** User name carried by the client certificate's CN (organisation `system:masters`). */
  adminUser: string;
  /** Bearer token of the same admin identity, for clients that prefer tokens. */
  adminToken: string;
  /** Bearer token of a read-only identity: reads succeed, every write answers 403 Forbidden. */
  viewerToken: string;
  viewerUser: string;
  /** Bearer token of a reader without `get nodes/proxy` (no kubelet Summary API), as locked-down clusters grant. */
  noNodeProxyToken: string;
  noNodeProxyUser: string;
}

export const ADMIN_USER = 'sandbox-admin';
export const VIEWER_USER = 'sandbox-viewer';
export const NO_NODE_PROXY_USER = 'sandbox-no-node-proxy';

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') {
      throw new SandboxPrerequisiteError('the sandbox needs the `openssl` command to make its TLS certificates: install it (Debian/Ubuntu: `apt-get install openssl`).', { cause: e });
    }
    throw new Error(`openssl ${args[0]} failed: ${err.stderr?.toString().trim() ?? err.message}`, { cause: e });
  }
}

/** Creates (or overwrites) the PKI in `dir`. Takes well under a second with EC P-256 keys. */
export function generatePki(dir: string): SandboxPki {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/CN=pmc-sandbox-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'], dir);
  const issue = (name: string, subject: string, ext: string) => {
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', '0x' + randomBytes(8).toString('hex'),
      '-days', '3650', '-out', `${name}.crt`, '-extfile', `${name}.ext`], dir);
  };
  issue('apiserver', '/CN=kube-apiserver',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n');
  issue('admin', `/O=system:masters/CN=${ADMIN_USER}`,
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  const pki: SandboxPki = {
    caCert: read('ca.crt'),
    serverCert: read('apiserver.crt'),
    serverKey: read('apiserver.key'),
    clientCert: read('admin.crt'),
    clientKey: read('admin.key'),
    adminUser: ADMIN_USER,
    adminToken: randomBytes(24).toString('hex'),
    viewerUser: VIEWER_USER,
    viewerToken: randomBytes(24).toString('hex'),
    noNodeProxyUser: NO_NODE_PROXY_USER,
    noNodeProxyToken: randomBytes(24).toString('hex'),
  };
  fs.writeFileSync(path.join(dir, 'tokens.csv'), `${pki.adminToken},${ADMIN_USER},admin,"system:masters"\n${pki.viewerToken},${VIEWER_USER},viewer,"system:authenticated"\n`, { mode: 0o600 });
  return pki;
}
