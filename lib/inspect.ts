// inspect.ts — toString()/util.inspect of views: format, shape and the first items.
import type { MemoryView } from './memoryview';

const PREVIEW_ITEMS = 8;

function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (Buffer.isBuffer(value)) return `<Buffer ${value.toString('hex')}>`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

export function inspectView(view: MemoryView): string {
  if (view.isReleased) return '<released MemoryView>';
  const head = `MemoryView(format='${view.format}', shape=[${view.shape.join(', ')}]${view.readonly ? ', readonly' : ''})`;
  try {
    if (view.ndim === 0) return `${head} ${show(view.get())}`;
    const n = view.shape[0];
    const items: string[] = [];
    for (let i = 0; i < Math.min(n, PREVIEW_ITEMS); i++) {
      const item = view.ndim === 1 ? view.get(i) : (view.get(i) as MemoryView).toList();
      items.push(show(item));
    }
    return `${head} [${items.join(', ')}${n > PREVIEW_ITEMS ? `, … ${n - PREVIEW_ITEMS} more` : ''}]`;
  } catch (error) {
    return `${head} <${(error as Error).message}>`;
  }
}
