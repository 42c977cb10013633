// RFC 5280 section 5 CRLs encoded by streaming: entries are written as DER one by one into a
// single buffer (no OpenSSL object per entry), then the TBSCertList is completed and signed with
// the CA key. Complete CRLs and delta CRLs (5.2.4), RSA, ECDSA and Ed25519.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/bytes.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/revocation_reason.hpp"
#include "pki/certificate.hpp"

namespace tanda::pki {

// The CA certificate and its private key, checked to belong together, with what every CRL of
// the CA repeats (issuer Name, signature AlgorithmIdentifier, key identifier). Copies share the
// key; thread-safe.
class CrlSigner {
public:
    // ErrorCode::config when `key` is not the key of `ca`, `ca` is not a CA certificate, its
    // keyUsage lacks cRLSign, or the key type cannot sign (RSA under 2048 bits, other curves).
    [[nodiscard]] static Result<CrlSigner> create(const Certificate& ca, const PrivateKey& key);

    // The signatureValue bytes for `tbs` (DER ECDSA-Sig-Value for ECDSA). ErrorCode::crypto.
    [[nodiscard]] Result<Bytes> sign(ByteView tbs) const;
    // true when `signature` over `tbs` verifies with the CA's public key under our algorithm.
    bool verify(ByteView tbs, ByteView algorithm_der, ByteView signature) const;

    const Certificate& certificate() const { return ca_; }
    ByteView issuer_name_der() const { return issuer_name_; }     // the CA's subject Name TLV
    ByteView algorithm_der() const { return algorithm_; }         // AlgorithmIdentifier TLV
    ByteView key_identifier() const { return key_id_; }           // for the AKI extension

private:
    CrlSigner(Certificate ca, PrivateKey key) : ca_(std::move(ca)), key_(std::move(key)) {}
    Certificate ca_;
    PrivateKey key_;
    Bytes issuer_name_;
    Bytes algorithm_;
    Bytes key_id_;
};

// One revokedCertificates entry (RFC 5280 5.1.2.6, 5.3).
struct CrlEntry {
    ByteView serial;                             // magnitude, big-endian; copied by add()
    UnixSeconds revoked_at = 0;
    Reason reason = Reason::unspecified;         // unspecified omits reasonCode (5.3.1);
                                                 // remove_from_crl only in delta CRLs
    std::optional<UnixSeconds> invalidity_date;  // 5.3.2
};

struct CrlParams {
    std::uint64_t number = 0;  // cRLNumber (5.2.3)
    UnixSeconds this_update = 0;
    UnixSeconds next_update = 0;
    std::optional<std::uint64_t> delta_base;   // set: a delta CRL naming this BaseCRLNumber
    std::string issuing_distribution_point;    // URI; empty omits the IDP extension (5.2.5)
    std::string freshest_crl;                  // URI of the delta CRL; empty omits (5.2.6)
};

// Builds one CRL. Not thread-safe; one builder per CRL.
class CrlBuilder {
public:
    // `signer` must outlive the builder. `expected_entries` only sizes the buffer.
    CrlBuilder(const CrlSigner& signer, CrlParams params, std::size_t expected_entries = 0);

    void add(const CrlEntry& entry);
    std::size_t entries() const { return count_; }

    // The DER CertificateList. Call once. ErrorCode::crypto when signing fails.
    [[nodiscard]] Result<Bytes> finish();

private:
    Bytes extensions() const;

    const CrlSigner& signer_;
    CrlParams params_;
    Bytes head_;            // version, signature, issuer, thisUpdate, nextUpdate
    std::size_t headroom_;  // bytes reserved in buf_ before the first entry
    Bytes buf_;             // headroom, then the entries' DER
    std::size_t count_ = 0;
};

}  // namespace tanda::pki
