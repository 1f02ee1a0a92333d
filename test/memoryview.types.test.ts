// Type-level tests: the declarations follow the format and, where known, the
// number of dimensions (issue 3). `npm run typecheck` checks this file; a wrong
// declaration fails the build, and each @ts-expect-error must stay an error.
import { memoryview, MemoryView, slice, Item } from '../lib';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

const d = memoryview(new Float64Array(4));
const q = d.cast('B').cast('q');
const h2 = d.cast('B').cast('h', [2, 8]);
const be = memoryview(Buffer.alloc(4)).cast('>H');
const unknownFormat = memoryview(Buffer.alloc(32)).cast('B').cast(String('d'));

expectType<Equal<typeof d, MemoryView<'d', 1>>>();
expectType<Equal<ReturnType<typeof d.get<[number]>>, number>>();
expectType<Equal<typeof q, MemoryView<'q', 1>>>();
expectType<Equal<ReturnType<typeof q.get<[number]>>, bigint>>();
expectType<Equal<typeof h2, MemoryView<'h', 2>>>();
expectType<Equal<ReturnType<typeof h2.get<[number, number]>>, number>>();
expectType<Equal<ReturnType<typeof h2.get<[number]>>, MemoryView<'h', 1>>>();
expectType<Equal<ReturnType<typeof be.get<[number]>>, number>>();
expectType<Equal<ReturnType<typeof unknownFormat.get<[number]>>, Item>>();
const _unknownNdim = unknownFormat.cast('B').cast('d', [2, 2] as number[]);
expectType<Equal<ReturnType<typeof _unknownNdim.get<[number]>>, number | MemoryView<'d'>>>();

test('declared types agree with the values read at run time', () => {
  const x: number = d.get(1);
  const y: bigint = q.get(0);
  const z: number = h2.get(1, 2);
  const row: MemoryView<'h', 1> = h2.get(1);
  const sliced: MemoryView<'h'> = h2.get(slice(1));
  expect(typeof x).toBe('number');
  expect(typeof y).toBe('bigint');
  expect(typeof z).toBe('number');
  expect(row.ndim).toBe(1);
  expect(sliced.ndim).toBe(2);
  // @ts-expect-error a 'q' item is a bigint, not a number
  const wrong: number = q.get(0);
  expect(typeof wrong).toBe('bigint');
  // Every view is a plain MemoryView (the default parameters accept all of them).
  const any: MemoryView[] = [d, q, h2, row, be];
  expect(any.length).toBe(5);
});
