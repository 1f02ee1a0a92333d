#!/usr/bin/env node
// Why: proves that what `npm pack` ships works for a user who has no compiler. It
// packs this checkout, installs the tarball into a fresh temp project with a PATH
// whose cmake/node-gyp/compilers all fail, then under each Node binary asked for
// checks that `require('memview')` and `import('memview')` give the same exports
// and that the native addon came from node_modules/memview/prebuilds.
// Used by test/package.test.ts (system Node) and scripts/node-matrix.sh (other Nodes).
//
//   node scripts/tarball-smoke.js [--node /path/to/node]... [--keep]
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const LOCK = '/tmp/memview-build.lock';
const PREBUILDS = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
// API.md's error classes: exports other engineers add are compared, not listed.
const REQUIRED = ['BufferError', 'ValueError', 'IndexError', 'OverflowError', 'NotImplementedError', 'EOFError', 'MemoryError'];
const FAKE_TOOLS = ['cmake', 'cmake-js', 'node-gyp', 'make', 'ninja', 'cc', 'c++', 'gcc', 'g++', 'clang', 'clang++'];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error || `exit ${r.status}`})\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

function files(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile());
}

function prebuildsFresh() {
  const built = files(PREBUILDS).filter((f) => f.endsWith('.node'));
  if (built.length === 0) return false;
  const sources = [...files(path.join(root, 'binding')), ...files(path.join(root, 'include')), path.join(root, 'CMakeLists.txt')];
  const newest = Math.max(...sources.map((f) => fs.statSync(f).mtimeMs));
  return built.every((f) => fs.statSync(f).mtimeMs >= newest);
}

// True when a process above us (e.g. `flock LOCK npm test`) holds the build lock:
// taking it again from here would wait for ourselves forever.
function lockHeldByAncestor() {
  let ino;
  try {
    ino = String(fs.statSync(LOCK).ino);
  } catch {
    return false;
  }
  const holders = fs
    .readFileSync('/proc/locks', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1] === 'FLOCK' && f[5] && f[5].split(':')[2] === ino)
    .map((f) => Number(f[4]));
  for (let pid = process.pid; pid > 1; ) {
    if (holders.includes(pid)) return true;
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    pid = Number(/^PPid:\s+(\d+)/m.exec(status)[1]);
  }
  return false;
}

// rebuild=false (jest): never relink while other test workers have the addon
// loaded — the linker rewrites build/Release/memview.node in place, which crashes
// every process that has it mapped. `npm test` runs `npm run prebuilds` first.
function ensurePrebuilds(rebuild = true) {
  if (prebuildsFresh()) return;
  if (!rebuild) {
    throw new Error(`${path.relative(root, PREBUILDS)} is missing or older than binding/: run \`npm run prebuilds\` first (npm test does)`);
  }
  const [cmd, args] = lockHeldByAncestor() ? ['npm', ['run', 'prebuilds']] : ['flock', ['-w', '240', LOCK, 'npm', 'run', 'prebuilds']];
  process.stderr.write(`tarball-smoke: ${path.relative(root, PREBUILDS)} is missing or older than binding/: npm run prebuilds\n`);
  run(cmd, args, { cwd: root, env: cleanEnv() });
  if (!prebuildsFresh()) throw new Error(`npm run prebuilds left no fresh addon in ${PREBUILDS}`);
}

function ensureDist() {
  for (const f of ['index.js', 'index.mjs', 'index.d.ts']) {
    if (!fs.existsSync(path.join(root, 'dist', f))) throw new Error(`dist/${f} is missing: run \`npm run build:ts\` first`);
  }
}

// The environment of an outer `npm run` (npm_package_*, local prefix…) must not
// leak into the npm and node we start; neither may a memview override.
function cleanEnv(extraPath = []) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle|command|execpath|config_(local_prefix|prefix|node_gyp))/i.test(k)) continue;
    if (k === 'MEMVIEW_PREBUILD' || k === 'PREBUILDS_ONLY' || k === 'NODE_OPTIONS' || k === 'MEMVIEW_ADDON') continue;
    env[k] = v;
  }
  env.PATH = [...extraPath, process.env.PATH].join(path.delimiter);
  return env;
}

function pack(dir) {
  const r = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, env: cleanEnv() });
  const [info] = JSON.parse(r.stdout);
  return { tarball: path.join(dir, info.filename), files: info.files.map((f) => f.path) };
}

