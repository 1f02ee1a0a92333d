// mmap.cc — refcounted file mappings behind mmap() views (see mmap.h for the
// invariant that keeps JS away from unmapped pages).
#include "mmap.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <string>

#include "errors.h"
#include "external_buffer.h"
#include "format.h"

namespace memview {

namespace {

// Distinguishes our mapping handles from any other External.
constexpr napi_type_tag kMappingTag = {0x6d656d766965774dULL, 0x617070696e675f31ULL};

// Must match lib/mmap.ts's modes.
enum class Mode : int { kRead = 0, kWrite = 1, kCopy = 2 };

// The exposed ArrayBuffers start at the 16-byte boundary at or below the
// requested offset (byteOffset = offset % 16), so that "aligned" means aligned
// in memory for every format (MemoryView checks alignment relative to the
// buffer) while at most 15 bytes before the requested offset are reachable.
constexpr size_t kBufferAlign = 16;

// What an unreleased mapping costs V8's heuristics: the scarce resource is the
// number of mappings (vm.max_map_count, 65,530 by default), not bytes, so
// every mapping reports the same amount. V8 then collects (and lets the
// FinalizationRegistry backstop unmap) roughly every thousand mappings that a
// program dropped without releasing them.
constexpr int64_t kMappingCost = 64 * 1024;

struct Mapping {
  std::atomic<int64_t> refs;
  void *base;      // what mmap returned (page-aligned)
  size_t map_len;  // what was mapped
  uint8_t *start;  // first byte of the ArrayBuffers (16-aligned)
  size_t buf_len;  // their length: byteOffset + the requested length
  Mode mode;
};

// The export's handle. `mapping` is the export's ref, null once dropped.
struct Handle {
  Mapping *mapping;
};

void AdjustExternal(napi_env env, int64_t delta) {
  int64_t ignored;
  napi_adjust_external_memory(env, delta, &ignored);
}

void Unref(napi_env env, Mapping *mapping) {
  if (mapping->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    munmap(mapping->base, mapping->map_len);
    AdjustExternal(env, -kMappingCost);
    delete mapping;
  }
}

// A failed system call. lib/mmap.ts turns it into Node's own kind of system
// error (code 'ENOENT', message "ENOENT: no such file or directory, open
// '<path>'") with node:util's errno names, which this addon cannot link to.
[[noreturn]] void ThrowSystemError(Napi::Env env, int errnum, const char *syscall) {
  Napi::Error error = Napi::Error::New(env, std::string("memview: ") + syscall + " failed");
  error.Set("errno", Napi::Number::New(env, -errnum));
  error.Set("syscall", Napi::String::New(env, syscall));
  error.Set("memviewSystemError", Napi::Boolean::New(env, true));
  throw error;
}

// Closes the file descriptor on every path out of mmap_open: the mapping keeps
// its own reference to the file.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) close(fd);
  }
};

// A byte count or offset from JS: a safe non-negative integer (lib/mmap.ts
// validated it; checked again here because this is what reaches mmap(2)).
int64_t ByteArg(const Napi::CallbackInfo &info, size_t i, const char *what) {
  if (info.Length() <= i || !info[i].IsNumber()) {
    Throw(info.Env(), ErrorClass::kType, ErrorCode::kType, std::string("mmap: expected ") + what);
  }
  const double n = info[i].As<Napi::Number>().DoubleValue();
  if (!(n >= -1 && n <= static_cast<double>(kMaxSafeSize)) ||
      n != static_cast<double>(int64_t(n))) {
    Throw(info.Env(), ErrorClass::kValue, ErrorCode::kValue,
          std::string("mmap: ") + what + " must be a non-negative integer");
  }
  return static_cast<int64_t>(n);
}

Handle &UnwrapHandle(Napi::Value value) {
  if (!value.IsExternal() || !value.As<Napi::Object>().CheckTypeTag(&kMappingTag)) {
    Throw(value.Env(), ErrorClass::kType, ErrorCode::kType, "memview: expected a mapping handle");
  }
  return *value.As<Napi::External<Handle>>().Data();
}

Mapping &LiveMapping(Napi::Value value) {
  Handle &handle = UnwrapHandle(value);
  if (handle.mapping == nullptr) {
    Throw(value.Env(), ErrorClass::kValue, ErrorCode::kReleased,
          "operation forbidden on released memoryview object");
  }
  return *handle.mapping;
}

