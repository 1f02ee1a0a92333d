/*
 * capi_test.c — a consumer of include/memview.h for test/capi.test.ts.
 *
 * Plain C99 and Node-API, as another package's addon would be: memview is
 * reached only through the table memview.h imports, never linked. Each
 * function is one thing the tests check; failures come back as the JS
 * exception memview left pending.
 */
#include <memview.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(call)                                                           \
  do {                                                                        \
    if ((call) != napi_ok) {                                                  \
      bool pending_ = false;                                                  \
      napi_is_exception_pending(env, &pending_);                              \
      if (!pending_) napi_throw_error(env, NULL, "napi call failed: " #call); \
      return NULL;                                                            \
    }                                                                         \
  } while (0)

/* Finalizer calls, from every env of the process (workers too). */
static long finalized_count;
static long finalized_wrong_env;

static napi_value args_of(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  napi_value self;
  if (napi_get_cb_info(env, info, &argc, argv, &self, NULL) != napi_ok) return NULL;
  for (; argc < want; argc++) napi_get_undefined(env, &argv[argc]);
  return self;
}

static int64_t int_arg(napi_env env, napi_value value, int64_t fallback) {
  napi_valuetype type;
  int64_t result;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_number) return fallback;
  if (napi_get_value_int64(env, value, &result) != napi_ok) return fallback;
  return result;
}

static napi_value number(napi_env env, double value) {
  napi_value result = NULL;
  napi_create_double(env, value, &result);
  return result;
}

static napi_value undefined(napi_env env) {
  napi_value result = NULL;
  napi_get_undefined(env, &result);
  return result;
}

/* The offset in bytes of item `index` (C order) of a view. */
static int64_t item_offset(const memview_buffer *view, int64_t index) {
  int64_t offset = 0;
  int k;
  for (k = view->ndim - 1; k >= 0; k--) {
    offset += (index % view->shape[k]) * view->strides[k];
    index /= view->shape[k];
  }
  return offset;
}

static int is_double_format(const char *format) {
  return format != NULL &&
         (strcmp(format, "d") == 0 || strcmp(format, "@d") == 0 || strcmp(format, "=d") == 0);
}

/* sum(obj): the sum of a (strided, n-D) view of doubles. */
static napi_value Sum(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  memview_buffer view;
  double sum = 0;
  int64_t n, i;
  args_of(env, info, 1, argv);
  if (memview_get_buffer(env, argv[0], &view, MEMVIEW_BUF_RECORDS_RO) != 0) return NULL;
  if (!is_double_format(view.format)) {
    memview_release_buffer(env, &view);
    napi_throw_type_error(env, NULL, "sum() needs doubles");
    return NULL;
  }
  n = view.len / view.itemsize;
  for (i = 0; i < n; i++) {
    double item;
    memcpy(&item, (const char *)view.buf + item_offset(&view, i), sizeof item);
    sum += item;
  }
  memview_release_buffer(env, &view);
  return number(env, sum);
}

/* scale(obj, factor): multiplies every double of a writable strided view. */
static napi_value Scale(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  memview_buffer view;
  double factor;
  int64_t n, i;
  args_of(env, info, 2, argv);
  CHECK(napi_get_value_double(env, argv[1], &factor));
  if (memview_get_buffer(env, argv[0], &view, MEMVIEW_BUF_RECORDS) != 0) return NULL;
  if (!is_double_format(view.format)) {
    memview_release_buffer(env, &view);
    napi_throw_type_error(env, NULL, "scale() needs doubles");
    return NULL;
  }
  n = view.len / view.itemsize;
  for (i = 0; i < n; i++) {
    char *at = (char *)view.buf + item_offset(&view, i);
    double item;
    memcpy(&item, at, sizeof item);
    item *= factor;
    memcpy(at, &item, sizeof item);
  }
  memview_release_buffer(env, &view);
  return undefined(env);
}