function fakeTools(dir) {
  fs.mkdirSync(dir);
  for (const tool of FAKE_TOOLS) {
    const file = path.join(dir, tool);
    fs.writeFileSync(file, `#!/bin/sh\necho "tarball-smoke: ${tool} must not run when installing memview" >&2\nexit 1\n`);
    fs.chmodSync(file, 0o755);
  }
  return dir;
}

function install(tarball, app, env) {
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'memview-smoke', version: '1.0.0', private: true }));
  const args = ['install', tarball, '--no-audit', '--no-fund', '--loglevel=error'];
  // node-gyp-build is normally in the npm cache already; the registry only if not.
  const offline = run('npm', [...args, '--offline'], { cwd: app, env, allowFail: true });
  if (offline.status !== 0) run('npm', [...args, '--prefer-offline'], { cwd: app, env });
}

const CJS_CHECK = `
const m = require('memview');
const native = Object.keys(require.cache).filter((f) => f.endsWith('.node'));
console.log(JSON.stringify({ keys: Object.keys(m), native, missing: ${JSON.stringify(REQUIRED)}.filter((n) => typeof m[n] !== 'function') }));
`;
const ESM_CHECK = `
import { createRequire } from 'node:module';
const ns = await import('memview');
const require = createRequire(import.meta.url);
const cjs = require('memview');
const keys = Object.keys(ns).filter((k) => k !== 'default');
const native = Object.keys(require.cache).filter((f) => f.endsWith('.node'));
const different = keys.filter((k) => ns[k] !== cjs[k]);
if (ns.default !== cjs) different.push('default');
console.log(JSON.stringify({ keys, native, different }));
`;

function sameSet(a, b) {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

// Runs both checks under `node` inside the installed project; throws on failure.
function check(node, app, env) {
  fs.writeFileSync(path.join(app, 'check.cjs'), CJS_CHECK);
  fs.writeFileSync(path.join(app, 'check.mjs'), ESM_CHECK);
  const version = run(node, ['--version'], { env }).stdout.trim();
  const cjs = JSON.parse(run(node, ['check.cjs'], { cwd: app, env }).stdout);
  const esm = JSON.parse(run(node, ['check.mjs'], { cwd: app, env }).stdout);
  const prebuilds = fs.realpathSync(path.join(app, 'node_modules', 'memview', 'prebuilds')) + path.sep;
  const problems = [];
  if (cjs.missing.length) problems.push(`require('memview') lacks ${cjs.missing.join(', ')}`);
  if (!sameSet(cjs.keys, esm.keys)) problems.push(`require keys ${cjs.keys} != import keys ${esm.keys}`);
  if (esm.different.length) problems.push(`import gives other objects for ${esm.different.join(', ')}`);
  for (const [how, r] of [['require', cjs], ['import', esm]]) {
    if (r.native.length !== 1 || !r.native[0].startsWith(prebuilds)) problems.push(`${how} loaded ${JSON.stringify(r.native)}, not one addon in ${prebuilds}`);
  }
  if (problems.length) throw new Error(`tarball smoke under ${node} (${version}):\n  ${problems.join('\n  ')}`);
  return { node, version, cjs, esm };
}

// Packs, installs and checks under each Node; the caller removes `tmp` (or cleanup()).
function smoke({ nodes = [process.execPath], rebuild = true } = {}) {
  ensureDist();
  ensurePrebuilds(rebuild);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'memview-smoke-'));
  const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
  try {
    const packed = pack(tmp);
    const env = cleanEnv([fakeTools(path.join(tmp, 'fake-bin'))]);
    const app = path.join(tmp, 'app');
    install(packed.tarball, app, env);
    const results = nodes.map((node) => check(node, app, cleanEnv([env.PATH.split(path.delimiter)[0], path.dirname(node)])));
    return { tmp, app, env, ...packed, results, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

module.exports = { smoke, ensurePrebuilds, run };

if (require.main === module) {
  const argv = process.argv.slice(2);
  const nodes = argv.flatMap((a, i) => (argv[i - 1] === '--node' ? [path.resolve(a)] : []));
  const started = Date.now();
  try {
    const result = smoke({ nodes: nodes.length ? nodes : undefined });
    for (const r of result.results) console.log(`ok  ${r.version}  ${r.cjs.keys.length} exports, addon ${path.relative(result.app, r.cjs.native[0])}`);
    console.log(`tarball smoke passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (argv.includes('--keep')) console.log(`kept ${result.tmp}`);
    else result.cleanup();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
