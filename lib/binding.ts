// binding.ts — loads the native addon, once, and says clearly why it could not.
//
// node-gyp-build picks build/Release in a checkout and prebuilds/<platform>-<arch>
// in an installed package. MEMVIEW_ADDON=/abs/path/memview.node overrides both:
// `npm run test:sanitize` runs the suite against an ASan/UBSan build that way,
// without touching build/Release. Each area of lib/ declares the native functions it
// calls (area_verb) as an interface next to its code and casts `native` once.
import * as path from 'node:path';

// node-gyp-build ships no typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeGypBuild = require('node-gyp-build') as { (dir: string): unknown; resolve(dir: string): string };

const packageRoot = path.join(__dirname, '..');

// `npm rebuild memview` alone builds nothing: the package has no install script
// (users without a compiler get the prebuild). cmake-js inside the package does.
const HOW_TO_BUILD =
  `Build it from source (needs cmake and a C++20 compiler): \`cd ${packageRoot} && npx cmake-js rebuild\`. ` +
  `(\`npm rebuild memview\` cannot: memview ships prebuilds and no install script.)`;

function load(): Record<string, unknown> {
  let file: string;
  try {
    const override = process.env.MEMVIEW_ADDON;
    file = override ? path.resolve(override) : nodeGypBuild.resolve(packageRoot);
  } catch (error) {
    throw new Error(
      `memview: no native addon for ${process.platform}-${process.arch} (Node ${process.version}) ` +
        `in ${path.join(packageRoot, 'build')} or ${path.join(packageRoot, 'prebuilds')}: ` +
        `${(error as Error).message}\n${HOW_TO_BUILD}`,
    );
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as Record<string, unknown>;
  } catch (error) {
    throw new Error(
      `memview: could not load the native addon ${file}: ${(error as Error).message}\n${HOW_TO_BUILD}`,
    );
  }
}

export const native: Record<string, unknown> = load();
