// canary.cc — a planted bug that proves scripts/test-sanitize.sh sees reports.
//
// Built with the same flags as the sanitized addon and loaded into node with
// the same environment before the suite runs: its constructor overflows a heap
// block (MEMVIEW_CANARY=asan) or a signed int (MEMVIEW_CANARY=ubsan), and the
// script checks that a report was written. If this ever stops producing a
// report, a clean suite would prove nothing.
#include <cstdlib>
#include <cstring>

__attribute__((constructor)) static void Canary() {
  const char *which = std::getenv("MEMVIEW_CANARY");
  if (which == nullptr) return;
  if (std::strcmp(which, "ubsan") == 0) {
    volatile int big = 0x7fffffff;
    volatile int sum = big + 1;  // signed overflow
    (void)sum;
    return;
  }
  volatile char *p = static_cast<char *>(std::malloc(8));
  p[8] = 1;  // heap-buffer-overflow
  std::free(const_cast<char *>(p));
}
