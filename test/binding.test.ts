// Why: MEMVIEW_ADDON (lib/binding.ts) is how `npm run test:sanitize` runs the
// suite against the ASan/UBSan build without touching build/Release; it must
// load exactly the file it names, and say which file when that one cannot load.
// Child processes load the built package (dist/), as a user would.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');

function run(env: NodeJS.ProcessEnv, code: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['-e', `const memview = require(${JSON.stringify(dist)});\n${code}`], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('MEMVIEW_ADDON loads the file it names, relative paths from the working directory', () => {
  // The addon this process runs (the sanitized one under test:sanitize), under another name.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const current = process.env.MEMVIEW_ADDON ?? (require('node-gyp-build') as { resolve(dir: string): string }).resolve(root);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'memview-addon-'));
  try {
    const copy = path.join(tmp, 'renamed.node');
    fs.copyFileSync(current, copy);
    const r = spawnSync(process.execPath, ['-e', `const memview = require(${JSON.stringify(dist)});
      const loaded = Object.keys(require.cache).filter((f) => f.endsWith('.node'));
      console.log(JSON.stringify({ loaded, list: memview.memoryview(Buffer.from([1, 2])).toList() }));`], {
      cwd: tmp,
      env: { ...process.env, MEMVIEW_ADDON: 'renamed.node' },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ loaded: [copy], list: [1, 2] });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('a MEMVIEW_ADDON that cannot load is named in the error', () => {
  const missing = path.join(os.tmpdir(), 'memview-no-such-addon.node');
  const r = run({ MEMVIEW_ADDON: missing }, '');
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain(`could not load the native addon ${missing}`);
});

test('without MEMVIEW_ADDON, the checkout build loads', () => {
  const r = run({ MEMVIEW_ADDON: '' }, "console.log(Object.keys(require.cache).filter((f) => f.endsWith('.node')).join())");
  expect(r.status).toBe(0);
  expect(r.stdout.trim()).toBe(path.join(root, 'build', 'Release', 'memview.node'));
});
