// capi.cc — the table behind include/memview.h (API.md §8), one per env.
//
// Who owns what:
//  - CapiState, one per env that loaded memview: the published table (its
//    first member, so a table pointer is a state pointer), memview's own env
//    and references to lib/capi.ts's hooks. Refcounted — one ref for the env
//    (dropped by its cleanup hook), one per published external, one per live
//    export — so that a consumer that releases a buffer during teardown never
//    touches freed memory; after teardown (`alive` false) nothing calls JS.
//  - ExportRecord (memview_buffer.internal): one malloc'ed block with an
//    export's shape, strides and format, and the token under which
//    lib/capi.ts keeps the exported view until the release.
//  - ForeignMemory (memview_from_memory): refcounted like storage blocks —
//    one ref per external ArrayBuffer over the memory (the view's, and one
//    per toTypedArray buffer) — so finalize runs exactly once, when the last
//    of them is collected, detached (lib/capi.ts detaches the view's buffer
//    when its last view is released) or finalized at env teardown.
//
// Which env: a consumer calls us with *its* napi_env. Node-API keeps a
// pending exception per napi_env and rethrows it when a callback of that env
// returns, so everything that may run JS or throw (hooks, errors) goes
// through the consumer's env; memview's own references are read through
// memview's env (same isolate: the handles are valid in both). C++
// exceptions never cross the C boundary.
#include "capi.h"

#include <memview.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

#include "errors.h"
#include "external_buffer.h"
#include "format.h"

namespace memview {

namespace {

constexpr int kMaxNdim = 64;

// Every PyBUF_* request bit; anything else is a caller's mistake.
constexpr int kKnownFlags = MEMVIEW_BUF_FULL | MEMVIEW_BUF_C_CONTIGUOUS | MEMVIEW_BUF_F_CONTIGUOUS |
                            MEMVIEW_BUF_ANY_CONTIGUOUS;

// Distinguishes the handles of ForeignMemory passed to lib/capi.ts.
constexpr napi_type_tag kMemoryTag = {0x6d656d7669657743ULL, 0x6170694d656d5f31ULL};

struct CapiState {
  memview_capi table;  // first: the pointer memview.h gets back is the state's
  napi_env env;        // memview's own env
  napi_ref get_buffer;
  napi_ref release_buffer;
  napi_ref wrap_memory;
  napi_ref registry;  // lib/capi.ts's exported views, shared by every copy of lib/ in this env
  std::atomic<int64_t> refs;
  bool alive;
};
static_assert(std::is_standard_layout_v<CapiState>, "the table must be the state's first member");

CapiState *StateOf(const memview_capi *api) {
  return reinterpret_cast<CapiState *>(const_cast<memview_capi *>(api));
}

void Unref(CapiState *state) {
  if (state->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete state;
}

// memview_buffer.internal. Plain data in one allocation; `api` first, as
// memview.h's memview_release_buffer reads it.
struct ExportRecord {
  const memview_capi *api;
  CapiState *state;
  double token;
  int64_t *shape;    // ndim entries, right after the record
  int64_t *strides;  // ndim entries
  char *format;      // NUL-terminated
};
static_assert(std::is_standard_layout_v<ExportRecord> && alignof(ExportRecord) >= alignof(int64_t),
              "shape and strides follow the record");

struct ForeignMemory {
  std::atomic<int64_t> refs;
  napi_env env;  // the consumer's: finalize gets the env that created the view
  void *data;    // as given (NULL for an empty block)
  void *bytes;   // what the ArrayBuffers point at (never NULL)
  size_t len;
  napi_finalize finalize;  // NULL once memview does not own the memory
  void *hint;
};

uint8_t kNoBytes;  // the address of an empty block given as NULL

void UnrefMemory(ForeignMemory *memory) {
  if (memory->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    if (memory->finalize != nullptr) memory->finalize(memory->env, memory->data, memory->hint);
    delete memory;
  }
}

// A new external ArrayBuffer over the whole memory, holding one ref. On
// failure the ref is gone (and so is the memory, if it was the only one) and
// an exception may be pending.
napi_status NewArrayBuffer(napi_env env, ForeignMemory *memory, napi_value *result) {
  memory->refs.fetch_add(1, std::memory_order_relaxed);
  return NewRefArrayBuffer(
      env, memory->bytes, memory->len, memory,
      [](napi_env, void *owner) { UnrefMemory(static_cast<ForeignMemory *>(owner)); }, result);
}

void Clear(memview_buffer *view) {
  *view = memview_buffer{nullptr, 0, 0, 0, 0, nullptr, nullptr, nullptr, nullptr};
}

// Throws `status` into the consumer's env, built from the classes lib/errors.ts
// registered in memview's env; keeps an exception that is already pending.
int Fail(napi_env env, CapiState *state, const Status &status) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || pending) return -1;
  napi_value error = nullptr;
  if (state != nullptr && state->alive) {
    try {
      error = MakeError(Napi::Env(state->env), status).Value();
    } catch (...) {
      error = nullptr;
    }
  }
  if (error == nullptr || napi_throw(env, error) != napi_ok) {
    napi_throw_error(env, ErrorCodeName(status.code), status.message.c_str());
  }
  return -1;
}

int Fail(napi_env env, CapiState *state, ErrorClass cls, ErrorCode code,
         const std::string &message) {
  return Fail(env, state, Status::Error(cls, code, message));
}

// A Node-API call failed: make sure some exception is pending.
int FailNapi(napi_env env, const char *what) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && !pending) {
    napi_throw_error(env, "ERR_MEMVIEW_CAPI", what);
  }
  return -1;
}

