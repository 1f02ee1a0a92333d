// Why: the published tarball is what users run, not this checkout. Packs it (the
// prebuilds must be fresh: `npm test` runs `npm run prebuilds` before jest), installs
// it where no compiler works, and checks what it contains, that CommonJS and ESM
// both load it from prebuilds/, and what a user sees when the addon cannot load.
// The pack/install/load part is scripts/tarball-smoke.js, shared with test:matrix.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface NodeResult {
  version: string;
  cjs: { keys: string[]; native: string[] };
  esm: { keys: string[]; native: string[] };
}
interface Smoke {
  tmp: string;
  app: string;
  env: NodeJS.ProcessEnv;
  tarball: string;
  files: string[];
  results: NodeResult[];
  cleanup(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { smoke } = require('../scripts/tarball-smoke.js') as { smoke(options: { rebuild: boolean }): Smoke };

const root = path.join(__dirname, '..');
let packed: Smoke;

beforeAll(() => {
  packed = smoke({ rebuild: false });
}, 300_000);
afterAll(() => packed?.cleanup());

function requireMemview(): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['-e', "require('memview')"], { cwd: packed.app, env: packed.env, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

test('require and import give the same exports, loaded from prebuilds/', () => {
  const [r] = packed.results;
  expect(r.cjs.keys).toEqual(expect.arrayContaining(['BufferError', 'ValueError', 'IndexError', 'OverflowError']));
  expect(new Set(r.esm.keys)).toEqual(new Set(r.cjs.keys));
  const prebuilds = path.join(fs.realpathSync(packed.app), 'node_modules', 'memview', 'prebuilds', `${process.platform}-${process.arch}`);
  expect(path.dirname(r.cjs.native[0])).toBe(prebuilds);
  expect(r.esm.native).toEqual(r.cjs.native);
});

test('the tarball holds the builds, headers and sources, and no tests', () => {
  const files = packed.files;
  expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'CMakeLists.txt']));
  expect(files.some((f) => /^prebuilds\/linux-x64\/[^/]+\.node$/.test(f))).toBe(true);
  expect(files.some((f) => f.startsWith('binding/'))).toBe(true);
  const headers = fs.existsSync(path.join(root, 'include')) ? fs.readdirSync(path.join(root, 'include'), { recursive: true }) : [];
  for (const h of headers) {
    if (fs.statSync(path.join(root, 'include', String(h))).isFile()) expect(files).toContain(`include/${h}`);
  }
  expect(files.filter((f) => /^(test|node_modules|build|lib|scripts|bench|\.ci)\//.test(f))).toEqual([]);
});

test('the packed package.json has no install-time scripts', () => {
  const text = spawnSync('tar', ['-xOzf', packed.tarball, 'package/package.json'], { encoding: 'utf8' }).stdout;
  const scripts = JSON.parse(text).scripts ?? {};
  for (const name of ['preinstall', 'install', 'postinstall']) expect(scripts[name]).toBeUndefined();
});

test('an addon that cannot load is named, with how to rebuild it', () => {
  // Runs last: it breaks the installed copy.
  const dir = fs.realpathSync(path.join(packed.app, 'node_modules', 'memview', 'prebuilds', `${process.platform}-${process.arch}`));
  const [file] = fs.readdirSync(dir).filter((f) => f.endsWith('.node'));
  fs.writeFileSync(path.join(dir, file), 'not an ELF file');
  let r = requireMemview();
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain(path.join(dir, file));
  expect(r.stderr).toContain('npm rebuild memview');
  expect(r.stderr).toContain('npx cmake-js rebuild');

  fs.rmSync(path.join(dir, file));
  r = requireMemview();
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain(`${process.platform}-${process.arch}`);
  expect(r.stderr).toContain('npm rebuild memview');
});
