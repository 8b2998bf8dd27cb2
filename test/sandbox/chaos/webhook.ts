// Chaos Mesh's admission webhooks for StressChaos as kube-apiserver applies them: the mutating webhook
// (mstresschaos.kb.io: defaults), then the validating one (vstresschaos.kb.io: field rules, and
// "Cannot update chaos spec" on UPDATE). The rules themselves live in src/core/stressChaos.ts; this file
// turns a denial into the Status kube-apiserver answers with.
//
// How a denial reaches the client: Chaos Mesh registers its validators with controller-runtime v0.21
// (`ctrl.NewWebhookManagedBy(mgr).WithValidator(...)`); a validator error that is not an API status
// becomes `admission.Denied(err.Error())`, i.e. Allowed=false with Result{Code: 403, Reason: Forbidden,
// Message: err}. kube-apiserver (apiserver pkg/admission/plugin/webhook/errors ToStatusErr) prefixes
// the message with `admission webhook "<name>" denied the request: `, keeps the webhook's code 403 and
// reason Forbidden, and answers with that Result as it is: the validating and mutating dispatchers
// return `ErrWebhookRejection.Status` unwrapped, so there is no `<resource> "<name>" is forbidden: `
// prefix (that is apierrors.NewForbidden, used by in-tree admission plugins such as ResourceQuota) and
// no `details`. kubectl prints it as `Error from server (Forbidden): error when creating "x.yaml":
// admission webhook "vstresschaos.kb.io" denied the request: …`.
import { admitStressChaos } from '../../../src/core/stressChaos';
import { ApiError, type KObject } from '../store';

export function admitStressChaosRequest(operation: 'CREATE' | 'UPDATE', obj: KObject, old?: KObject): KObject {
  const result = admitStressChaos(obj, { operation, requestNamespace: obj.metadata?.namespace, oldObject: old });
  if (result.allowed) return result.object as KObject;
  throw new ApiError(403, 'Forbidden', result.message, null);
}