// Clears the pending exception, if any, and returns its message.
std::string TakeException(napi_env env) {
  bool pending = false;
  napi_value error, message;
  size_t length = 0;
  if (napi_is_exception_pending(env, &pending) != napi_ok || !pending ||
      napi_get_and_clear_last_exception(env, &error) != napi_ok) {
    return "Node-API refused";
  }
  if (napi_coerce_to_string(env, error, &message) != napi_ok ||
      napi_get_value_string_utf8(env, message, nullptr, 0, &length) != napi_ok) {
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
    return "Node-API refused";
  }
  std::string text(length, '\0');
  napi_get_value_string_utf8(env, message, text.data(), length + 1, &length);
  return text;
}

// Failures with no JS exception to report (a bad_alloc in a message, …).
int FailInternal(napi_env env) {
  return FailNapi(env, "memview: internal error in the C API");
}

class HandleScope {
 public:
  explicit HandleScope(napi_env env) : env_(env) {
    if (napi_open_handle_scope(env, &scope_) != napi_ok) scope_ = nullptr;
  }
  ~HandleScope() {
    if (scope_ != nullptr) napi_close_handle_scope(env_, scope_);
  }
  HandleScope(const HandleScope &) = delete;
  HandleScope &operator=(const HandleScope &) = delete;

 private:
  napi_env env_;
  napi_handle_scope scope_;
};

// Calls lib/capi.ts's releaseBuffer(token). Runs with an exception pending
// (a consumer cleaning up on its error path): that exception is set aside and
// thrown again afterwards, and the hook's own failure is dropped, as a
// release cannot fail.
void CallRelease(napi_env env, CapiState *state, double token) {
  if (!state->alive) return;
  HandleScope scope(env);
  napi_value saved = nullptr;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
    napi_get_and_clear_last_exception(env, &saved);
  }
  napi_value hook = nullptr, undefined, arg;
  if (napi_get_reference_value(state->env, state->release_buffer, &hook) == napi_ok &&
      hook != nullptr && napi_get_undefined(env, &undefined) == napi_ok &&
      napi_create_double(env, token, &arg) == napi_ok &&
      napi_call_function(env, undefined, hook, 1, &arg, nullptr) != napi_ok) {
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
  }
  if (saved != nullptr) napi_throw(env, saved);
}

