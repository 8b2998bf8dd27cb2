// Types for codeServer.mjs, so the TypeScript e2e fixture and start script use it type-checked.
import type { ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';

export const repoRoot: string;
export const CODE_SERVER_VERSION: string;
export const VSCODE_VERSION: string;
export const installDir: string;
export const codeServerEntry: string;
export const chromiumPath: string;

export interface Profile {
  readonly baseDir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly workspaceDir: string;
  readonly configFile: string;
}
export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): void;
}

export function installedVersion(): string | undefined;
export function seedRipgrepCache(env?: NodeJS.ProcessEnv): string;
export function ensureCodeServer(): string;
export function freePort(): Promise<number>;
export function makeProfile(baseDir: string, settings?: Record<string, unknown>): Profile;
export function installExtension(profile: Profile, vsixPath: string): string;
export function startCodeServer(options: {
  profile: Profile;
  logFile: string;
  env?: Record<string, string | undefined>;
  port?: number;
}): Promise<CodeServer>;
export function launchChromium(): Promise<Browser>;
export function workbenchUrl(server: CodeServer, options: { folder?: string; payload?: Record<string, string> }): string;
export function withCleanup<T>(body: (onCleanup: (fn: () => unknown) => void) => Promise<T>): Promise<T>;
