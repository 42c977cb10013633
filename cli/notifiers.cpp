#include "cli/notifiers.hpp"

#include <fstream>
#include <sstream>

#include "http/tls_client.hpp"

namespace tanda::cli {
namespace {

// The secret as the file holds it, less the newline `echo` or an editor leaves at the end.
// The content never appears in a message.
Result<std::string> read_secret(const admin::NotifyTarget& t) {
    std::ifstream in(t.secret_file, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in) {
        return fail(ErrorCode::config, t.location + ": notify '" + t.name + "' secret_file " +
                                           t.secret_file + " cannot be read");
    }
    std::string secret = text.str();
    if (!secret.empty() && secret.back() == '\n') secret.pop_back();
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    if (secret.empty()) {
        return fail(ErrorCode::config, t.location + ": notify '" + t.name + "' secret_file " +
                                           t.secret_file + " is empty");
    }
    return secret;
}

Result<admin::WebhookTransport> transport_for(const admin::NotifyTarget& t) {
    auto url = admin::parse_webhook_url(t.url);
    if (!url) return fail(ErrorCode::config, t.location + ": " + url.error().message);
    auto client = http::TlsClient::create({t.ca_file, "", ""});
    if (!client) {
        return fail(ErrorCode::config,
                    t.location + ": notify '" + t.name + "': " + client.error().message);
    }
    auto shared = std::make_shared<http::TlsClient>(std::move(*client));
    return [shared, host = url->host, port = url->port, timeout = t.timeout,
            limit = t.max_response_bytes](const http::Request& req) {
        return shared->send(host, port, req, timeout, limit);
    };
}

}  // namespace

Result<std::vector<std::unique_ptr<admin::Notifier>>> make_notifiers(
    const config::Config& cfg, storage::RevocationIndex& index,
    const admin::CrlPublicationSource* crl, admin::CaNamer ca_name, const Clock& clock,
    Logger& logger) {
    std::vector<std::unique_ptr<admin::Notifier>> out;
    for (const auto& target : cfg.notify) {
        auto secret = read_secret(target);
        if (!secret) return tl::unexpected(secret.error());
        auto transport = transport_for(target);
        if (!transport) return tl::unexpected(transport.error());
        auto n = admin::Notifier::create(target, std::move(*secret), index, crl, ca_name,
                                         std::move(*transport), clock, logger);
        if (!n) return tl::unexpected(n.error());
        index.add_commit_observer(
            [wake = (*n)->waker()](std::span<const storage::CommittedChange>) { wake(); });
        out.push_back(std::move(*n));
    }
    return out;
}

}  // namespace tanda::cli