// ---------------------------------------------------------------- get_buffer

// CPython's flags for a view's layout: 0-d is contiguous; 1-D when its one
// item or its stride says so; n-D as PyBuffer_IsContiguous (no items: yes).
bool IsCContiguous(int ndim, const int64_t *shape, const int64_t *strides, int64_t itemsize) {
  if (ndim == 0) return true;
  if (ndim == 1) return shape[0] == 1 || strides[0] == itemsize;
  for (int k = 0; k < ndim; ++k)
    if (shape[k] == 0) return true;
  int64_t expected = itemsize;
  for (int k = ndim - 1; k >= 0; --k) {
    if (shape[k] > 1 && strides[k] != expected) return false;
    expected *= shape[k];
  }
  return true;
}

bool IsFContiguous(int ndim, const int64_t *shape, const int64_t *strides, int64_t itemsize) {
  if (ndim <= 1) return IsCContiguous(ndim, shape, strides, itemsize);
  for (int k = 0; k < ndim; ++k)
    if (shape[k] == 0) return true;
  int64_t expected = itemsize;
  for (int k = 0; k < ndim; ++k) {
    if (shape[k] > 1 && strides[k] != expected) return false;
    expected *= shape[k];
  }
  return true;
}

bool Requests(int flags, int request) {
  return (flags & request) == request;
}

// CPython's memory_getbuf checks, in its order, with its messages.
Status CheckRequest(int flags, bool readonly, bool c_contiguous, bool f_contiguous) {
  auto fail = [](ErrorCode code, const char *message) {
    return Status::Error(ErrorClass::kBuffer, code, message);
  };
  if ((flags & MEMVIEW_BUF_WRITABLE) != 0 && readonly)
    return fail(ErrorCode::kReadonly, "memoryview: underlying buffer is not writable");
  if (Requests(flags, MEMVIEW_BUF_C_CONTIGUOUS) && !c_contiguous)
    return fail(ErrorCode::kContiguity, "memoryview: underlying buffer is not C-contiguous");
  if (Requests(flags, MEMVIEW_BUF_F_CONTIGUOUS) && !f_contiguous)
    return fail(ErrorCode::kContiguity, "memoryview: underlying buffer is not Fortran contiguous");
  if (Requests(flags, MEMVIEW_BUF_ANY_CONTIGUOUS) && !c_contiguous && !f_contiguous)
    return fail(ErrorCode::kContiguity, "memoryview: underlying buffer is not contiguous");
  if (!Requests(flags, MEMVIEW_BUF_STRIDES) && !c_contiguous)
    return fail(ErrorCode::kContiguity, "memoryview: underlying buffer is not C-contiguous");
  if (!Requests(flags, MEMVIEW_BUF_ND) && (flags & MEMVIEW_BUF_FORMAT) != 0)
    return fail(ErrorCode::kFormat,
                "memoryview: cannot cast to unsigned bytes if the format flag is present");
  return Status::Ok();
}

// What lib/capi.ts's getBuffer(obj) returns: [span, meta, format] with span a
// DataView over the view's extent and meta a Float64Array
// [token, origin in span, itemsize, readonly, ndim, ...shape, ...strides].
struct Descriptor {
  uint8_t *span;
  size_t span_length;
  const double *meta;
  size_t meta_length;
  napi_value format;
  size_t format_length;
};

int ReadDescriptor(napi_env env, napi_value desc, Descriptor *d) {
  napi_value span, meta;
  napi_typedarray_type type;
  void *span_data = nullptr, *meta_data = nullptr;
  if (napi_get_element(env, desc, 0, &span) != napi_ok ||
      napi_get_element(env, desc, 1, &meta) != napi_ok ||
      napi_get_element(env, desc, 2, &d->format) != napi_ok ||
      napi_get_dataview_info(env, span, &d->span_length, &span_data, nullptr, nullptr) != napi_ok ||
      napi_get_typedarray_info(env, meta, &type, &d->meta_length, &meta_data, nullptr, nullptr) !=
          napi_ok ||
      type != napi_float64_array || d->meta_length < 5 ||
      napi_get_value_string_utf8(env, d->format, nullptr, 0, &d->format_length) != napi_ok) {
    return FailNapi(env, "memview: bad export descriptor from lib/capi.ts");
  }
  d->span = static_cast<uint8_t *>(span_data);
  d->meta = static_cast<const double *>(meta_data);
  return 0;
}

