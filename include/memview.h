/*
 * memview.h — memview's C-level buffer protocol (API.md §8).
 *
 * Lets another native addon consume memview views (and anything memoryview()
 * accepts) as raw memory, and hand raw memory to JavaScript as a MemoryView,
 * without copying and without linking against memview: the functions below
 * are static inline wrappers around a versioned table of function pointers
 * that the loaded memview publishes in each env (NumPy's import_array()
 * capsule model). C99 or C++; needs Node-API 8 or later and nothing but
 * <node_api.h>.
 *
 * Build: add the folder of this file to your include path. Its absolute path
 * is `require('memview').include` (unquoted, so CMake and gyp can both use it):
 *
 *   CMake:  execute_process(COMMAND node -p "require('memview').include"
 *                           OUTPUT_VARIABLE MEMVIEW_INCLUDE
 *                           OUTPUT_STRIP_TRAILING_WHITESPACE)
 *           target_include_directories(my_addon PRIVATE ${MEMVIEW_INCLUDE})
 *   gyp:    "include_dirs": ["<!(node -p \"require('memview').include\")"]
 *
 * Use (every call on the env's JS thread, as any Node-API call):
 *
 *   if (memview_import(env) != 0) return NULL;   // e.g. in your module init
 *   memview_buffer view;
 *   if (memview_get_buffer(env, argv[0], &view, MEMVIEW_BUF_RECORDS_RO) != 0)
 *     return NULL;                                // a JS exception is pending
 *   ... read view.buf through view.shape / view.strides (bytes) ...
 *   memview_release_buffer(env, &view);
 *
 * Errors: every function that returns int returns 0 on success, or -1 with a
 * pending JS exception. memview's own errors are its classes, with their
 * codes (API.md §7): BufferError for requests the object cannot meet,
 * ValueError for arguments that do not describe a valid buffer (NULL
 * pointers: ERR_MEMVIEW_CAPI), TypeError for objects that are not buffers,
 * MemoryError for memory Node cannot wrap; a failed import is an Error with
 * code ERR_MEMVIEW_CAPI. Bad arguments are errors, never crashes — except a
 * memview_buffer that neither came from memview_get_buffer nor was zeroed.
 *
 * Lifetime of memview_buffer.buf (from memview_get_buffer until
 * memview_release_buffer):
 *   - memory memview owns (an Array's items, an mmap, memory wrapped by
 *     memview_from_memory) stays valid and in place until the release,
 *     whatever JS does meanwhile: the export locks the view against release()
 *     and an Array against resizing (BufferError).
 *   - a plain JS ArrayBuffer, SharedArrayBuffer or typed array can be
 *     transferred, detached or shrunk by JS at any later turn, which frees or
 *     moves its memory: `buf` is only guaranteed until control returns to
 *     JavaScript. A consumer that keeps memory across turns (async work, other
 *     threads) should ask for memview-owned memory (e.g. an Array).
 *   The export itself (the view lock) lasts until memview_release_buffer in
 *   both cases: release every buffer you got, on error paths too (release is
 *   safe with a pending exception, and a no-op on a zeroed or failed buffer).
 *
 * The table, workers and caching: memview_import(env) reads
 * globalThis[Symbol.for('memview.capi')] of that env — a type-tagged external
 * pointing to a memview_capi whose first fields are its version and its
 * size — and fails, naming both versions, when the table is older or smaller
 * than this header. Each env (the main thread, every worker) has its own
 * table, so a pointer fetched in one env is never used in another: each
 * thread caches the table of the env it last used (one entry per thread and
 * per translation unit), the entry is dropped by an env cleanup hook when
 * that env is torn down, and memview_import always re-reads the global.
 * Calling memview_import first is optional (the other functions import on a
 * cache miss) but reports a version mismatch early. Without thread-local
 * storage (MEMVIEW_NO_CACHE, or a compiler without it) every call re-reads
 * the global.
 */
#ifndef MEMVIEW_H_
#define MEMVIEW_H_

#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

#if !defined(NAPI_VERSION) || NAPI_VERSION < 8
#error "memview.h needs Node-API version 8 or later (NAPI_VERSION >= 8)"
#endif

#ifndef NAPI_CDECL
#define NAPI_CDECL
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the table this header was written for. Tables only ever
 * grow: version N+1 appends fields to version N's, never reorders them. */
#define MEMVIEW_API_VERSION 1