/* fill(obj, byte, flags = MEMVIEW_BUF_SIMPLE | WRITABLE): memset over a contiguous view. */
static napi_value Fill(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  memview_buffer view;
  int64_t byte, flags;
  args_of(env, info, 3, argv);
  byte = int_arg(env, argv[1], 0);
  flags = int_arg(env, argv[2], MEMVIEW_BUF_WRITABLE);
  if (memview_get_buffer(env, argv[0], &view, (int)flags) != 0) return NULL;
  memset(view.buf, (int)byte, (size_t)view.len);
  memview_release_buffer(env, &view);
  return undefined(env);
}

static napi_value int64_array(napi_env env, const int64_t *values, int n) {
  napi_value array, element;
  int i;
  if (values == NULL) {
    napi_get_null(env, &array);
    return array;
  }
  napi_create_array_with_length(env, (size_t)n, &array);
  for (i = 0; i < n; i++) {
    napi_create_double(env, (double)values[i], &element);
    napi_set_element(env, array, (uint32_t)i, element);
  }
  return array;
}

static napi_value describe_view(napi_env env, const memview_buffer *view) {
  napi_value result, value;
  CHECK(napi_create_object(env, &result));
  CHECK(napi_set_named_property(env, result, "len", number(env, (double)view->len)));
  CHECK(napi_set_named_property(env, result, "itemsize", number(env, (double)view->itemsize)));
  CHECK(napi_get_boolean(env, view->readonly != 0, &value));
  CHECK(napi_set_named_property(env, result, "readonly", value));
  CHECK(napi_set_named_property(env, result, "ndim", number(env, view->ndim)));
  if (view->format != NULL) {
    CHECK(napi_create_string_utf8(env, view->format, NAPI_AUTO_LENGTH, &value));
  } else {
    CHECK(napi_get_null(env, &value));
  }
  CHECK(napi_set_named_property(env, result, "format", value));
  CHECK(napi_set_named_property(env, result, "shape", int64_array(env, view->shape, view->ndim)));
  CHECK(
      napi_set_named_property(env, result, "strides", int64_array(env, view->strides, view->ndim)));
  CHECK(napi_get_boolean(env, view->buf != NULL, &value));
  CHECK(napi_set_named_property(env, result, "hasBuf", value));
  return result;
}

/* describe(obj, flags): what memview_get_buffer fills in; released before returning. */
static napi_value Describe(napi_env env, napi_callback_info info) {
  napi_value argv[2], result;
  memview_buffer view;
  args_of(env, info, 2, argv);
  if (memview_get_buffer(env, argv[0], &view, (int)int_arg(env, argv[1], 0)) != 0) return NULL;
  result = describe_view(env, &view);
  memview_release_buffer(env, &view);
  return result;
}