int GetBuffer(napi_env env, const memview_capi *api, napi_value obj, memview_buffer *view,
              int flags) {
  if (env == nullptr) return -1;
  CapiState *state = api != nullptr ? StateOf(api) : nullptr;
  try {
    if (view == nullptr)
      return Fail(env, state, ErrorClass::kValue, ErrorCode::kCapi,
                  "memview_get_buffer: view is NULL");
    Clear(view);
    if (obj == nullptr)
      return Fail(env, state, ErrorClass::kValue, ErrorCode::kCapi,
                  "memview_get_buffer: obj is NULL");
    if ((flags & ~kKnownFlags) != 0)
      return Fail(env, state, ErrorClass::kValue, ErrorCode::kCapi,
                  "memview_get_buffer: unknown request flags " + std::to_string(flags));
    if (state == nullptr || !state->alive)
      return FailNapi(env, "memview: the C API of this env has shut down");

    HandleScope scope(env);
    napi_value hook = nullptr, undefined, desc;
    if (napi_get_reference_value(state->env, state->get_buffer, &hook) != napi_ok ||
        hook == nullptr || napi_get_undefined(env, &undefined) != napi_ok) {
      return FailNapi(env, "memview: the C API hooks are not published");
    }
    // lib/capi.ts resolves obj to a view (as memoryview() would) and counts
    // the export; a TypeError or a released view surfaces here as is.
    if (napi_call_function(env, undefined, hook, 1, &obj, &desc) != napi_ok) return -1;
    Descriptor d;
    if (ReadDescriptor(env, desc, &d) != 0) return -1;

    // From here the export is counted: every failure ends it first.
    const double token = d.meta[0];
    const int64_t origin = static_cast<int64_t>(d.meta[1]);
    const int64_t itemsize = static_cast<int64_t>(d.meta[2]);
    const bool readonly = d.meta[3] != 0;
    const int ndim = static_cast<int>(d.meta[4]);
    if (ndim < 0 || ndim > kMaxNdim || d.meta_length != 5 + 2 * static_cast<size_t>(ndim) ||
        itemsize <= 0) {
      CallRelease(env, state, token);
      return FailNapi(env, "memview: bad export descriptor from lib/capi.ts");
    }
    int64_t shape[kMaxNdim], strides[kMaxNdim];
    bool empty = false;
    for (int k = 0; k < ndim; ++k) {
      shape[k] = static_cast<int64_t>(d.meta[5 + k]);
      strides[k] = static_cast<int64_t>(d.meta[5 + ndim + k]);
      empty = empty || shape[k] == 0;
    }
    // The span must still hold every item: lib/ checked, and this is the `if`
    // that makes sure a detached or shrunk buffer is never handed out. With
    // no items there is nothing to reach (and the other dimensions may be
    // anything).
    int64_t nitems = empty ? 0 : 1, nbytes = 0, lo = origin, hi = origin + itemsize;
    bool exact = true;
    for (int k = 0; k < ndim && !empty && exact; ++k) {
      int64_t reach;
      exact = !__builtin_mul_overflow(nitems, shape[k], &nitems) &&
              !__builtin_mul_overflow(shape[k] - 1, strides[k], &reach) &&
              !__builtin_add_overflow(reach < 0 ? lo : hi, reach, reach < 0 ? &lo : &hi);
    }
    exact = exact && !__builtin_mul_overflow(nitems, itemsize, &nbytes);
    if (!exact) {
      CallRelease(env, state, token);
      return Fail(env, state, ErrorClass::kValue, ErrorCode::kShape,
                  "memview_get_buffer: product(shape) * itemsize is too large");
    }
    if (!empty && (lo < 0 || hi > static_cast<int64_t>(d.span_length) || d.span == nullptr)) {
      CallRelease(env, state, token);
      return Fail(env, state, ErrorClass::kValue, ErrorCode::kDetached,
                  "memoryview: underlying buffer is detached or out of bounds");
    }
    Status status = CheckRequest(flags, readonly, IsCContiguous(ndim, shape, strides, itemsize),
                                 IsFContiguous(ndim, shape, strides, itemsize));
    if (!status.ok) {
      CallRelease(env, state, token);
      return Fail(env, state, status);
    }
    const size_t dims_bytes = 2 * static_cast<size_t>(ndim) * sizeof(int64_t);
    void *block = std::malloc(sizeof(ExportRecord) + dims_bytes + d.format_length + 1);
    if (block == nullptr) {
      CallRelease(env, state, token);
      return Fail(env, state, ErrorClass::kMemory, ErrorCode::kNoMemory,
                  "memview_get_buffer: out of memory");
    }
    auto *record = static_cast<ExportRecord *>(block);
    auto *dims = reinterpret_cast<int64_t *>(record + 1);
    *record = ExportRecord{api,  state,       token,
                           dims, dims + ndim, reinterpret_cast<char *>(dims + 2 * ndim)};
    if (ndim > 0) {
      std::memcpy(record->shape, shape, static_cast<size_t>(ndim) * sizeof(int64_t));
      std::memcpy(record->strides, strides, static_cast<size_t>(ndim) * sizeof(int64_t));
    }
    size_t copied = 0;
    if (napi_get_value_string_utf8(env, d.format, record->format, d.format_length + 1, &copied) !=
        napi_ok) {
      std::free(block);
      CallRelease(env, state, token);
      return FailNapi(env, "memview: bad export descriptor from lib/capi.ts");
    }
    state->refs.fetch_add(1, std::memory_order_relaxed);

    const bool nd = Requests(flags, MEMVIEW_BUF_ND);
    view->buf = d.span + origin;
    view->len = nbytes;
    view->itemsize = itemsize;
    view->readonly = readonly ? 1 : 0;
    view->ndim = nd ? ndim : 1;
    view->format = (flags & MEMVIEW_BUF_FORMAT) != 0 ? record->format : nullptr;
    view->shape = nd ? record->shape : nullptr;
    view->strides = Requests(flags, MEMVIEW_BUF_STRIDES) ? record->strides : nullptr;
    view->internal = record;
    return 0;
  } catch (...) {
    return FailInternal(env);
  }
}

