// mmap.h — memory-mapped files (API.md §6): the mapping behind mmap() views.
//
// One mmap() call maps one range of a file once (a Mapping). JS reaches its
// pages in exactly two ways, and the invariant that keeps every JS object away
// from unmapped memory is stated here once:
//
//  1. The export's internal ArrayBuffer (from mmap_open). It holds NO ref, and
//     lib/mmap.ts never hands it to users: only MemoryView (and the kernels and
//     accessors it derives from it) touch it. mmap_release() detaches it
//     before it drops the export's ref, so once the export has ended every
//     typed array or DataView ever made over it reads as detached (length 0)
//     instead of reaching the pages. That is what lets the mapping go away
//     when the last view is released or collected, even though stale objects
//     over the internal buffer may still be alive somewhere.
//  2. User ArrayBuffers (mmap_arraybuffer, for toTypedArray): each holds one
//     ref, dropped by its finalizer, so a typed array a user keeps keeps the
//     pages mapped. None is ever made for a readonly ('r') mapping, so no
//     writable JS memory over PROT_READ pages exists.
//
// refs = the export's handle (1 until mmap_release or the handle's finalizer)
//      + one per live user ArrayBuffer.   munmap happens when refs reaches 0.
#pragma once

#include <napi.h>

namespace memview {

// mmap_open, mmap_arraybuffer, mmap_release, mmap_flush.
void InitMmap(Napi::Env env, Napi::Object exports);

}  // namespace memview
