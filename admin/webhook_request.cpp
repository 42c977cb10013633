#include "admin/webhook_request.hpp"

#include "pki/hmac_sha256.hpp"

namespace tanda::admin {

Result<WebhookUrl> parse_webhook_url(std::string_view url) {
    constexpr std::string_view kScheme = "https://";
    if (url.substr(0, kScheme.size()) != kScheme) {
        return fail(ErrorCode::invalid_argument, "webhook URL must start with https://");
    }
    std::string_view rest = url.substr(kScheme.size());
    const auto slash = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, slash);
    WebhookUrl out;
    out.target = slash == rest.npos ? "/" : std::string(rest.substr(slash));
    if (out.target.front() == '?') out.target.insert(0, "/");
    std::string_view port = "443";
    if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
        const auto close = authority.find(']');
        if (close == authority.npos) return fail(ErrorCode::invalid_argument, "bad IPv6 host");
        out.host = std::string(authority.substr(1, close - 1));
        authority.remove_prefix(close + 1);
        if (!authority.empty()) {
            if (authority.front() != ':') return fail(ErrorCode::invalid_argument, "bad port");
            port = authority.substr(1);
        }
    } else {
        const auto colon = authority.find(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != authority.npos) port = authority.substr(colon + 1);
    }
    const bool digits =
        !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == port.npos;
    if (out.host.empty() || !digits || std::stoul(std::string(port)) > 65535 ||
        out.host.find_first_of("@ \t") != std::string::npos) {
        return fail(ErrorCode::invalid_argument, "webhook URL needs https://host[:port][/path]");
    }
    out.port = std::string(port);
    return out;
}

Result<http::Request> webhook_request(const std::string& target, const NotifyEvent& event,
                                      std::string body, ByteView secret) {
    auto mac = pki::hmac_sha256(secret, as_bytes(body));
    if (!mac) return tl::unexpected(mac.error());
    http::Request req(http::Verb::post, target, 11);
    req.set(http::Field::content_type, "application/json");
    req.set(http::Field::user_agent, "tanda-notify");
    req.fields().set("Tanda-Event-Id", event.id);
    req.fields().set("Tanda-Event-Type", event.type);
    req.fields().set("Tanda-Signature", "sha256=" + to_hex(*mac));
    req.body() = std::move(body);
    return req;
}

}  // namespace tanda::admin