void ReleaseBuffer(napi_env env, memview_buffer *view) {
  if (view == nullptr || view->internal == nullptr) return;
  auto *record = static_cast<ExportRecord *>(view->internal);
  Clear(view);
  CapiState *state = record->state;
  if (env != nullptr) CallRelease(env, state, record->token);
  std::free(record);
  Unref(state);
}

// ---------------------------------------------------------------- from_memory

// Checks memview_from_memory's arguments (API.md §8) and derives the layout:
// `dims` and `steps` (strides in bytes) of `ndim` entries each.
Status Describe(const void *data, int64_t len, const char *format, int ndim, const int64_t *shape,
                const int64_t *strides, Format *compiled, std::vector<int64_t> *dims,
                std::vector<int64_t> *steps) {
  auto bad = [](const std::string &message) {
    return Status::Error(ErrorClass::kValue, ErrorCode::kShape, "memview_from_memory: " + message);
  };
  auto str = [](int64_t n) { return std::to_string(n); };
  if (len < 0) return bad("len must not be negative, not " + str(len));
  if (len > kMaxSafeSize) return bad("len " + str(len) + " is larger than 2**53 - 1");
  if (data == nullptr && len > 0) return bad("data is NULL but len is " + str(len));
  Status status = CompileFormat(format == nullptr ? "B" : format, FormatMode::kView, compiled);
  if (!status.ok) return status;
  const int64_t itemsize = compiled->itemsize;
  if (ndim < 0 || ndim > kMaxNdim)
    return bad("ndim must be 0 … " + str(kMaxNdim) + ", not " + str(ndim));
  if (shape == nullptr) {
    if (ndim > 1) return bad("shape is NULL for ndim " + str(ndim));
    if (ndim == 1 && strides != nullptr) return bad("strides without shape");
    if (ndim == 1) {
      if (len % itemsize != 0) {
        return bad("len (" + str(len) + ") is not a multiple of itemsize (" + str(itemsize) + ")");
      }
      dims->push_back(len / itemsize);
    }
  } else {
    for (int k = 0; k < ndim; ++k) {
      if (shape[k] < 0) return bad("shape[" + str(k) + "] is negative (" + str(shape[k]) + ")");
      if (shape[k] > kMaxSafeSize) return bad("shape[" + str(k) + "] is too large");
      dims->push_back(shape[k]);
    }
  }
  int64_t nitems = 1;
  bool empty = false;
  for (int64_t n : *dims) empty = empty || n == 0;
  if (!empty) {
    for (int64_t n : *dims) {
      if (__builtin_mul_overflow(nitems, n, &nitems) || nitems > kMaxSafeSize)
        return bad("product(shape) is too large");
    }
  } else {
    nitems = 0;
  }
  int64_t nbytes;
  if (__builtin_mul_overflow(nitems, itemsize, &nbytes) || nbytes > kMaxSafeSize)
    return bad("product(shape) * itemsize is too large");

  if (strides == nullptr) {
    if (nbytes != len) {
      return bad("product(shape) * itemsize (" + str(nbytes) + ") != len (" + str(len) + ")");
    }
    steps->assign(dims->size(), 0);
    int64_t stride = itemsize;
    for (size_t k = dims->size(); k-- > 0;) {
      (*steps)[k] = stride;
      if (__builtin_mul_overflow(stride, (*dims)[k], &stride) || stride > kMaxSafeSize)
        stride = kMaxSafeSize + 1;  // only reachable past an empty dimension
    }
    for (int64_t s : *steps)
      if (s > kMaxSafeSize) return bad("shape is too large");
    return Status::Ok();
  }
  int64_t lo = 0, hi = itemsize;
  for (int k = 0; k < ndim; ++k) {
    if (strides[k] > kMaxSafeSize || strides[k] < -kMaxSafeSize)
      return bad("strides[" + str(k) + "] is too large");
    steps->push_back(strides[k]);
    if (empty) continue;
    int64_t reach;
    if (__builtin_mul_overflow((*dims)[k] - 1, strides[k], &reach) ||
        __builtin_add_overflow(reach < 0 ? lo : hi, reach, reach < 0 ? &lo : &hi)) {
      return bad("strides reach outside [0, len)");
    }
  }
  if (!empty && (lo < 0 || hi > len)) {
    return bad("strides reach outside [0, len): the items span bytes [" + str(lo) + ", " + str(hi) +
               ") of " + str(len));
  }
  return Status::Ok();
}

