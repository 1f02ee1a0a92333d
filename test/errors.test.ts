import { BufferError, EOFError, IndexError, MemoryError, NotImplementedError, OverflowError, StructError, ValueError } from '../lib';
import { native } from '../lib/binding';

describe('error classes (API.md §7)', () => {
  test.each([
    [BufferError, Error, 'BufferError'],
    [NotImplementedError, Error, 'NotImplementedError'],
    [EOFError, Error, 'EOFError'],
    [StructError, Error, 'StructError'],
    [ValueError, RangeError, 'ValueError'],
    [IndexError, RangeError, 'IndexError'],
    [OverflowError, RangeError, 'OverflowError'],
    [MemoryError, RangeError, 'MemoryError'],
  ])('%p extends the right base and is named', (cls, base, name) => {
    const error = new cls('boom');
    expect(error).toBeInstanceOf(base);
    expect(error.name).toBe(name);
    expect(error.message).toBe('boom');
    expect(String(error)).toBe(`${name}: boom`);
    expect(typeof error.code).toBe('string');
  });

  test('native code throws the registered classes with a code', () => {
    const compile = native.format_compile as (text: string, mode: number) => unknown;
    expect(() => compile('<n', 0)).toThrow(StructError);
    expect(() => compile('Z', 1)).toThrow(ValueError);
    try {
      compile('Z', 1);
    } catch (error) {
      expect((error as ValueError).code).toBe('ERR_MEMVIEW_FORMAT');
      expect((error as ValueError).message).toBe('bad char in struct format (at position 0)');
    }
  });
});
