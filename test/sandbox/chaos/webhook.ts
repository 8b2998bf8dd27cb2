// Chaos Mesh's admission webhooks for StressChaos as kube-apiserver applies them: the mutating webhook
// (mstresschaos.kb.io: defaults), then the validating one (vstresschaos.kb.io: field rules, and
// "Cannot update chaos spec" on UPDATE). The rules themselves live in src/core/stressChaos.ts; this file
// turns a denial into the Status kube-apiserver answers with.
//
// How a denial reaches the client: Chaos Mesh registers its validators with controller-runtime v0.21
// (`ctrl.NewWebhookManagedBy(mgr).WithValidator(...)`); a validator error that is not an API status
// becomes `admission.Denied(err.Error())`, i.e. Allowed=false with Result{Code: 403, Reason: Forbidden,
// Message: err}. kube-apiserver (apiserver pkg/admission/plugin/webhook/errors ToStatusErr) then
// prefixes the message with `admission webhook "<name>" denied the request: ` and
// `<resource>.<group> "<name>" is forbidden: `, keeps code 403 and reason Forbidden, and fills details
// {name, group, kind: <resource>} as apierrors.NewForbidden does ("Unknown" when the name is not known
// yet, e.g. with generateName).
import { admitStressChaos } from '../../../src/core/stressChaos';
import { ApiError, type KObject } from '../store';
import { GROUP, RESOURCE } from './types';

export function admitStressChaosRequest(operation: 'CREATE' | 'UPDATE', obj: KObject, old?: KObject): KObject {
  const result = admitStressChaos(obj, { operation, requestNamespace: obj.metadata?.namespace, oldObject: old });
  if (result.allowed) return result.object as KObject;
  const name = obj.metadata?.name || 'Unknown';
  throw new ApiError(403, 'Forbidden', `${RESOURCE}.${GROUP} ${JSON.stringify(name)} is forbidden: ${result.message}`, {
    name,
    group: GROUP,
    kind: RESOURCE,
  });
}
