// storage.h — natively owned, growable memory blocks: the items of an Array.
//
// An Array's items live in a malloc'ed Block that memview owns, never in an
// ArrayBuffer that JS could transfer or detach (API.md §4). JS reaches the
// items through external ArrayBuffers over the block, which native code
// creates and lib/array.ts never hands to users except through an export.
//
// Lifetime (why blocks are refcounted): a block is referenced by its Storage
// (the Array's handle, one ref) and by every external ArrayBuffer created over
// it (one ref each, dropped by that ArrayBuffer's finalizer). Growing a storage
// allocates a new block, copies the items and drops the storage's ref to the
// old block, so an ArrayBuffer that still points at the old block (a stale
// typed array, a released view, a typed array from toTypedArray) keeps that
// memory alive instead of pointing at freed memory. lib/array.ts never grows a
// storage while an export is live (BufferError), so the address a view or a
// C-API consumer holds is always the storage's current block.
#pragma once

#include <napi.h>

namespace memview {

// storage_new, storage_resize, storage_arraybuffer, storage_address.
void InitStorage(Napi::Env env, Napi::Object exports);

}  // namespace memview
