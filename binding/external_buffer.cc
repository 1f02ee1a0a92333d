#include "external_buffer.h"

namespace memview {

namespace {

// Records whether the finalizer ran while napi_create_external_arraybuffer was
// still under way (then the creation failed and the ref is already dropped).
struct Ticket {
  void *owner;
  DropRef drop;
  bool creating;
  bool finalized;
};

void Finalize(napi_env env, void *, void *hint) {
  auto *ticket = static_cast<Ticket *>(hint);
  ticket->drop(env, ticket->owner);
  if (ticket->creating) {
    ticket->finalized = true;
  } else {
    delete ticket;
  }
}

}  // namespace

napi_status NewRefArrayBuffer(napi_env env, void *data, size_t len, void *owner, DropRef drop,
                              napi_value *result) {
  auto *ticket = new Ticket{owner, drop, true, false};
  const napi_status status =
      napi_create_external_arraybuffer(env, data, len, Finalize, ticket, result);
  ticket->creating = false;
  if (status != napi_ok) {
    if (!ticket->finalized) drop(env, owner);
    delete ticket;
  }
  return status;
}

Napi::ArrayBuffer NewRefArrayBuffer(Napi::Env env, void *data, size_t len, void *owner,
                                    DropRef drop) {
  napi_value result = nullptr;
  NAPI_THROW_IF_FAILED(env, NewRefArrayBuffer(env, data, len, owner, drop, &result),
                       Napi::ArrayBuffer());
  return Napi::ArrayBuffer(env, result);
}

}  // namespace memview
