// RFC 6960 4.1.2: the optional signature of an OCSP request, checked by OpenSSL against the
// certificates a CA trusts to sign requests (a PEM bundle).
#pragma once

#include <memory>
#include <string>

#include "core/bytes.hpp"
#include "core/result.hpp"

namespace tanda::pki {

// The trusted requestors: a signer is trusted when its certificate is one of the bundle's or
// chains to one (the bundle's certificates are trust anchors). Immutable; thread-safe.
class RequestorTrust {
public:
    // Every certificate of the PEM (or DER) file at `path`; ErrorCode::not_found / crypto, or
    // invalid_argument for a file without certificates.
    [[nodiscard]] static Result<RequestorTrust> load_file(const std::string& path);

    struct Store;  // the X509_STORE inside; defined in requestor_trust.cpp
    const Store& store() const { return *store_; }

private:
    explicit RequestorTrust(std::shared_ptr<const Store> store) : store_(std::move(store)) {}
    std::shared_ptr<const Store> store_;  // never null
};

// Whether the OCSPRequest `der` is signed by the certificate its requestorName names (carried
// in the request), with a signature that verifies; with `trust`, also that this certificate is
// trusted and valid now. False for an unsigned or undecodable request. Thread-safe; leaves
// nothing on the OpenSSL error queue.
[[nodiscard]] bool verify_request_signature(ByteView der, const RequestorTrust* trust);

}  // namespace tanda::pki
