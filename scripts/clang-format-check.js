// Checks (or with --fix, applies) clang-format on our C and C++ sources, with the
// clang-format binary from the npm package, so no system install is needed.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dirs = ['binding', 'include', 'test/native', 'fuzz'];
const files = [];
for (const dir of dirs) {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) continue;
  for (const name of fs.readdirSync(full, { recursive: true })) {
    // Skip build output (test/native/build holds CMake's own compiler-probe sources).
    if (/\.(c|cc|h)$/.test(name) && !name.split(path.sep).includes('build')) files.push(path.join(full, name));
  }
}
const binary = require.resolve('clang-format/index.js').replace(/index\.js$/, '');
const exe = path.join(binary, 'bin', `${process.platform}_${process.arch === 'x64' ? 'x64' : process.arch}`, 'clang-format');
const args = process.argv.includes('--fix') ? ['-i', ...files] : ['--dry-run', '--Werror', ...files];
try {
  execFileSync(exe, ['--style=file', ...args], { stdio: 'inherit', cwd: root });
} catch {
  console.error('clang-format: sources are not formatted; run `npm run format`.');
  process.exit(1);
}
