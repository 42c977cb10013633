// One webhook delivery as an HTTP request: where it goes (from the target's URL) and the
// signed POST of an event body. Receivers check `Tanda-Signature` before trusting the body.
#pragma once

#include <string>
#include <string_view>

#include "admin/notify_event.hpp"
#include "core/bytes.hpp"
#include "core/result.hpp"
#include "http/message.hpp"

namespace tanda::admin {

struct WebhookUrl {
    std::string host;    // without the brackets of an IPv6 literal
    std::string port;    // "443" when the URL names none
    std::string target;  // path and query, "/" when the URL has none
};
// https://host[:port][/path[?query]]; ErrorCode::invalid_argument for anything else.
[[nodiscard]] Result<WebhookUrl> parse_webhook_url(std::string_view url);

// POST `target` with `body` (application/json) and the headers
//   Tanda-Event-Id: <event id>          (stable across retries: receivers deduplicate by it)
//   Tanda-Event-Type: <type>
//   Tanda-Signature: sha256=<lower-case hex HMAC-SHA256 of the body under `secret`>
// ErrorCode::crypto only when libcrypto fails.
[[nodiscard]] Result<http::Request> webhook_request(const std::string& target,
                                                    const NotifyEvent& event, std::string body,
                                                    ByteView secret);

}  // namespace tanda::admin
