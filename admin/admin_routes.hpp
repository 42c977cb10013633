// The admin API's one routing table (under /v1), on the admin listener only. Each handler is
// thin: authenticate -> parse into a request struct -> AdminService -> JSON.
//
//   POST /v1/revocations                         operator  201, replay 201 (same body; with
//                                                          tokens, a fresh Tanda-Status-Token);
//                                                          202 pending for a CA with approvals 2
//   POST /v1/revocations/{ca}/{serial}/release   operator  200; 202 pending with approvals 2
//   GET  /v1/requests?status=pending|rejected|expired|all   auditor  200 (default pending)
//   POST /v1/requests/{request_id}/approve       operator  200 applied (another operator)
//   POST /v1/requests/{request_id}/reject        operator  200 rejected (another operator)
//   POST /v1/certificates                        operator  200
//   GET  /v1/certificates/{ca}/{serial}          auditor   200
//   GET  /v1/requests/{request_id}               auditor   200
//   GET  /v1/journal?since=SEQ&limit=N           auditor   200 (limit 1..1000, default 100;
//        [&ca=&serial=&request_id=&from=&to=]            400 for a bad filter value)
//   GET  /v1/journal/verify                      auditor   200
//   POST /v1/crls/{ca}/generate                  operator  201 (404 without CRLs, 503 failed)
//   anything else                                auditor   404 (after authentication)
#pragma once

#include "admin/admin_service.hpp"
#include "admin/authenticator.hpp"
#include "admin/status_tokens.hpp"
#include "http/router.hpp"

namespace tanda::admin {

// `service`, `auth` and `tokens` (may be null) must outlive the router. With `tokens`, every
// revocation answer carries the header Tanda-Status-Token, the holder's key to
// GET /status/<token> on the public listener (admin/holder_status_route.hpp).
void add_admin_routes(http::Router& router, AdminService& service, Authenticator& auth,
                      StatusTokens* tokens = nullptr);

}  // namespace tanda::admin
