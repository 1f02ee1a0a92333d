#!/usr/bin/env node
// Why: prebuildify only knows node-gyp. `npm run prebuilds` hands it this file as
// --node-gyp, so prebuildify runs it with node-gyp's arguments
// (`rebuild --target=… --devdir=… --arch=… --release|--debug`) and afterwards takes
// the first *.node in build/Release (or build/Debug), strips it and moves it to
// prebuilds/<platform>-<arch>/. We translate to a clean cmake-js build instead.
//
// Node-API needs no per-version headers (package.json "binary.napi_versions" makes
// cmake-js use node-api-headers), so --target and --devdir are ignored and nothing
// is downloaded. The build runs in its own folder, build/prebuild, so the
// incremental development build in build/ is not wiped; only its result is copied
// to where prebuildify looks. Callers hold /tmp/memview-build.lock.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const command = args.find((a) => !a.startsWith('-'));
if (command !== 'rebuild' && command !== 'build') {
  console.error(`prebuildify-cmake: unsupported node-gyp command ${command}`);
  process.exit(1);
}
const debug = args.includes('--debug');
const config = debug ? 'Debug' : 'Release';
const arch = (args.find((a) => a.startsWith('--arch=')) || '').slice('--arch='.length);
const out = path.join(root, 'build', 'prebuild');

const cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
const cmakeArgs = [cmakeJs, 'rebuild', '--directory', root, '--out', out, `--CDCMAKE_BUILD_TYPE=${config}`];
if (debug) cmakeArgs.push('--debug');
if (arch) cmakeArgs.push('--arch', arch);
const result = spawnSync(process.execPath, cmakeArgs, { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);

const built = path.join(out, config, 'memview.node');
const dest = path.join(root, 'build', config);
fs.mkdirSync(dest, { recursive: true });
fs.copyFileSync(built, path.join(dest, 'memview.node'));
