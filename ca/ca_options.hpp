// Per-CA policy as read from the config (config/ fills it; ocsp/ and crl/ apply it).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "ca/crl_options.hpp"

namespace tanda::ca {

enum class NoncePolicy {
    echo,     // a request nonce is checked and echoed in a freshly signed response
    ignore,   // nonces are ignored: the cached, unsigned-per-request response is served
    require,  // a request without a nonce is refused (malformedRequest)
};

enum class UnknownSerialPolicy {
    unknown,  // RFC 6960 status unknown (default)
    revoked,  // RFC 6960 2.2: revoked, certificateHold, 1970-01-01, extended-revoke extension
};

enum class ExpiredPolicy {
    archive,  // keep answering the recorded status after notAfter, with archiveCutoff (4.4.4)
    unknown,  // answer unknown once notAfter has passed
};

// What a CA's issued certificates answer once the CA's own certificate is revoked by a served
// parent (RFC 6960 leaves it to policy; EJBCA and XiPKI revoke them).
enum class IssuerRevocationPolicy {
    inherit,  // revoked with the CA's revocation time, reason cACompromise (ocsp/issuer_revocation)
    ignore,   // each certificate keeps its own status; path validation sees the CA's
};

enum class RequestSignaturePolicy {
    optional,  // signed and unsigned requests are answered alike (RFC 6960 4.1.2)
    required,  // an unsigned request is answered sigRequired
};

// Signed OCSP requests (the `requests` section of a CA).
struct RequestOptions {
    RequestSignaturePolicy signature = RequestSignaturePolicy::optional;
    // PEM bundle of trusted requestor certificates (or their CAs); empty: no trust check, a
    // signature is only checked against the certificate the client sent when required.
    std::string trusted_requestors;
    std::string trusted_requestors_location;  // "file:line" of the key, for error messages
};

struct CaOptions {
    std::string name;                 // [a-z0-9_-]+, used in URLs, metrics and the CLI
    std::string issuer_certificate;   // path of the CA certificate (PEM or DER)
    std::string signer_certificate;   // delegated OCSP signer; equal to issuer when CA-signed
    std::string signer_key;           // private key of the signer
    std::chrono::seconds response_validity{std::chrono::hours(24)};  // nextUpdate - now
    std::chrono::seconds backdate{std::chrono::minutes(5)};          // now - thisUpdate
    std::size_t max_certids = 16;
    NoncePolicy nonce_policy = NoncePolicy::echo;
    std::size_t nonce_min_length = 1;    // RFC 9654 2.1
    std::size_t nonce_max_length = 128;  // RFC 9654 2.1
    UnknownSerialPolicy unknown_serials = UnknownSerialPolicy::unknown;
    ExpiredPolicy expired = ExpiredPolicy::archive;
    IssuerRevocationPolicy issuer_revocation = IssuerRevocationPolicy::inherit;
    // archiveCutoff = producedAt - retention; nullopt ("forever"): the CA certificate's notBefore.
    std::optional<std::chrono::seconds> archive_retention;
    bool presign = false;  // sign answers for every registered certificate ahead of requests
    // rsa_padding: pss. RSASSA-PSS for an RSA signer or CRL key (RSA-PSS keys always use it).
    bool rsa_pss = false;
    CrlOptions crl;  // CRL publishing (ca/crl_options.hpp)
    RequestOptions requests;

    std::string location;  // "file:line" of this CA in the config, for error messages
};

}  // namespace tanda::ca
