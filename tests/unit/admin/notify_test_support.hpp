// Shared by the notification tests: an index in a temp dir with one issuer, revocations by
// request id, a transport that records or refuses, and a CRL source the test publishes.
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "admin/crl_publication.hpp"
#include "admin/notifier.hpp"
#include "storage/revocation_index.hpp"
#include "tests/support/temp_dir.hpp"

namespace tanda::test {

struct NotifyIndex {
    TempDir dir{"tanda-notify"};
    std::unique_ptr<storage::RevocationIndex> index;
    storage::IssuerId issuer = 0;

    NotifyIndex() {
        storage::Options options;
        options.path = (dir / "index").string();
        options.map_size = std::size_t{1} << 24;
        auto opened = storage::RevocationIndex::open(options);
        REQUIRE(opened);
        index = std::move(*opened);
        auto id = index->ensure_issuer(as_bytes("issuer-1"), "demo");
        REQUIRE(id);
        issuer = *id;
    }
    // Registers serial `hex` (an import: no event) and returns the seq.
    std::uint64_t register_serial(std::string_view hex) {
        CertRecord r;
        r.state = CertState::issued;
        r.not_after = 1900000000;
        r.subject = "CN=Holder";
        storage::Change c{storage::ChangeKind::register_certificate, issuer, *Serial::from_hex(hex),
                          r};
        auto done = index->commit({&c, 1}, {"", "", "", "", "import:test"}, 1700000000);
        REQUIRE(done);
        return done->last_seq;
    }
    // Revokes serial `hex` (registered first) under `request_id`; returns the seq.
    std::uint64_t revoke(std::string_view hex, const std::string& request_id) {
        register_serial(hex);
        CertRecord r;
        r.state = CertState::revoked;
        r.reason = Reason::key_compromise;
        r.revoked_at = 1700000100;
        r.not_after = 1900000000;
        r.subject = "CN=Holder";
        storage::Change c{storage::ChangeKind::revoke, issuer, *Serial::from_hex(hex), r};
        auto done = index->commit({&c, 1}, {request_id, "op-a", "op-b", "", "admin"}, 1700000200);
        REQUIRE(done);
        return done->last_seq;
    }
};

// Records every request; answers `status` (200 unless changed), or fails like a closed port.
struct RecordingTransport {
    std::mutex mutex;
    std::vector<http::Request> requests;
    unsigned status = 200;
    bool down = false;
    admin::WebhookTransport bind() {
        return [this](const http::Request& req) -> Result<http::Response> {
            std::lock_guard lock(mutex);
            if (down) return fail(ErrorCode::io, "connect: Connection refused");
            requests.push_back(req);
            return http::Response(static_cast<http::Status>(status), 11);
        };
    }
    std::vector<std::string> ids() {
        std::lock_guard lock(mutex);
        std::vector<std::string> out;
        for (const auto& r : requests) out.emplace_back(r["Tanda-Event-Id"]);
        return out;
    }
};

// A CRL publisher the test moves forward: a CA's CRL covers entries up to `covered[ca]`.
struct FakeCrls final : admin::CrlPublicationSource {
    mutable std::mutex mutex;
    std::map<std::string, std::uint64_t, std::less<>> covered;
    std::optional<admin::CrlPublication> published_after(std::string_view ca,
                                                         std::uint64_t seq) const override {
        std::lock_guard lock(mutex);
        auto it = covered.find(ca);
        if (it == covered.end() || it->second < seq) return std::nullopt;
        return admin::CrlPublication{7, 1700000300};
    }
    void cover(const std::string& ca, std::uint64_t seq) {
        std::lock_guard lock(mutex);
        covered[ca] = seq;
    }
};

inline admin::NotifyTarget notify_target() {
    admin::NotifyTarget t;
    t.name = "ra";
    t.url = "https://ra.example:8443/hooks/tanda";
    return t;
}

}  // namespace tanda::test
