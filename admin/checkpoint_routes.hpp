// The checkpoint routes of the admin API (admin/checkpointer.hpp):
//
//   POST /v1/checkpoints         operator  201 {seq, head, time, file, checkpoint}: signs the
//                                          journal head now (409 when the journal is empty)
//   GET  /v1/checkpoints/latest  auditor   200 the same fields, 404 when none was made yet
//
// `checkpoint` is the DER CMS SignedData in base64, byte for byte the file's content.
#pragma once

#include "admin/authenticator.hpp"
#include "admin/checkpointer.hpp"
#include "http/router.hpp"

namespace tanda::admin {

// `checkpointer` and `auth` must outlive the router.
void add_checkpoint_routes(http::Router& router, Checkpointer& checkpointer, Authenticator& auth);

}  // namespace tanda::admin
