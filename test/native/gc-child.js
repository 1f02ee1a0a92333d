// Run by test/capi.test.ts as `node --expose-gc gc-child.js <addon>`, on the
// built package (dist/): when does memview_from_memory's finalizer run?
// Prints one JSON report; a tagged block left alive at exit prints
// "finalized <tag>" from the env's teardown.
const path = require('node:path');
const { setImmediate } = require('node:timers');

const memview = require(path.join(__dirname, '..', '..'));
const addon = require(process.argv[2]);

const tick = () => new Promise((resolve) => setImmediate(resolve));
async function collect() {
  for (let i = 0; i < 8; i++) {
    globalThis.gc();
    await tick();
  }
}
const count = () => addon.finalized().count;

async function main() {
  const report = {};

  // Dropped, never released: only the GC ends the last view and typed array.
  let view = addon.wrap({ len: 64, format: 'd', doubles: true });
  let part = view.get(memview.slice(2));
  let typed = view.toTypedArray();
  view = null;
  await collect();
  report.firstViewDropped = count();
  report.sliceStillReads = part.get(0);
  part = null;
  await collect();
  report.viewsDropped = count();
  report.typedStillReads = typed[3];
  typed = null;
  await collect();
  report.typedArrayDropped = count();

  // Released: freed at the last release, no GC needed.
  const whole = addon.wrap({ len: 16, format: 'B' });
  const tail = whole.get(memview.slice(8));
  whole.release();
  await tick();
  await tick();
  report.oneOfTwoReleased = count();
  tail.release();
  await tick();
  await tick();
  report.bothReleased = count();

  // A C export keeps its view, and so the memory, alive.
  let held = addon.wrap({ len: 8, format: 'd', doubles: true });
  const handle = addon.hold(held, 0);
  held = null;
  await collect();
  report.heldAndDropped = count();
  addon.release(handle);
  await collect();
  report.heldReleased = count();

  // Left alive until the env's teardown.
  globalThis.keep = addon.wrap({ len: 8, tag: 99 });
  report.wrongEnv = addon.finalized().wrongEnv;
  console.log(JSON.stringify(report));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
