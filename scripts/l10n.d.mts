export const BUNDLE: string;
export function l10nMessages(): string[];
export function bundleText(): string;
