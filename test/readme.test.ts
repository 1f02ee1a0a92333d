// The README is the user's manual: every ```js block in it runs here, as a user
// would run it (require('memview') resolves to this checkout's build), and every
// `console.log(...); // → text` must print exactly `text`.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

let project: string;
beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'memview-readme-'));
  fs.mkdirSync(path.join(project, 'node_modules'));
  fs.symlinkSync(root, path.join(project, 'node_modules', 'memview'), 'dir');
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

test('the README has runnable examples', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(5);
});

describe.each(blocks.map((code, i) => [i + 1, code] as const))('README example %i', (n, code) => {
  test('runs and prints what its comments say', () => {
    const expected = code
      .split('\n')
      .filter((line) => line.includes('// → '))
      .map((line) => line.slice(line.indexOf('// → ') + 5));
    const file = path.join(project, `example-${n}.js`);
    fs.writeFileSync(file, code);
    const out = execFileSync(process.execPath, [file], { cwd: project, encoding: 'utf8' });
    expect(out.split('\n').slice(0, -1)).toEqual(expected);
  });
});