/* Request flags: same meaning and values as CPython's PyBUF_*. */
#define MEMVIEW_BUF_SIMPLE 0
#define MEMVIEW_BUF_WRITABLE 0x0001
#define MEMVIEW_BUF_FORMAT 0x0004
#define MEMVIEW_BUF_ND 0x0008
#define MEMVIEW_BUF_STRIDES (0x0010 | MEMVIEW_BUF_ND)
#define MEMVIEW_BUF_C_CONTIGUOUS (0x0020 | MEMVIEW_BUF_STRIDES)
#define MEMVIEW_BUF_F_CONTIGUOUS (0x0040 | MEMVIEW_BUF_STRIDES)
#define MEMVIEW_BUF_ANY_CONTIGUOUS (0x0080 | MEMVIEW_BUF_STRIDES)
#define MEMVIEW_BUF_INDIRECT (0x0100 | MEMVIEW_BUF_STRIDES)
#define MEMVIEW_BUF_CONTIG (MEMVIEW_BUF_ND | MEMVIEW_BUF_WRITABLE)
#define MEMVIEW_BUF_CONTIG_RO (MEMVIEW_BUF_ND)
#define MEMVIEW_BUF_STRIDED (MEMVIEW_BUF_STRIDES | MEMVIEW_BUF_WRITABLE)
#define MEMVIEW_BUF_STRIDED_RO (MEMVIEW_BUF_STRIDES)
#define MEMVIEW_BUF_RECORDS (MEMVIEW_BUF_STRIDES | MEMVIEW_BUF_WRITABLE | MEMVIEW_BUF_FORMAT)
#define MEMVIEW_BUF_RECORDS_RO (MEMVIEW_BUF_STRIDES | MEMVIEW_BUF_FORMAT)
#define MEMVIEW_BUF_FULL (MEMVIEW_BUF_INDIRECT | MEMVIEW_BUF_WRITABLE | MEMVIEW_BUF_FORMAT)
#define MEMVIEW_BUF_FULL_RO (MEMVIEW_BUF_INDIRECT | MEMVIEW_BUF_FORMAT)

/*
 * What memview_get_buffer fills in (CPython's Py_buffer, without suboffsets:
 * memview never needs them). Item (i0, …, in-1) starts at
 * (char *)buf + i0 * strides[0] + … + in-1 * strides[n-1]; strides are in
 * bytes and may be negative. As CPython's memoryview:
 *   - without MEMVIEW_BUF_FORMAT, format is NULL, which means unsigned bytes
 *     ("B"); itemsize is still the item size of the view's own format.
 *   - without MEMVIEW_BUF_ND (SIMPLE or WRITABLE requests, which only a
 *     C-contiguous view meets), ndim is 1, shape and strides are NULL and the
 *     `len` bytes from buf are the items in order.
 *   - without MEMVIEW_BUF_STRIDES (ND requests, C-contiguous views only),
 *     strides is NULL.
 * shape, strides and format point into memory owned by `internal`, valid
 * until memview_release_buffer. Never write to `internal`.
 */
typedef struct memview_buffer {
  void *buf;              /* first byte of the item at index (0, …, 0) */
  int64_t len;            /* product(shape) * itemsize */
  int64_t itemsize;       /* bytes per item of the view's format */
  int readonly;           /* 1 when the memory must not be written */
  int ndim;               /* 0 … 64 */
  const char *format;     /* struct syntax; NULL unless requested */
  const int64_t *shape;   /* NULL unless requested */
  const int64_t *strides; /* NULL unless requested */
  void *internal;         /* owned by memview */
} memview_buffer;

typedef struct memview_capi memview_capi;

/*
 * The table (one per env, published by memview at load). Consumers use the
 * memview_* functions below, never the fields. Fields are only ever appended;
 * `size` is sizeof(memview_capi) in the memview that built the table, so a
 * consumer can tell which fields exist. `internal` of a memview_buffer from
 * get_buffer points to a record whose first member is the table that made it
 * (memview_release_buffer relies on that, so that a release never needs a
 * lookup).
 */
struct memview_capi {
  uint32_t version; /* MEMVIEW_API_VERSION of the memview that built it */
  uint32_t size;    /* sizeof(memview_capi) in that memview */
  /* version 1 */
  int (*get_buffer)(napi_env env, const memview_capi *api, napi_value obj, memview_buffer *view,
                    int flags);
  void (*release_buffer)(napi_env env, memview_buffer *view);
  int (*from_memory)(napi_env env, const memview_capi *api, void *data, int64_t len,
                     const char *format, int ndim, const int64_t *shape, const int64_t *strides,
                     int readonly, napi_finalize finalize, void *hint, napi_value *result);
};

/* ------------------------------------------------------------ internals */

/* The type tag of the table's external: the same in every version. */
static inline const napi_type_tag *memview__tag(void) {
  static const napi_type_tag tag = {0x6d656d766965772eULL, 0x636170692e746162ULL};
  return &tag;
}