napi_value NumberArray(napi_env env, const std::vector<int64_t> &values) {
  napi_value array = nullptr, element;
  if (napi_create_array_with_length(env, values.size(), &array) != napi_ok) return nullptr;
  for (size_t i = 0; i < values.size(); ++i) {
    if (napi_create_double(env, static_cast<double>(values[i]), &element) != napi_ok ||
        napi_set_element(env, array, static_cast<uint32_t>(i), element) != napi_ok) {
      return nullptr;
    }
  }
  return array;
}

int FromMemory(napi_env env, const memview_capi *api, void *data, int64_t len, const char *format,
               int ndim, const int64_t *shape, const int64_t *strides, int readonly,
               napi_finalize finalize, void *hint, napi_value *result) {
  if (env == nullptr) return -1;
  CapiState *state = api != nullptr ? StateOf(api) : nullptr;
  try {
    if (result == nullptr)
      return Fail(env, state, ErrorClass::kValue, ErrorCode::kCapi,
                  "memview_from_memory: result is NULL");
    *result = nullptr;
    if (state == nullptr || !state->alive)
      return FailNapi(env, "memview: the C API of this env has shut down");
    Format compiled;
    std::vector<int64_t> dims, steps;
    Status status = Describe(data, len, format, ndim, shape, strides, &compiled, &dims, &steps);
    if (!status.ok) return Fail(env, state, status);

    auto *memory = new ForeignMemory{
        {0},     env, data, data != nullptr ? data : &kNoBytes, static_cast<size_t>(len),
        nullptr, hint};
    napi_value buffer;
    if (NewArrayBuffer(env, memory, &buffer) != napi_ok) {
      // Node 20 wraps external memory in a Buffer, which stops at 2^32 bytes.
      // `memory` went with its only ref, finalize unset: the caller keeps data.
      return Fail(env, state, ErrorClass::kMemory, ErrorCode::kNoMemory,
                  "memview_from_memory: this Node.js cannot wrap " + std::to_string(len) +
                      " bytes in one ArrayBuffer (" + TakeException(env) +
                      "); wrap smaller blocks, or use Node.js 22 or later");
    }
    // The buffer holds the one ref from here: memory is freed with it.
    napi_value hook = nullptr, undefined, handle, view, args[6];
    if (napi_create_external(env, memory, nullptr, nullptr, &handle) != napi_ok ||
        napi_type_tag_object(env, handle, &kMemoryTag) != napi_ok ||
        napi_create_string_utf8(env, compiled.text.c_str(), compiled.text.size(), &args[2]) !=
            napi_ok ||
        (args[3] = NumberArray(env, dims)) == nullptr ||
        (args[4] = NumberArray(env, steps)) == nullptr ||
        napi_get_boolean(env, readonly != 0, &args[5]) != napi_ok ||
        napi_get_reference_value(state->env, state->wrap_memory, &hook) != napi_ok ||
        hook == nullptr || napi_get_undefined(env, &undefined) != napi_ok) {
      return FailNapi(env, "memview_from_memory: cannot describe the memory");
    }
    args[0] = buffer;
    args[1] = handle;
    if (napi_call_function(env, undefined, hook, 6, args, &view) != napi_ok) return -1;
    // Only now does memview own the memory.
    memory->finalize = finalize;
    *result = view;
    return 0;
  } catch (...) {
    return FailInternal(env);
  }
}

