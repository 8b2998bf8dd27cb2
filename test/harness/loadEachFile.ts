// Mocha stops before running anything when one test file throws while it loads (a missing
// fixture, a syntax error, a failed import): the suite reports nothing and is counted as one
// failure with no name. Loaded first (`require` in each .mocharc.json, imported by the
// integration runner), this makes mocha load the files one by one: a file that throws is dropped
// and, when the run begins, reported as one failure named `<file> failed to load` whose error is
// why (as mocha reports an error outside any test), even under --grep; every other file still
// runs. Mocha has no option for this, hence the replacement of its loaders and the run hook.
// Test files here are CommonJS (TypeScript through tsx/cjs, or esbuild bundles), so `require`
// loads them, as mocha's own loaders do for such files.
import * as path from 'node:path';
import Mocha from 'mocha';

const { EVENT_FILE_PRE_REQUIRE, EVENT_FILE_REQUIRE, EVENT_FILE_POST_REQUIRE } = Mocha.Suite.constants;

interface LoadFailure {
  readonly file: string;
  readonly error: unknown;
}
/** The files of each root suite that could not load, reported when its run begins. */
const loadFailures = new WeakMap<Mocha.Suite, LoadFailure[]>();

/** The title of the failure that stands for a file that could not load. */
function loadFailureTitle(file: string): string {
  const cwd = process.cwd();
  const inCwd = cwd !== path.parse(cwd).root && file.startsWith(cwd + path.sep);
  return `${inCwd ? path.relative(cwd, file) : file} failed to load`;
}

function loadEachFile(mocha: Mocha): void {
  const root = mocha.suite;
  const failures: LoadFailure[] = [];
  for (const file of mocha.files.map((f) => path.resolve(f))) {
    const suitesBefore = root.suites.length;
    const testsBefore = root.tests.length;
    try {
      root.emit(EVENT_FILE_PRE_REQUIRE, globalThis, file, mocha);
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a test file, named at run time
      root.emit(EVENT_FILE_REQUIRE, require(file), file, mocha);
      root.emit(EVENT_FILE_POST_REQUIRE, globalThis, file, mocha);
    } catch (error) {
      // What the file registered before it threw would run without the rest of it: drop it.
      root.suites.splice(suitesBefore);
      root.tests.splice(testsBefore);
      // A throw inside a `suite()` callback leaves that suite open in the interface; binding the
      // interface again starts the next file at the root.
      mocha.ui(mocha.options.ui ?? 'bdd');
      failures.push({ file, error });
    }
  }
  loadFailures.set(root, failures);
}

const runnerRun = Mocha.Runner.prototype.run;
Mocha.Runner.prototype.run = function (this: Mocha.Runner, ...args: Parameters<typeof runnerRun>): Mocha.Runner {
  const failures = loadFailures.get(this.suite) ?? [];
  if (failures.length > 0) {
    this.once(Mocha.Runner.constants.EVENT_RUN_BEGIN, () => {
      for (const { file, error } of failures) {
        const standIn = new Mocha.Test(loadFailureTitle(file), () => { throw error; }); // never run, only reported
        standIn.parent = this.suite;
        standIn.file = file;
        this.fail(standIn, error);
      }
    });
  }
  return runnerRun.apply(this, args);
};

/** Mocha's loaders (`loadFiles` is protected and `lazyLoadFiles` untyped in @types/mocha). */
interface Loaders {
  loadFiles(done?: () => void): void;
  loadFilesAsync(): Promise<void>;
  lazyLoadFiles(lazy: boolean): void;
}
const loaders = Mocha.prototype as unknown as Loaders;

loaders.loadFiles = function (this: Mocha, done?: () => void): void {
  loadEachFile(this);
  done?.();
};

loaders.loadFilesAsync = async function (this: Mocha & Loaders): Promise<void> {
  this.lazyLoadFiles(true); // as mocha's own: run() must not load the files again
  loadEachFile(this);
};
