// Which cluster changes need more than a click. Chaos tools are trusted only when they are safer
// than the chaos they cause: a context whose name matches one of the user's patterns (by default
// anything with "prod" in it, as kubectl users name production) must be confirmed by typing its
// name, as GitHub asks before deleting a repository. Patterns are case-insensitive regular
// expressions; one that does not compile is matched as plain text, never silently dropped.

export const DEFAULT_TYPED_CONFIRMATION_PATTERNS: readonly string[] = ['prod'];

/** The first pattern that matches the context name, or undefined. */
export function typedConfirmationPattern(context: string, patterns: readonly unknown[]): string | undefined {
  for (const pattern of patterns) {
    if (typeof pattern !== 'string' || pattern.trim() === '') continue;
    let matches: boolean;
    try {
      matches = new RegExp(pattern, 'i').test(context);
    } catch {
      matches = context.toLowerCase().includes(pattern.toLowerCase());
    }
    if (matches) return pattern;
  }
  return undefined;
}

/** Why a change must not run at all, or undefined when it may (after confirmation). */
export function writeBlockedReason(state: { readonly trusted: boolean; readonly readOnly: boolean }): string | undefined {
  if (!state.trusted) return 'This workspace is not trusted (Restricted Mode): Pod Memory Chaos changes no cluster from it. Trust the workspace to apply, stress, pause or delete.';
  if (state.readOnly) return 'Pod Memory Chaos is read-only (setting podMemoryChaos.readOnly): nothing that changes a cluster runs. Turn the setting off to apply, stress, pause or delete.';
  return undefined;
}

/**
 * The warning an Apply confirmation must carry when the experiment never ends by itself: a
 * StressChaos without `spec.duration` (the user's explicit choice — the editor warns and offers a
 * fix — but one that must not go unnoticed at the moment of the change). Undefined when it ends.
 */
export function unboundedStressWarning(obj: { readonly spec?: unknown }): string | undefined {
  const duration = typeof obj.spec === 'object' && obj.spec !== null ? (obj.spec as { duration?: unknown }).duration : undefined;
  if (typeof duration === 'string' && duration.trim() !== '') return undefined;
  return 'It has no duration: the stress runs until the StressChaos is deleted (Delete here, or Delete All StressChaos Made by Pod Memory Chaos).';
}