#if !defined(MEMVIEW_NO_CACHE)
#if defined(__cplusplus)
#define MEMVIEW__TLS thread_local
#elif defined(_MSC_VER)
#define MEMVIEW__TLS __declspec(thread)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define MEMVIEW__TLS _Thread_local
#elif defined(__GNUC__)
#define MEMVIEW__TLS __thread
#endif
#endif

/* This thread's cached table: the env it belongs to, or env NULL. */
typedef struct memview__cache {
  napi_env env;
  const memview_capi *api;
} memview__cache;

static inline memview__cache *memview__thread_cache(void) {
#ifdef MEMVIEW__TLS
  static MEMVIEW__TLS memview__cache cache;
  return &cache;
#else
  return NULL;
#endif
}

/* Env cleanup hook: the env is going away, and so may its table. */
static inline void NAPI_CDECL memview__forget(void *env) {
  memview__cache *cache = memview__thread_cache();
  if (cache != NULL && cache->env == (napi_env)env) {
    cache->env = NULL;
    cache->api = NULL;
  }
}

static inline void memview__remember(napi_env env, const memview_capi *api) {
  memview__cache *cache = memview__thread_cache();
  if (cache == NULL) return;
  if (cache->env != env) {
    /* The previous env is alive (its hook has not run): unhook it there. */
    if (cache->env != NULL) napi_remove_env_cleanup_hook(cache->env, memview__forget, cache->env);
    cache->env = NULL;
    cache->api = NULL;
    if (api == NULL || napi_add_env_cleanup_hook(env, memview__forget, env) != napi_ok) return;
    cache->env = env;
  }
  cache->api = api;
}

static inline char *memview__append(char *out, char *end, const char *text) {
  while (*text != '\0' && out < end) *out++ = *text++;
  return out;
}

static inline char *memview__append_u32(char *out, char *end, uint32_t value) {
  char digits[10];
  int n = 0;
  do {
    digits[n++] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0 && out < end) *out++ = digits[--n];
  return out;
}

/* Throws Error(message) with code ERR_MEMVIEW_CAPI unless one is pending. */
static inline int memview__fail(napi_env env, const char *message) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && !pending) {
    napi_throw_error(env, "ERR_MEMVIEW_CAPI", message);
  }
  return -1;
}

/* Reads, checks and caches this env's table (memview_import). */
static inline int memview__fetch(napi_env env, const memview_capi **out) {
  napi_handle_scope scope;
  napi_value global, symbol_class, symbol_for, key, symbol, value;
  napi_valuetype type = napi_undefined;
  bool tagged = false;
  void *table = NULL;
  const memview_capi *api;
  int status = -1;
  char message[320];
  char *end = message + sizeof message - 1;
  char *p;

  *out = NULL;
  if (env == NULL) return -1;
  memview__remember(env, NULL);
  if (napi_open_handle_scope(env, &scope) != napi_ok)
    return memview__fail(env, "memview: no scope");
  if (napi_get_global(env, &global) != napi_ok ||
      napi_get_named_property(env, global, "Symbol", &symbol_class) != napi_ok ||
      napi_get_named_property(env, symbol_class, "for", &symbol_for) != napi_ok ||
      napi_create_string_utf8(env, "memview.capi", NAPI_AUTO_LENGTH, &key) != napi_ok ||
      napi_call_function(env, symbol_class, symbol_for, 1, &key, &symbol) != napi_ok ||
      napi_get_property(env, global, symbol, &value) != napi_ok ||
      napi_typeof(env, value, &type) != napi_ok) {
    memview__fail(env, "memview: cannot read globalThis[Symbol.for('memview.capi')]");
  } else if (type == napi_undefined) {
    memview__fail(env,
                  "memview: the C API is not loaded in this env (thread): require('memview') "
                  "here before using memview.h");
  } else if (type != napi_external ||
             napi_check_object_type_tag(env, value, memview__tag(), &tagged) != napi_ok ||
             !tagged || napi_get_value_external(env, value, &table) != napi_ok || table == NULL) {
    memview__fail(env,
                  "memview: globalThis[Symbol.for('memview.capi')] is not memview's C API table");
  } else {
    api = (const memview_capi *)table;
    if (api->version < MEMVIEW_API_VERSION || api->size < sizeof(memview_capi)) {
      p = memview__append(message, end,
                          "memview: this addon was built with memview.h for C API version ");
      p = memview__append_u32(p, end, MEMVIEW_API_VERSION);
      p = memview__append(p, end, " (");
      p = memview__append_u32(p, end, (uint32_t)sizeof(memview_capi));
      p = memview__append(p, end,
                          "-byte table), but the memview loaded in this env provides version ");
      p = memview__append_u32(p, end, api->version);
      p = memview__append(p, end, " (");
      p = memview__append_u32(p, end, api->size);
      p = memview__append(p, end, "-byte table): install a newer memview");
      *p = '\0';
      memview__fail(env, message);
    } else {
      *out = api;
      memview__remember(env, api);
      status = 0;
    }
  }
  napi_close_handle_scope(env, scope);
  return status;
}