// ---------------------------------------------------------------- JS side

ForeignMemory *UnwrapMemory(Napi::Value value) {
  if (!value.IsExternal() || !value.As<Napi::Object>().CheckTypeTag(&kMemoryTag)) {
    Throw(value.Env(), ErrorClass::kType, ErrorCode::kType,
          "memview: expected a C-API memory handle");
  }
  return value.As<Napi::External<ForeignMemory>>().Data();
}

// capi_memory_arraybuffer(handle, buffer) → a new external ArrayBuffer over the
// whole foreign memory (toTypedArray), holding one ref. `buffer` is the view's
// own buffer: while it is attached its ref keeps the memory alive.
Napi::Value MemoryArrayBuffer(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  ForeignMemory *memory = UnwrapMemory(info[0]);
  if (info.Length() < 2 || !info[1].IsArrayBuffer() ||
      info[1].As<Napi::ArrayBuffer>().IsDetached()) {
    Throw(env, ErrorClass::kValue, ErrorCode::kDetached,
          "memoryview: underlying buffer is detached or out of bounds");
  }
  napi_value buffer;
  NAPI_THROW_IF_FAILED(env, NewArrayBuffer(env, memory, &buffer), Napi::Value());
  return Napi::Value(env, buffer);
}

// capi_memory_release(buffer): the view's buffer, once its last view is
// released. Detaching drops its ref now rather than at the next GC, so that
// `release()` / `using` frees foreign memory promptly.
Napi::Value MemoryRelease(const Napi::CallbackInfo &info) {
  if (info.Length() >= 1 && info[0].IsArrayBuffer()) {
    Napi::ArrayBuffer buffer = info[0].As<Napi::ArrayBuffer>();
    if (!buffer.IsDetached()) buffer.Detach();
  }
  return info.Env().Undefined();
}

