// RFC 6960 4.2 OCSPResponse building and signing, and the unsigned error responses.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "core/bytes.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/revocation_reason.hpp"
#include "pki/certificate.hpp"

namespace tanda::pki {

// RFC 6960 4.2.1 OCSPResponseStatus values that carry no responseBytes.
enum class OcspError : unsigned {
    malformed_request = 1,
    internal_error = 2,
    try_later = 3,
    sig_required = 5,
    unauthorized = 6,
};
// The 5-byte DER OCSPResponse for an error status. The view is valid for the program's life.
ByteView error_response(OcspError status) noexcept;

enum class SingleStatusKind { good, revoked, unknown };

struct SingleStatus {
    ByteView cert_id_der;  // echoed exactly (RequestedCert::cert_id_der)
    SingleStatusKind kind = SingleStatusKind::unknown;
    UnixSeconds revoked_at = 0;                  // revoked only
    std::optional<Reason> reason;                // revoked only; nullopt omits revocationReason
    UnixSeconds this_update = 0;
    UnixSeconds next_update = 0;                 // 0 omits nextUpdate
    std::optional<UnixSeconds> archive_cutoff;   // RFC 6960 4.4.4 singleExtension
    std::optional<UnixSeconds> invalidity_date;  // RFC 5280 5.3.2 as singleExtension (6960 4.4.7)
};

struct ResponseExtras {
    std::optional<Bytes> nonce;    // RFC 9654: echoed as the responseExtension
    bool extended_revoke = false;  // RFC 6960 2.2 id-pkix-ocsp-extended-revoke (NULL value)
};

// Signs BasicOCSPResponses with one key. ResponderID is byKey (RFC 6960 4.2.2.3); the signer's
// certificate is included when it is a delegated responder. Thread-safe.
class OcspSigner {
public:
    // Checks that `key` matches `signer_cert` and that the signer may sign for `issuer`: it is
    // the issuer itself, or it was issued by the issuer and has EKU id-kp-OCSPSigning
    // (RFC 6960 4.2.2.2). RSA keys under 2048 bits are refused.
    [[nodiscard]] static Result<OcspSigner> create(const Certificate& issuer,
                                                   const Certificate& signer_cert,
                                                   const PrivateKey& key);

    // The DER OCSPResponse (status successful) with one SingleResponse per entry, producedAt
    // = `produced_at`. ErrorCode::crypto on signing failure.
    [[nodiscard]] Result<Bytes> sign(std::span<const SingleStatus> statuses,
                                     const ResponseExtras& extras, UnixSeconds produced_at) const;

    const Certificate& certificate() const { return cert_; }
    bool delegated() const { return delegated_; }
    const std::string& algorithm() const { return algorithm_; }  // the key's: "EC-P-256", ...
    bool signs_quickly() const { return quick_; }                // PrivateKey::signs_quickly
    bool key_on_token() const { return key_.on_token(); }        // a PKCS#11 key
    const PrivateKey& key() const { return key_; }

    struct Prepared;  // encoded responder parts and an initialised signing context

private:
    OcspSigner(Certificate cert, PrivateKey key, bool delegated,
               std::shared_ptr<const Prepared> prepared);
    Certificate cert_;
    PrivateKey key_;
    bool delegated_ = false;
    std::string algorithm_;
    bool quick_ = false;
    std::shared_ptr<const Prepared> prepared_;  // never null
};

}  // namespace tanda::pki
