// Reads OCSP responses with OpenSSL, as a relying party would (test-only).
#pragma once

#include <ctime>
#include <optional>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include "tests/unit/pki/ocsp_openssl.hpp"

namespace tanda::test {

struct ReadStatus {
    int cert_status = -1;  // V_OCSP_CERTSTATUS_*
    int reason = -1;       // OCSP_REVOKED_STATUS_* or -1
    UnixSeconds revoked_at = 0, this_update = 0, next_update = 0;
};

inline UnixSeconds to_unix(const ASN1_GENERALIZEDTIME* t) {
    if (t == nullptr) return 0;
    std::tm tm{};
    ASN1_TIME_to_tm(t, &tm);
    return timegm(&tm);
}

class ReadResponse {
public:
    explicit ReadResponse(ByteView der) {
        auto* p = reinterpret_cast<const unsigned char*>(der.data());
        resp_.reset(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
        if (!resp_) throw std::runtime_error("not an OCSPResponse");
        if (OCSP_response_status(resp_.get()) == OCSP_RESPONSE_STATUS_SUCCESSFUL) {
            basic_.reset(OCSP_response_get1_basic(resp_.get()));
        }
    }
    int response_status() const { return OCSP_response_status(resp_.get()); }
    OCSP_BASICRESP* basic() const { return basic_.get(); }

    // The SingleResponse for `id`; nullopt if absent.
    std::optional<ReadStatus> status(OCSP_CERTID* id) const {
        ReadStatus s;
        ASN1_GENERALIZEDTIME *rev = nullptr, *thisupd = nullptr, *nextupd = nullptr;
        if (OCSP_resp_find_status(basic_.get(), id, &s.cert_status, &s.reason, &rev, &thisupd,
                                  &nextupd) != 1) {
            return std::nullopt;
        }
        s.revoked_at = to_unix(rev);
        s.this_update = to_unix(thisupd);
        s.next_update = to_unix(nextupd);
        return s;
    }
    // Signature valid and signer authorised, trusting only `ca`.
    bool verifies(const pki::Certificate& ca) const {
        pki::X509StorePtr store(X509_STORE_new());
        X509_STORE_add_cert(store.get(), ca.handle().get());
        // An intermediate is a trust anchor here too: the chain above it is not the question.
        X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
        // A CA-signed response carries no certificate: the client knows the issuer, as
        // `openssl ocsp -issuer` does.
        std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> issuer(
            sk_X509_new_null(), [](STACK_OF(X509)* s) { sk_X509_free(s); });
        sk_X509_push(issuer.get(), ca.handle().get());
        if (OCSP_basic_verify(basic_.get(), issuer.get(), store.get(), 0) == 1) return true;
        ERR_print_errors_fp(stderr);  // shows in the test log why
        return false;
    }
    // OCSP_check_nonce: 1 equal, 2 absent in both, -1 only in the request, 3 only in the
    // response, 0 different.
    int nonce_check(OCSP_REQUEST* req) const { return OCSP_check_nonce(req, basic_.get()); }
    bool has_response_extension(int nid) const {
        return OCSP_BASICRESP_get_ext_by_NID(basic_.get(), nid, -1) >= 0;
    }

private:
    pki::OcspResponsePtr resp_;
    pki::OcspBasicRespPtr basic_;
};

}  // namespace tanda::test