// mmap_open(path, mode, offset, length) → {handle, buffer, byteOffset, byteLength}.
// `length` -1 means the rest of the file. `buffer` is the export's internal
// ArrayBuffer (no ref, see mmap.h); the requested bytes are
// [byteOffset, byteOffset + byteLength) of it.
Napi::Value MmapOpen(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Throw(env, ErrorClass::kType, ErrorCode::kType, "mmap: expected a path");
  }
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  if (info.Length() < 2 || !info[1].IsNumber()) {
    Throw(env, ErrorClass::kType, ErrorCode::kType, "mmap: expected a mode");
  }
  const int mode_number = info[1].As<Napi::Number>().Int32Value();
  if (mode_number < 0 || mode_number > 2) {
    Throw(env, ErrorClass::kValue, ErrorCode::kValue, "mmap: invalid mode");
  }
  const Mode mode = static_cast<Mode>(mode_number);
  const int64_t offset = ByteArg(info, 2, "offset");
  const int64_t length_arg = ByteArg(info, 3, "length");
  if (offset < 0 || length_arg == 0) {
    Throw(env, ErrorClass::kValue, ErrorCode::kValue, "mmap length must be positive");
  }

  // Never O_CREAT nor O_TRUNC: mmap neither creates nor extends a file.
  // O_NONBLOCK changes nothing for regular files, and keeps open() from
  // waiting for a writer when the path is a FIFO (which then has size 0).
  const int flags = (mode == Mode::kWrite ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK;
  FdCloser file{-1};
  do {
    file.fd = open(path.c_str(), flags);
  } while (file.fd < 0 && errno == EINTR);
  if (file.fd < 0) ThrowSystemError(env, errno, "open");
  struct stat st;
  if (fstat(file.fd, &st) != 0) ThrowSystemError(env, errno, "fstat");
  if (S_ISDIR(st.st_mode)) ThrowSystemError(env, EISDIR, "mmap");
  const int64_t size = static_cast<int64_t>(st.st_size);

  // CPython's checks and words (Modules/mmapmodule.c).
  if (size == 0) Throw(env, ErrorClass::kValue, ErrorCode::kValue, "cannot mmap an empty file");
  int64_t length = length_arg;
  if (length < 0) {
    if (offset >= size) {
      Throw(env, ErrorClass::kValue, ErrorCode::kValue, "mmap offset is greater than file size");
    }
    length = size - offset;
  } else if (offset > size || size - offset < length) {
    Throw(env, ErrorClass::kValue, ErrorCode::kValue, "mmap length is greater than file size");
  }

  // mmap(2) wants a page-aligned offset: map from the page boundary below and
  // expose the rest.
  const int64_t page = sysconf(_SC_PAGESIZE);
  const int64_t delta = offset % page;
  const size_t map_len = static_cast<size_t>(delta + length);
  const int prot = mode == Mode::kRead ? PROT_READ : PROT_READ | PROT_WRITE;
  const int map_flags = mode == Mode::kCopy ? MAP_PRIVATE : MAP_SHARED;
  void *base = mmap(nullptr, map_len, prot, map_flags, file.fd, static_cast<off_t>(offset - delta));
  if (base == MAP_FAILED) ThrowSystemError(env, errno, "mmap");

  const size_t byte_offset = static_cast<size_t>(delta) % kBufferAlign;
  Mapping *mapping = new Mapping{{1},
                                 base,
                                 map_len,
                                 static_cast<uint8_t *>(base) + (delta - byte_offset),
                                 byte_offset + static_cast<size_t>(length),
                                 mode};
  AdjustExternal(env, kMappingCost);

  Napi::ArrayBuffer buffer;
  try {
    buffer = Napi::ArrayBuffer::New(env, mapping->start, mapping->buf_len);
  } catch (const Napi::Error &error) {
    // Node 20 wraps external memory in a Buffer, which stops at 2^32 bytes.
    Unref(env, mapping);
    Throw(env, ErrorClass::kMemory, ErrorCode::kNoMemory,
          "mmap: this Node.js cannot wrap " + std::to_string(length) +
              " bytes in one ArrayBuffer (" + error.Message() +
              "); map a smaller window with offset and length, or use Node.js 22 or later");
  }
  Napi::External<Handle> handle;
  try {
    handle = Napi::External<Handle>::New(env, new Handle{mapping},
                                         [](Napi::Env finalize_env, Handle *h) {
                                           if (h->mapping != nullptr)
                                             Unref(finalize_env, h->mapping);
                                           delete h;
                                         });
    handle.TypeTag(&kMappingTag);
  } catch (...) {
    buffer.Detach();
    if (handle.IsEmpty()) Unref(env, mapping);
    throw;
  }

  Napi::Object result = Napi::Object::New(env);
  result.Set("handle", handle);
  result.Set("buffer", buffer);
  result.Set("byteOffset", Napi::Number::New(env, static_cast<double>(byte_offset)));
  result.Set("byteLength", Napi::Number::New(env, static_cast<double>(length)));
  return result;
}