/* A held export: hold(obj, flags) → handle; release(handle). */
static void free_held(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

static napi_value Hold(napi_env env, napi_callback_info info) {
  napi_value argv[2], handle;
  memview_buffer *view = (memview_buffer *)malloc(sizeof *view);
  args_of(env, info, 2, argv);
  if (view == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  if (memview_get_buffer(env, argv[0], view, (int)int_arg(env, argv[1], 0)) != 0) {
    free(view);
    return NULL;
  }
  if (napi_create_external(env, view, free_held, NULL, &handle) != napi_ok) {
    memview_release_buffer(env, view);
    free(view);
    return NULL;
  }
  return handle;
}

static memview_buffer *held(napi_env env, napi_value handle) {
  void *data = NULL;
  if (napi_get_value_external(env, handle, &data) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a held buffer");
    return NULL;
  }
  return (memview_buffer *)data;
}

static napi_value Release(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  memview_buffer *view;
  args_of(env, info, 1, argv);
  if ((view = held(env, argv[0])) == NULL) return NULL;
  memview_release_buffer(env, view);
  return undefined(env);
}

/* heldInfo(handle): the held buffer's fields (null format/shape/strides after release). */
static napi_value HeldInfo(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  memview_buffer *view;
  args_of(env, info, 1, argv);
  if ((view = held(env, argv[0])) == NULL) return NULL;
  return describe_view(env, view);
}

/* heldByte(handle, i [, value]): reads (and writes) byte i from the held buf. */
static napi_value HeldByte(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  memview_buffer *view;
  int64_t i, value;
  unsigned char *bytes;
  args_of(env, info, 3, argv);
  if ((view = held(env, argv[0])) == NULL) return NULL;
  i = int_arg(env, argv[1], -1);
  if (view->internal == NULL || i < 0 || i >= view->len) {
    napi_throw_range_error(env, NULL, "heldByte: released, or index out of range");
    return NULL;
  }
  bytes = (unsigned char *)view->buf;
  value = int_arg(env, argv[2], -1);
  if (value >= 0) bytes[i] = (unsigned char)value;
  return number(env, bytes[i]);
}

/* releaseWhileThrowing(handle): throws, then releases (an addon's error path). */
static napi_value ReleaseWhileThrowing(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  memview_buffer *view;
  args_of(env, info, 1, argv);
  if ((view = held(env, argv[0])) == NULL) return NULL;
  napi_throw_error(env, "E_CONSUMER", "the consumer's own error");
  memview_release_buffer(env, view);
  return NULL;
}

/* getBufferMisuse(kind, obj): NULL view / NULL obj / unknown flags. */
static napi_value GetBufferMisuse(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  memview_buffer view;
  int64_t kind;
  int status = 0;
  args_of(env, info, 2, argv);
  kind = int_arg(env, argv[0], 0);
  if (kind == 0) status = memview_get_buffer(env, argv[1], NULL, MEMVIEW_BUF_SIMPLE);
  if (kind == 1) status = memview_get_buffer(env, NULL, &view, MEMVIEW_BUF_SIMPLE);
  if (kind == 2) status = memview_get_buffer(env, argv[1], &view, 0x200);
  if (kind == 3) status = memview_get_buffer(env, argv[1], &view, -1);
  if (status == 0) {
    if (kind != 0) memview_release_buffer(env, &view);
    napi_throw_error(env, NULL, "memview_get_buffer accepted a bad argument");
  }
  return NULL;
}

/* ---------------------------------------------------------- memory from C */

typedef struct wrapped {
  napi_env env;
  int tag;
} wrapped;

static void finalize_memory(napi_env env, void *data, void *hint) {
  wrapped *w = (wrapped *)hint;
  __atomic_fetch_add(&finalized_count, 1, __ATOMIC_SEQ_CST);
  if (w->env != env) __atomic_fetch_add(&finalized_wrong_env, 1, __ATOMIC_SEQ_CST);
  if (w->tag != 0) {
    printf("finalized %d\n", w->tag);
    fflush(stdout);
  }
  free(data);
  free(w);
}

static int get_int64s(napi_env env, napi_value array, int64_t *out, int max, int *count) {
  uint32_t n, i;
  bool is_array = false;
  napi_value element;
  if (napi_is_array(env, array, &is_array) != napi_ok || !is_array) return 0;
  napi_get_array_length(env, array, &n);
  if (n > (uint32_t)max) n = (uint32_t)max;
  for (i = 0; i < n; i++) {
    napi_get_element(env, array, i, &element);
    out[i] = int_arg(env, element, 0);
  }
  *count = (int)n;
  return 1;
}

static napi_value option(napi_env env, napi_value options, const char *name) {
  napi_value value = NULL;
  napi_get_named_property(env, options, name, &value);
  return value;
}

static bool flag(napi_env env, napi_value options, const char *name) {
  bool result = false;
  napi_valuetype type;
  napi_value value = option(env, options, name);
  if (napi_typeof(env, value, &type) == napi_ok && type == napi_boolean) {
    napi_get_value_bool(env, value, &result);
  }
  return result;
}

/*
 * wrap({len, format?, ndim?, shape?, strides?, readonly?, doubles?, tag?,
 *       nullData?, nullResult?, noFinalize?, bogusData?}): malloc's len bytes (doubles:
 * filled with 0, 1, 2, …) and hands them to memview_from_memory with a
 * finalizer that counts, checks its env and frees. On failure the memory is
 * freed here: memview did not take it.
 */
static napi_value Wrap(napi_env env, napi_callback_info info) {
  napi_value argv[1], options, result = NULL, value;
  int64_t shape[80], strides[80], len;
  int nshape = 0, nstrides = 0, ndim, has_shape, has_strides;
  char format[64];
  size_t format_length = 0;
  napi_valuetype type;
  void *data = NULL;
  wrapped *w;
  bool bogus, no_finalize;
  args_of(env, info, 1, argv);
  options = argv[0];
  /* Read every option first: after a failed call an exception is pending. */
  bogus = flag(env, options, "bogusData");
  no_finalize = flag(env, options, "noFinalize");
  len = int_arg(env, option(env, options, "len"), 0);
  ndim = (int)int_arg(env, option(env, options, "ndim"), 1);
  has_shape = get_int64s(env, option(env, options, "shape"), shape, 80, &nshape);
  has_strides = get_int64s(env, option(env, options, "strides"), strides, 80, &nstrides);
  value = option(env, options, "format");
  if (napi_typeof(env, value, &type) == napi_ok && type == napi_string) {
    napi_get_value_string_utf8(env, value, format, sizeof format, &format_length);
  }
  if (bogus) {
    /* Never touched: the caller only checks whether memview can wrap len bytes. */
    data = (void *)(uintptr_t)4096;
  } else if (!flag(env, options, "nullData") && len >= 0 && len < ((int64_t)1 << 32)) {
    int64_t i;
    data = malloc(len > 0 ? (size_t)len : 1);
    if (flag(env, options, "doubles")) {
      for (i = 0; i < len / 8; i++) ((double *)data)[i] = (double)i;
    } else {
      memset(data, 0, (size_t)len);
    }
  }
  w = (wrapped *)malloc(sizeof *w);
  w->env = env;
  w->tag = (int)int_arg(env, option(env, options, "tag"), 0);
  if (memview_from_memory(env, data, len, format_length > 0 ? format : NULL, ndim,
                          has_shape ? shape : NULL, has_strides ? strides : NULL,
                          flag(env, options, "readonly"), no_finalize ? NULL : finalize_memory, w,
                          flag(env, options, "nullResult") ? NULL : &result) != 0) {
    if (!bogus) free(data);
    free(w);
    return NULL;
  }
  if (no_finalize) free(w); /* and data leaks: test only */
  return result;
}

static napi_value Finalized(napi_env env, napi_callback_info info) {
  napi_value result;
  (void)info;
  CHECK(napi_create_object(env, &result));
  CHECK(napi_set_named_property(
      env, result, "count",
      number(env, (double)__atomic_load_n(&finalized_count, __ATOMIC_SEQ_CST))));
  CHECK(napi_set_named_property(
      env, result, "wrongEnv",
      number(env, (double)__atomic_load_n(&finalized_wrong_env, __ATOMIC_SEQ_CST))));
  return result;
}

/* ---------------------------------------------------------- the table */

static napi_value Import(napi_env env, napi_callback_info info) {
  (void)info;
  if (memview_import(env) != 0) return NULL;
  return undefined(env);
}

static napi_value table_symbol(napi_env env) {
  napi_value global, symbol_class, symbol_for, key, symbol = NULL;
  if (napi_get_global(env, &global) != napi_ok ||
      napi_get_named_property(env, global, "Symbol", &symbol_class) != napi_ok ||
      napi_get_named_property(env, symbol_class, "for", &symbol_for) != napi_ok ||
      napi_create_string_utf8(env, "memview.capi", NAPI_AUTO_LENGTH, &key) != napi_ok ||
      napi_call_function(env, symbol_class, symbol_for, 1, &key, &symbol) != napi_ok) {
    return NULL;
  }
  return symbol;
}

/* swapTable(value): sets this env's globalThis[Symbol.for('memview.capi')], returns the old one. */
static napi_value SwapTable(napi_env env, napi_callback_info info) {
  napi_value argv[1], global, symbol, old;
  args_of(env, info, 1, argv);
  CHECK(napi_get_global(env, &global));
  if ((symbol = table_symbol(env)) == NULL) return NULL;
  CHECK(napi_get_property(env, global, symbol, &old));
  CHECK(napi_set_property(env, global, symbol, argv[0]));
  return old;
}

/* tableAddress(): this env's table pointer, as a bigint. */
static napi_value TableAddress(napi_env env, napi_callback_info info) {
  napi_value global, symbol, table, result;
  void *data = NULL;
  (void)info;
  CHECK(napi_get_global(env, &global));
  if ((symbol = table_symbol(env)) == NULL) return NULL;
  CHECK(napi_get_property(env, global, symbol, &table));
  CHECK(napi_get_value_external(env, table, &data));
  CHECK(napi_create_bigint_uint64(env, (uint64_t)(uintptr_t)data, &result));
  return result;
}

/* fakeTable(version, size): a tagged external over a table with no functions. */
static void free_table(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

static napi_value FakeTable(napi_env env, napi_callback_info info) {
  napi_value argv[2], result;
  memview_capi *table = (memview_capi *)calloc(1, sizeof *table);
  args_of(env, info, 2, argv);
  table->version = (uint32_t)int_arg(env, argv[0], 0);
  table->size = (uint32_t)int_arg(env, argv[1], 8);
  if (napi_create_external(env, table, free_table, NULL, &result) != napi_ok) {
    free(table);
    return NULL;
  }
  CHECK(napi_type_tag_object(env, result, memview__tag()));
  return result;
}

static napi_value Constants(napi_env env) {
  napi_value result;
  CHECK(napi_create_object(env, &result));
#define CONSTANT(name) \
  CHECK(napi_set_named_property(env, result, #name, number(env, MEMVIEW_##name)))
  CONSTANT(API_VERSION);
  CONSTANT(BUF_SIMPLE);
  CONSTANT(BUF_WRITABLE);
  CONSTANT(BUF_FORMAT);
  CONSTANT(BUF_ND);
  CONSTANT(BUF_STRIDES);
  CONSTANT(BUF_C_CONTIGUOUS);
  CONSTANT(BUF_F_CONTIGUOUS);
  CONSTANT(BUF_ANY_CONTIGUOUS);
  CONSTANT(BUF_INDIRECT);
  CONSTANT(BUF_CONTIG);
  CONSTANT(BUF_CONTIG_RO);
  CONSTANT(BUF_STRIDED);
  CONSTANT(BUF_STRIDED_RO);
  CONSTANT(BUF_RECORDS);
  CONSTANT(BUF_RECORDS_RO);
  CONSTANT(BUF_FULL);
  CONSTANT(BUF_FULL_RO);
#undef CONSTANT
  CHECK(napi_set_named_property(env, result, "TABLE_SIZE", number(env, sizeof(memview_capi))));
  return result;
}

/* cxx_check.cc: the same header from C++. */
napi_value CxxNbytes(napi_env env, napi_callback_info info);

NAPI_MODULE_INIT() {
  napi_property_descriptor functions[] = {
      {"sum", NULL, Sum, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scale", NULL, Scale, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fill", NULL, Fill, NULL, NULL, NULL, napi_enumerable, NULL},
      {"describe", NULL, Describe, NULL, NULL, NULL, napi_enumerable, NULL},
      {"hold", NULL, Hold, NULL, NULL, NULL, napi_enumerable, NULL},
      {"release", NULL, Release, NULL, NULL, NULL, napi_enumerable, NULL},
      {"heldInfo", NULL, HeldInfo, NULL, NULL, NULL, napi_enumerable, NULL},
      {"heldByte", NULL, HeldByte, NULL, NULL, NULL, napi_enumerable, NULL},
      {"releaseWhileThrowing", NULL, ReleaseWhileThrowing, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getBufferMisuse", NULL, GetBufferMisuse, NULL, NULL, NULL, napi_enumerable, NULL},
      {"wrap", NULL, Wrap, NULL, NULL, NULL, napi_enumerable, NULL},
      {"finalized", NULL, Finalized, NULL, NULL, NULL, napi_enumerable, NULL},
      {"importApi", NULL, Import, NULL, NULL, NULL, napi_enumerable, NULL},
      {"swapTable", NULL, SwapTable, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tableAddress", NULL, TableAddress, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fakeTable", NULL, FakeTable, NULL, NULL, NULL, napi_enumerable, NULL},
      {"cxxNbytes", NULL, CxxNbytes, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_value constants = Constants(env);
  if (constants == NULL) return NULL;
  CHECK(napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions));
  CHECK(napi_set_named_property(env, exports, "constants", constants));
  return exports;
}