void Replace(napi_env env, napi_ref *slot, napi_value value) {
  if (*slot != nullptr) napi_delete_reference(env, *slot);
  *slot = nullptr;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_reference(env, value, 1, slot));
}

// capi_publish(getBuffer, releaseBuffer, wrapMemory, registry) → registry:
// takes lib/capi.ts's hooks and publishes this env's table at
// globalThis[Symbol.for('memview.capi')]. lib/ may load again in one env (a
// test runner's fresh module registry): the latest hooks win, and every copy
// gets the first copy's registry of exported views back, so that any copy
// can end an export another one started.
Napi::Value CapiPublish(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  auto *state = static_cast<CapiState *>(info.Data());
  for (size_t i = 0; i < 3; ++i) {
    if (!info[i].IsFunction() || !info[3].IsObject()) {
      Throw(env, ErrorClass::kType, ErrorCode::kType,
            "capi_publish(getBuffer, releaseBuffer, wrapMemory, registry)");
    }
  }
  Replace(env, &state->get_buffer, info[0]);
  Replace(env, &state->release_buffer, info[1]);
  Replace(env, &state->wrap_memory, info[2]);
  if (state->registry == nullptr) Replace(env, &state->registry, info[3]);
  napi_value registry;
  NAPI_THROW_IF_FAILED(env, napi_get_reference_value(env, state->registry, &registry),
                       Napi::Value());
  // The external holds a ref: a consumer may have fetched the table from it.
  auto table = Napi::External<memview_capi>::New(
      env, &state->table, [](Napi::Env, memview_capi *t) { Unref(StateOf(t)); });
  state->refs.fetch_add(1, std::memory_order_relaxed);
  table.TypeTag(memview__tag());
  env.Global().DefineProperty(Napi::PropertyDescriptor::Value(
      Napi::Symbol::For(env, "memview.capi"), table,
      static_cast<napi_property_attributes>(napi_writable | napi_configurable)));
  return Napi::Value(env, registry);
}

// The env is going away: no more JS, drop the env's ref.
void Shutdown(void *arg) {
  auto *state = static_cast<CapiState *>(arg);
  state->alive = false;
  for (napi_ref *slot :
       {&state->get_buffer, &state->release_buffer, &state->wrap_memory, &state->registry}) {
    if (*slot != nullptr) napi_delete_reference(state->env, *slot);
    *slot = nullptr;
  }
  Unref(state);
}

}  // namespace

void InitCapi(Napi::Env env, Napi::Object exports) {
  auto *state = new CapiState{
      memview_capi{MEMVIEW_API_VERSION, sizeof(memview_capi), GetBuffer, ReleaseBuffer, FromMemory},
      env,
      nullptr,
      nullptr,
      nullptr,
      nullptr,
      {1},
      true};
  if (napi_add_env_cleanup_hook(env, Shutdown, state) != napi_ok) {
    delete state;
    throw Napi::Error::New(env, "memview: cannot register the C API's cleanup hook");
  }
  exports.Set("capi_publish", Napi::Function::New(env, CapiPublish, "capi_publish", state));
  exports.Set("capi_memory_arraybuffer",
              Napi::Function::New(env, MemoryArrayBuffer, "capi_memory_arraybuffer"));
  exports.Set("capi_memory_release",
              Napi::Function::New(env, MemoryRelease, "capi_memory_release"));
}

}  // namespace memview
