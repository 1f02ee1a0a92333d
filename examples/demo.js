// The two memoryview examples of ../shared/seed/memoryview.md (Fluent Python's
// examples 2-20 and 2-21), line for line in memview. `npm run demo` prints
// exactly what CPython prints for the Python originals (shown in comments).
// Build first: `npm run build` (this file loads ../dist).
const { array, memoryview } = require('../dist');
const { pyList } = require('../dist/pyrepr');

// Example 2-20: six bytes of memory as 1×6, 2×3 and 3×2 views.
const octets = array('B', [0, 1, 2, 3, 4, 5]); //  octets = array('B', range(6))
const m1 = memoryview(octets); //                  m1 = memoryview(octets)
console.log(pyList(m1.toList())); //               print(m1.tolist())
const m2 = m1.cast('B', [2, 3]); //                m2 = m1.cast('B', [2, 3])
console.log(pyList(m2.toList())); //               print(m2.tolist())
const m3 = m1.cast('B', [3, 2]); //                m3 = m1.cast('B', [3, 2])
console.log(pyList(m3.toList())); //               print(m3.tolist())
m2.set([1, 1], 22); //                             m2[1, 1] = 22
m3.set([1, 1], 33); //                             m3[1, 1] = 33
console.log(String(octets)); //                    print(octets)

// Example 2-21: changing one byte of an item of an array of 16-bit integers.
const numbers = array('h', [-2, -1, 0, 1, 2]); //  numbers = array('h', [-2, -1, 0, 1, 2])
const memv = memoryview(numbers); //               memv = memoryview(numbers)
console.log(memv.length); //                       print(len(memv))
console.log(memv.get(0)); //                       print(memv[0])
const memvOct = memv.cast('B'); //                 memv_oct = memv.cast('B')
console.log(pyList(memvOct.toList())); //          print(memv_oct.tolist())
memvOct.set(5, 4); //                              memv_oct[5] = 4
console.log(String(numbers)); //                   print(numbers)

// Views over an Array lock its size until released (API.md §3, lifetime).
for (const view of [m1, m2, m3, memv, memvOct]) view.release();
