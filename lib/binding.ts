// binding.ts — loads the native addon, once, and says clearly why it could not.
//
// node-gyp-build picks build/Release in a checkout and prebuilds/<platform>-<arch>
// in an installed package. Each area of lib/ declares the native functions it
// calls (area_verb) as an interface next to its code and casts `native` once.
import * as path from 'node:path';

// node-gyp-build ships no typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeGypBuild = require('node-gyp-build') as { (dir: string): unknown; resolve(dir: string): string };

const packageRoot = path.join(__dirname, '..');

function load(): Record<string, unknown> {
  let file: string;
  try {
    file = nodeGypBuild.resolve(packageRoot);
  } catch (error) {
    throw new Error(
      `memview: no native addon for ${process.platform}-${process.arch} (Node ${process.version}) ` +
        `in ${path.join(packageRoot, 'build')} or ${path.join(packageRoot, 'prebuilds')}: ` +
        `${(error as Error).message}\nBuild it from source with \`npm rebuild memview\`, ` +
        `or \`npx cmake-js rebuild\` inside the memview package folder.`,
    );
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as Record<string, unknown>;
  } catch (error) {
    throw new Error(
      `memview: could not load the native addon ${file}: ${(error as Error).message}\n` +
        `Rebuild it with \`npm rebuild memview\`, or \`npx cmake-js rebuild\` inside the memview package folder.`,
    );
  }
}

export const native: Record<string, unknown> = load();
