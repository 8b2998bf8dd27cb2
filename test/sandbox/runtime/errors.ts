// Errors the sandbox's node side raises for a user to read.

/**
 * The sandbox cannot run on this machine as it is: the message says exactly what is missing and
 * how to get it (the CLI prints it and exits non-zero).
 */
export class SandboxPrerequisiteError extends Error {
  override readonly name = 'SandboxPrerequisiteError';
}
