// `npm run demo` (examples/demo.js) prints, line for line, what CPython prints
// for the seed's two memoryview examples (../shared/seed/memoryview.md).
// It loads ../dist, so it runs after `npm run build` (as `npm test` does).
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const expected = [
  '[0, 1, 2, 3, 4, 5]',
  '[[0, 1, 2], [3, 4, 5]]',
  '[[0, 1], [2, 3], [4, 5]]',
  "array('B', [0, 1, 2, 33, 22, 5])",
  '5',
  '-2',
  '[254, 255, 255, 255, 0, 0, 1, 0, 2, 0]',
  "array('h', [-2, -1, 1024, 1, 2])",
];

test('the demo prints what CPython prints', () => {
  const out = execFileSync(process.execPath, [path.join(__dirname, '..', 'examples', 'demo.js')], { encoding: 'utf8' });
  expect(out.split('\n')).toEqual([...expected, '']);
});

test('the same examples through the TypeScript sources', async () => {
  const { array, memoryview } = await import('../lib');
  const { pyList } = await import('../lib/pyrepr');
  const lines: string[] = [];
  const octets = array('B', [0, 1, 2, 3, 4, 5]);
  const m1 = memoryview(octets);
  lines.push(pyList(m1.toList() as unknown[]));
  const m2 = m1.cast('B', [2, 3]);
  lines.push(pyList(m2.toList() as unknown[]));
  const m3 = m1.cast('B', [3, 2]);
  lines.push(pyList(m3.toList() as unknown[]));
  m2.set([1, 1], 22);
  m3.set([1, 1], 33);
  lines.push(String(octets));
  const numbers = array('h', [-2, -1, 0, 1, 2]);
  const memv = memoryview(numbers);
  lines.push(String(memv.length));
  lines.push(String(memv.get(0)));
  const memvOct = memv.cast('B');
  lines.push(pyList(memvOct.toList() as unknown[]));
  memvOct.set(5, 4);
  lines.push(String(numbers));
  expect(lines).toEqual(expected);
  for (const view of [m1, m2, m3, memv, memvOct]) view.release();
  numbers.append(3); // unlocked once every view is released
  expect(numbers.length).toBe(6);
});
