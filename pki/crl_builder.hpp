// RFC 5280 section 5 CRLs encoded by streaming: entries are written as DER one by one into a
// buffer (no OpenSSL object per entry), spilled to an unnamed file beyond a threshold, then the
// TBSCertList is completed and signed with the CA key, read back piece by piece when spilled.
// Complete CRLs and delta CRLs (5.2.4), RSA, ECDSA and Ed25519.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/bytes.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/revocation_reason.hpp"
#include "pki/certificate.hpp"

struct evp_md_ctx_st;

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
    // Signs bytes given piece by piece, for a CRL too large for one buffer. Ed25519 signs the
    // whole message at once (PureEdDSA) and cannot: can_stream() is false for it.
    class Stream {
    public:
        [[nodiscard]] Result<void> update(ByteView part);
        [[nodiscard]] Result<Bytes> finish();  // the signatureValue, as sign() gives it

    private:
        friend class CrlSigner;
        explicit Stream(const CrlSigner& signer) : signer_(&signer) {}
        const CrlSigner* signer_;
        std::shared_ptr<evp_md_ctx_st> ctx_;
    };
    bool can_stream() const;
    [[nodiscard]] Result<Stream> stream() const;
    // true when `signature` over `tbs` verifies with the CA's public key under our algorithm.
    bool verify(ByteView tbs, ByteView algorithm_der, ByteView signature) const;

    const Certificate& certificate() const { return ca_; }
    ByteView issuer_name_der() const { return issuer_name_; }     // the CA's subject Name TLV
    ByteView algorithm_der() const { return algorithm_; }         // AlgorithmIdentifier TLV
    const PrivateKey& key() const { return key_; }
    // A throwaway signature: whether the key signs now (a key on a token may have stopped).
    [[nodiscard]] Result<void> probe() const;
    ByteView key_identifier() const { return key_id_; }           // for the AKI extension

private:
    // EVP_DigestSignInit with our digest and padding: what sign() and stream() share.
    Result<void> start_signing(evp_md_ctx_st* ctx) const;
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

    ~CrlBuilder();
    CrlBuilder(const CrlBuilder&) = delete;
    CrlBuilder& operator=(const CrlBuilder&) = delete;

    // Entries beyond `threshold` bytes go to an unnamed temporary file in `dir` (made at the
    // first spill) instead of memory, so a CRL of any size costs about `threshold` of memory.
    // Only when the signer can_stream(); otherwise (Ed25519) a no-op. A file that cannot be
    // made or written fails finish_to with ErrorCode::io.
    void spill_to(const std::string& dir, std::size_t threshold);

    void add(const CrlEntry& entry);
    std::size_t entries() const { return count_; }
    bool spilled() const { return spilled_ > 0; }

    // The DER CertificateList. Call once, and only when nothing was spilled. ErrorCode::crypto
    // when signing fails.
    [[nodiscard]] Result<Bytes> finish();
    // Writes the DER CertificateList at `fd`'s offset and returns its size: the TBSCertList is
    // signed as it is read back from the spill file, never held whole. Call once, instead of
    // finish(). ErrorCode::io (writing, spilling) or ErrorCode::crypto.
    [[nodiscard]] Result<std::size_t> finish_to(int fd);

private:
    Bytes extensions() const;
    void spill_entries();
    Result<std::size_t> finish_spilled(int fd);

    const CrlSigner& signer_;
    CrlParams params_;
    Bytes head_;            // version, signature, issuer, thisUpdate, nextUpdate
    std::size_t headroom_;  // bytes reserved in buf_ before the first entry
    Bytes buf_;             // headroom, then the entries' DER (not yet spilled)
    std::size_t count_ = 0;
    std::string spill_dir_;
    std::size_t spill_at_ = 0;  // buf_'s entry bytes that trigger a spill; 0: never
    int spill_fd_ = -1;         // the unnamed file holding the entries before buf_'s
    std::size_t spilled_ = 0;   // entry bytes in the spill file
    std::string spill_error_;   // the first failed spill: finish_to reports it
};

}  // namespace tanda::pki