// mmap_arraybuffer(handle) → a new external ArrayBuffer over the same bytes as
// the internal one, safe to hand to users: it holds a ref until collected.
Napi::Value MmapArrayBuffer(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Mapping &mapping = LiveMapping(info[0]);
  if (mapping.mode == Mode::kRead) {
    Throw(env, ErrorClass::kType, ErrorCode::kReadonly,
          "mmap: a readonly mapping has no writable buffer");
  }
  mapping.refs.fetch_add(1, std::memory_order_relaxed);
  return NewRefArrayBuffer(
      env, mapping.start, mapping.buf_len, &mapping,
      [](napi_env e, void *owner) { Unref(e, static_cast<Mapping *>(owner)); });
}

// mmap_release(handle, buffer): ends the export. Detaches the internal buffer
// first (mmap.h, invariant 1), then drops the export's ref: the pages are
// unmapped now unless a user ArrayBuffer still holds them. Idempotent.
Napi::Value MmapRelease(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Handle &handle = UnwrapHandle(info[0]);
  if (info.Length() < 2 || !info[1].IsArrayBuffer()) {
    Throw(env, ErrorClass::kType, ErrorCode::kType,
          "mmap_release: expected the internal ArrayBuffer");
  }
  Napi::ArrayBuffer buffer = info[1].As<Napi::ArrayBuffer>();
  if (!buffer.IsDetached()) buffer.Detach();
  if (handle.mapping != nullptr) {
    Mapping *mapping = handle.mapping;
    handle.mapping = nullptr;
    Unref(env, mapping);
  }
  return env.Undefined();
}

// mmap_flush(handle, byteOffset, byteLength): msync(MS_SYNC) of the pages
// holding [byteOffset, byteOffset + byteLength) of the buffer, for 'r+'.
Napi::Value MmapFlush(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Mapping &mapping = LiveMapping(info[0]);
  if (mapping.mode != Mode::kWrite) {
    Throw(env, ErrorClass::kType, ErrorCode::kType,
          "flush: only an 'r+' mapping writes to its file");
  }
  const int64_t byte_offset = ByteArg(info, 1, "byteOffset");
  const int64_t byte_length = ByteArg(info, 2, "byteLength");
  int64_t end;
  if (byte_offset < 0 || byte_length < 0 ||
      __builtin_add_overflow(byte_offset, byte_length, &end) ||
      end > static_cast<int64_t>(mapping.buf_len)) {
    Throw(env, ErrorClass::kValue, ErrorCode::kDetached, "flush: range outside the mapping");
  }
  if (byte_length == 0) return env.Undefined();
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t first =
      reinterpret_cast<uintptr_t>(mapping.start) + static_cast<uintptr_t>(byte_offset);
  const uintptr_t aligned = first & ~(page - 1);
  const size_t len = static_cast<size_t>(first - aligned) + static_cast<size_t>(byte_length);
  if (msync(reinterpret_cast<void *>(aligned), len, MS_SYNC) != 0)
    ThrowSystemError(env, errno, "msync");
  return env.Undefined();
}

}  // namespace

void InitMmap(Napi::Env env, Napi::Object exports) {
  exports.Set("mmap_open", Napi::Function::New(env, MmapOpen, "mmap_open"));
  exports.Set("mmap_arraybuffer", Napi::Function::New(env, MmapArrayBuffer, "mmap_arraybuffer"));
  exports.Set("mmap_release", Napi::Function::New(env, MmapRelease, "mmap_release"));
  exports.Set("mmap_flush", Napi::Function::New(env, MmapFlush, "mmap_flush"));
}

}  // namespace memview
