// What an operation throws, for tests of error paths (API.md §7: class and code).
import { ValueError } from '../../lib';

/** The name and code of what `op` throws, or undefined when it returns. */
export function errorOf(op: () => unknown): { name: string; code: string | undefined } | undefined {
  try {
    op();
  } catch (error) {
    return { name: (error as Error).name, code: (error as { code?: string }).code };
  }
  return undefined;
}

/** `op` throws ValueError ERR_MEMVIEW_DETACHED: its memory is detached, transferred or shrunk. */
export function expectDetached(op: () => unknown): void {
  let caught: unknown;
  try {
    op();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ValueError);
  expect((caught as ValueError).code).toBe('ERR_MEMVIEW_DETACHED');
}
