// GET /status/<token> on the public listener: a holder reads the status of the one request
// its token was issued for (StatusTokens), without a client certificate. Plain HTTP like the
// rest of the public listener: the token is a bearer secret, so put the listener behind TLS
// termination before handing out https:// status URLs.
//
//   200 {request_id, kind, ca, serial, status "applied"|"success", applied_at, ...}
//       (the body of the admin API's GET /v1/requests/{id}); Cache-Control: no-store
//   404 {"error": "unknown status token"} for any other path below /status/, always the same
#pragma once

#include "admin/admin_service.hpp"
#include "admin/status_tokens.hpp"
#include "http/router.hpp"

namespace tanda::admin {

// `service` (read only: request()) and `tokens` must outlive the router.
void add_holder_status_route(http::Router& router, const AdminService& service,
                             const StatusTokens& tokens);

}  // namespace tanda::admin