/* The cached table of `env`, else memview__fetch. */
static inline int memview__api(napi_env env, const memview_capi **out) {
  memview__cache *cache = memview__thread_cache();
  if (cache != NULL && env != NULL && cache->env == env && cache->api != NULL) {
    *out = cache->api;
    return 0;
  }
  return memview__fetch(env, out);
}

static inline void memview__clear(memview_buffer *view) {
  view->buf = NULL;
  view->len = 0;
  view->itemsize = 0;
  view->readonly = 0;
  view->ndim = 0;
  view->format = NULL;
  view->shape = NULL;
  view->strides = NULL;
  view->internal = NULL;
}

/* ------------------------------------------------------------ the API */

/*
 * Finds the table of the memview loaded in `env` (require('memview') or
 * import it from JS in that env first) and checks that it is at least as new
 * as this header. Call it once per env, e.g. in your module's init; it is
 * cheap to call again. Fails with an Error naming both versions when the
 * loaded memview is older.
 */
static inline int memview_import(napi_env env) {
  const memview_capi *api;
  return memview__fetch(env, &api);
}

/*
 * Exports the memory of `obj` — anything memoryview() accepts: a MemoryView
 * (its very view: it cannot be released until this export is), an Array (its
 * items; it cannot resize until the release), a Buffer, typed array,
 * DataView, ArrayBuffer, SharedArrayBuffer, a shared-view descriptor, an
 * object with [bufferProtocol]. `flags` says what the caller can handle
 * (MEMVIEW_BUF_*); a request the object cannot meet fails with BufferError,
 * as in CPython: WRITABLE on a readonly view, C/F/ANY_CONTIGUOUS on a view
 * that is not, no STRIDES on a view that is not C-contiguous. On failure
 * *view is zeroed. Every success must be paired with memview_release_buffer.
 */
static inline int memview_get_buffer(napi_env env, napi_value obj, memview_buffer *view,
                                     int flags) {
  const memview_capi *api;
  if (view != NULL) memview__clear(view);
  if (memview__api(env, &api) != 0) return -1;
  return api->get_buffer(env, api, obj, view, flags);
}

/*
 * Ends an export: the view it locked can be released again, an Array can
 * resize. Zeroes *view. Safe with a pending JS exception (kept pending), on a
 * zeroed or failed buffer and on one already released (no-ops). Do not use
 * view->buf afterwards.
 */
static inline void memview_release_buffer(napi_env env, memview_buffer *view) {
  const memview_capi *api;
  if (view == NULL || view->internal == NULL) return;
  api = *(const memview_capi *const *)view->internal;
  api->release_buffer(env, view);
}

/*
 * Wraps `len` bytes at `data` as a MemoryView (its `obj` is null), without
 * copying. `data` is the first byte of the memory and of item (0, …, 0);
 * `format` is a struct format (NULL means "B"); `shape` has `ndim` entries
 * (0 … 64) and `strides` (bytes, may be negative) too. `shape` and `strides`
 * NULL with ndim 1 mean 1-D contiguous (len / itemsize items); strides NULL
 * means C-contiguous, and then product(shape) * itemsize must equal len;
 * with strides, every byte of every item must lie in [data, data + len).
 * Anything else is a ValueError (a bad format too), and more bytes than one
 * ArrayBuffer can hold (Node 20: 4 GiB) a MemoryError; on any failure memview
 * has not taken the memory: finalize is not called, the memory is yours.
 *
 * On success memview owns the memory: finalize(env, data, hint) — env being
 * the one passed here — runs exactly once, after the last view over it (and
 * every typed array from toTypedArray()) is released or garbage-collected, or
 * at that env's teardown (a worker's exit, the end of the process; not
 * process.exit(), which skips the main env's teardown and with it every
 * Node-API finalizer). finalize NULL: memview never frees the memory, which
 * must then outlive every view. Writable unless `readonly`.
 */
static inline int memview_from_memory(napi_env env, void *data, int64_t len, const char *format,
                                      int ndim, const int64_t *shape, const int64_t *strides,
                                      int readonly, napi_finalize finalize, void *hint,
                                      napi_value *result) {
  const memview_capi *api;
  if (result != NULL) *result = NULL;
  if (memview__api(env, &api) != 0) return -1;
  return api->from_memory(env, api, data, len, format, ndim, shape, strides, readonly, finalize,
                          hint, result);
}

#ifdef __cplusplus
}
#endif

#endif /* MEMVIEW_H_ */
