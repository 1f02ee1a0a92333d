// protocol.ts — the buffer protocol's JS names (API.md §3, §8): the symbol an
// object implements to be a buffer source, and CPython's request flags.

/** The buffer protocol symbol (PEP 688 in JS): `obj[bufferProtocol](flags)` returns a MemoryView. */
export const bufferProtocol: unique symbol = Symbol.for('memview.buffer') as never;

/** Buffer request flags, CPython's PyBUF_* values. */
export const BUF = Object.freeze({
  SIMPLE: 0,
  WRITABLE: 0x0001,
  FORMAT: 0x0004,
  ND: 0x0008,
  STRIDES: 0x0010 | 0x0008,
  C_CONTIGUOUS: 0x0020 | 0x0010 | 0x0008,
  F_CONTIGUOUS: 0x0040 | 0x0010 | 0x0008,
  ANY_CONTIGUOUS: 0x0080 | 0x0010 | 0x0008,
  INDIRECT: 0x0100 | 0x0010 | 0x0008,
  CONTIG: 0x0008 | 0x0001,
  CONTIG_RO: 0x0008,
  STRIDED: 0x0010 | 0x0008 | 0x0001,
  STRIDED_RO: 0x0010 | 0x0008,
  RECORDS: 0x0010 | 0x0008 | 0x0001 | 0x0004,
  RECORDS_RO: 0x0010 | 0x0008 | 0x0004,
  FULL: 0x0100 | 0x0010 | 0x0008 | 0x0001 | 0x0004,
  FULL_RO: 0x0100 | 0x0010 | 0x0008 | 0x0004,
});
