// storage.cc — refcounted memory blocks behind Array storage (see storage.h).
#include "storage.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "errors.h"
#include "external_buffer.h"
#include "format.h"

namespace memview {

namespace {

// Distinguishes our Storage externals from any other External.
constexpr napi_type_tag kStorageTag = {0x6d656d7669657753ULL, 0x746f726167655f31ULL};

// One malloc'ed run of bytes. `refs` counts the Storage that owns it (while it
// is current) plus every external ArrayBuffer over it. Atomic because a
// finalizer's thread is Node's business, not ours.
struct Block {
  std::atomic<int64_t> refs;
  uint8_t *data;
  size_t nbytes;  // usable size; the allocation is at least 1 byte
};

struct Storage {
  Block *block;
};

// Tells V8 how much memory hides behind small ArrayBuffer objects, so that a
// program that grows and drops Arrays gets collected in time.
void AdjustExternal(napi_env env, int64_t delta) {
  int64_t ignored;
  napi_adjust_external_memory(env, delta, &ignored);
}

Block *NewBlock(Napi::Env env, int64_t nbytes) {
  if (nbytes < 0 || nbytes > kMaxSafeSize) {
    Throw(env, ErrorClass::kMemory, ErrorCode::kNoMemory,
          "cannot allocate " + std::to_string(nbytes) + " bytes for an array");
  }
  void *data = std::malloc(std::max<size_t>(static_cast<size_t>(nbytes), 1));
  if (data == nullptr) {
    Throw(env, ErrorClass::kMemory, ErrorCode::kNoMemory,
          "cannot allocate " + std::to_string(nbytes) + " bytes for an array");
  }
  Block *block = new Block{{1}, static_cast<uint8_t *>(data), static_cast<size_t>(nbytes)};
  AdjustExternal(env, nbytes);
  return block;
}

void Unref(napi_env env, Block *block) {
  if (block->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    AdjustExternal(env, -static_cast<int64_t>(block->nbytes));
    std::free(block->data);
    delete block;
  }
}

Storage &UnwrapStorage(Napi::Value value) {
  if (!value.IsExternal() || !value.As<Napi::Object>().CheckTypeTag(&kStorageTag)) {
    Throw(value.Env(), ErrorClass::kType, ErrorCode::kType, "memview: expected a storage handle");
  }
  return *value.As<Napi::External<Storage>>().Data();
}

int64_t ByteCount(const Napi::CallbackInfo &info, size_t i) {
  if (info.Length() <= i || !info[i].IsNumber()) {
    Throw(info.Env(), ErrorClass::kType, ErrorCode::kType, "memview: expected a byte count");
  }
  const double n = info[i].As<Napi::Number>().DoubleValue();
  if (!(n >= 0 && n <= static_cast<double>(kMaxSafeSize)) || n != static_cast<double>(int64_t(n))) {
    Throw(info.Env(), ErrorClass::kMemory, ErrorCode::kNoMemory,
          "cannot allocate that many bytes for an array");
  }
  return static_cast<int64_t>(n);
}

// A new external ArrayBuffer over the whole block; it holds one ref.
Napi::ArrayBuffer ArrayBufferOver(Napi::Env env, Block *block) {
  block->refs.fetch_add(1, std::memory_order_relaxed);
  return NewRefArrayBuffer(env, block->data, block->nbytes, block,
                           [](napi_env e, void *owner) { Unref(e, static_cast<Block *>(owner)); });
}

// storage_new(nbytes) → handle. The block's contents are uninitialised:
// lib/array.ts only ever reads items it wrote.
Napi::Value StorageNew(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Block *block = NewBlock(env, ByteCount(info, 0));
  Storage *storage = new Storage{block};
  auto handle = Napi::External<Storage>::New(env, storage, [](Napi::Env finalize_env, Storage *s) {
    Unref(finalize_env, s->block);
    delete s;
  });
  handle.TypeTag(&kStorageTag);
  return handle;
}

// The owner's own ArrayBuffer over the current block (lib/array.ts keeps it in
// a private field, never hands it out). It holds no ref: instead, every block
// change detaches it (storage_resize), so it never points at freed memory.
Napi::ArrayBuffer OwnerView(Napi::Env env, Block *block) {
  return Napi::ArrayBuffer::New(env, block->data, block->nbytes);
}

// storage_view(handle) → the owner's ArrayBuffer over the current block.
Napi::Value StorageView(const Napi::CallbackInfo &info) {
  return OwnerView(info.Env(), UnwrapStorage(info[0]).block);
}

// storage_resize(handle, nbytes, keepBytes, ownerView) → the owner's new
// ArrayBuffer. `ownerView` (the previous storage_view / storage_resize result)
// is detached first. When nothing else references the block (no export's
// ArrayBuffer is alive), it is realloc'ed in place: for large blocks glibc
// moves pages (mremap) instead of copying and faulting them in again, which is
// most of the cost of growing. Otherwise a new block gets the first keepBytes
// bytes and the old one lives on for the ArrayBuffers that still point at it.
Napi::Value StorageResize(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Storage &storage = UnwrapStorage(info[0]);
  const int64_t nbytes = ByteCount(info, 1);
  const int64_t keep =
      std::min<int64_t>({ByteCount(info, 2), nbytes, static_cast<int64_t>(storage.block->nbytes)});
  if (info.Length() < 4 || !info[3].IsArrayBuffer()) {
    Throw(env, ErrorClass::kType, ErrorCode::kType, "memview: expected the owner's ArrayBuffer");
  }
  Block *old = storage.block;
  if (old->refs.load(std::memory_order_acquire) == 1 && nbytes <= kMaxSafeSize) {
    // Sole owner. No JS runs between the realloc and the detach, so the old
    // view is never used after its memory moved; on failure the block (and
    // the owner's view of it) is intact.
    void *data = std::realloc(old->data, std::max<size_t>(static_cast<size_t>(nbytes), 1));
    if (data == nullptr) {
      Throw(env, ErrorClass::kMemory, ErrorCode::kNoMemory,
            "cannot allocate " + std::to_string(nbytes) + " bytes for an array");
    }
    info[3].As<Napi::ArrayBuffer>().Detach();
    AdjustExternal(env, nbytes - static_cast<int64_t>(old->nbytes));
    old->data = static_cast<uint8_t *>(data);
    old->nbytes = static_cast<size_t>(nbytes);
    return OwnerView(env, old);
  }
  Block *block = NewBlock(env, nbytes);
  if (keep > 0) std::memcpy(block->data, old->data, static_cast<size_t>(keep));
  info[3].As<Napi::ArrayBuffer>().Detach();
  storage.block = block;
  Unref(env, old);
  return OwnerView(env, block);
}

// storage_arraybuffer(handle) → a new external ArrayBuffer over the current block.
Napi::Value StorageArrayBuffer(const Napi::CallbackInfo &info) {
  return ArrayBufferOver(info.Env(), UnwrapStorage(info[0]).block);
}

// storage_address(handle) → the block's address as a bigint (bufferInfo).
Napi::Value StorageAddress(const Napi::CallbackInfo &info) {
  const Storage &storage = UnwrapStorage(info[0]);
  return Napi::BigInt::New(info.Env(),
                           static_cast<uint64_t>(reinterpret_cast<uintptr_t>(storage.block->data)));
}

}  // namespace

void InitStorage(Napi::Env env, Napi::Object exports) {
  exports.Set("storage_new", Napi::Function::New(env, StorageNew, "storage_new"));
  exports.Set("storage_resize", Napi::Function::New(env, StorageResize, "storage_resize"));
  exports.Set("storage_view", Napi::Function::New(env, StorageView, "storage_view"));
  exports.Set("storage_arraybuffer",
              Napi::Function::New(env, StorageArrayBuffer, "storage_arraybuffer"));
  exports.Set("storage_address", Napi::Function::New(env, StorageAddress, "storage_address"));
}

}  // namespace memview
