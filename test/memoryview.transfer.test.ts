// A view whose ArrayBuffer is transferred away by postMessage (to a MessagePort
// or a worker) is dead: every memory access is ValueError ERR_MEMVIEW_DETACHED,
// metadata stays readable, and views derived before the transfer are just as dead.
import { MessageChannel } from 'node:worker_threads';

import { memoryview, slice } from '../lib';
import { expectDetached } from './support/errors';

test('postMessage transfer detaches the memory under live views', async () => {
  const ab = new ArrayBuffer(32);
  const m = memoryview(ab).cast('d');
  m.set(0, 1.5);
  expect(m.get(0)).toBe(1.5); // the fast path is warm before the transfer
  const odd = m.get(slice(1, null, 2));
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<ArrayBuffer>((resolve) => port2.once('message', resolve));
  port1.postMessage(ab, [ab]);
  const moved = await received;
  port1.close();
  port2.close();
  expect(new Float64Array(moved)[0]).toBe(1.5);
  for (const view of [m, odd]) {
    expectDetached(() => view.get(0));
    expectDetached(() => view.set(0, 2));
    expectDetached(() => view.toList());
    expectDetached(() => view.toBytes());
    expectDetached(() => view.hex());
    expectDetached(() => view.count(1.5));
    expectDetached(() => view.equals(new Float64Array(view.length)));
    expectDetached(() => [...view]);
  }
  expect(m.nbytes).toBe(32);
  expect(odd.shape).toEqual([2]);
  expect(new Float64Array(moved)[0]).toBe(1.5); // nothing was written through the dead views
});

test('memoryview() of a DataView whose buffer is detached is ValueError ERR_MEMVIEW_DETACHED', () => {
  const ab = new ArrayBuffer(8);
  const dv = new DataView(ab);
  structuredClone(ab, { transfer: [ab] });
  expectDetached(() => memoryview(dv));
});
