// The CAs this responder serves, loaded from config: certificates, signers and the CertID hashes
// that identify each issuer. Immutable once built; shared as a snapshot (reload swaps it).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ca/ca_options.hpp"
#include "core/bytes.hpp"
#include "core/result.hpp"
#include "pki/certificate.hpp"
#include "pki/crl_builder.hpp"
#include "pki/ocsp_response.hpp"
#include "pki/requestor_trust.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::ca {

// Where a served CA's own certificate is recorded: in the index of the served CA that issued it.
struct CaCertificateRecord {
    storage::IssuerId issuer_id = 0;  // the parent's
    Serial serial;                    // the child's certificate
};

struct ServedCa {
    CaOptions options;
    pki::Certificate issuer;
    pki::OcspSigner signer;
    storage::IssuerId issuer_id = 0;  // set by bind_storage()

    struct Hashes {
        pki::HashAlgorithm alg;
        Bytes name_hash;
        Bytes key_hash;
    };
    std::vector<Hashes> hashes;  // one per accepted CertID hash algorithm
    // The CA key, when options.crl.enabled and this node has it (in a cluster it may not).
    std::optional<pki::CrlSigner> crl_signer;
    // Who may sign requests, when options.requests.trusted_requestors is set.
    std::optional<pki::RequestorTrust> requestors;
    // The records of this CA's certificate and of its served ancestors' certificates, nearest
    // first, up to a self-signed or unserved issuer (set by bind_storage). Empty for a root.
    std::vector<CaCertificateRecord> ancestry;
};

class CaRegistry {
public:
    explicit CaRegistry(std::vector<ServedCa> cas) : cas_(std::move(cas)) {}

    // RFC 6960 4.1.1: an issuer matches only when both hashes match in the request's algorithm.
    const ServedCa* find(pki::HashAlgorithm alg, ByteView name_hash, ByteView key_hash) const;
    const ServedCa* find_by_name(std::string_view name) const;
    const std::vector<ServedCa>& cas() const { return cas_; }
    std::vector<ServedCa>& mutable_cas() { return cas_; }  // for bind_storage only
    // The largest max_certids of any CA: the parse limit before the CA is known.
    std::size_t max_certids() const;
    // Whether (issuer, serial) is the record of a served CA's certificate, whose change alters
    // the answers of every certificate that CA issued.
    bool is_served_ca_certificate(storage::IssuerId issuer, const Serial& serial) const;

private:
    std::vector<ServedCa> cas_;
};

// The CRL signer of `o` (crl.signing_key, RSA-PSS when rsa_padding asks), checked against
// `issuer`; errors start with the setting. load_cas loads it so; a CRL publisher again when its
// key on a token stopped signing.
[[nodiscard]] Result<pki::CrlSigner> load_crl_signer(const CaOptions& o,
                                                     const pki::Certificate& issuer);

// Loads every CA's certificates and key and checks that the signer may sign for the issuer.
// All problems are returned, each prefixed with the CA's config location.
[[nodiscard]] tl::expected<CaRegistry, std::vector<std::string>> load_cas(
    const std::vector<CaOptions>& options);

// Assigns each CA its storage issuer id and records the served CA certificates issued by a served
// CA (a root's own certificate), so OCSP answers good for them (journaled as source "config").
// Fills each CA's ancestry.
[[nodiscard]] Result<void> bind_storage(CaRegistry& registry, storage::RevocationIndex& index,
                                        UnixSeconds now);

}  // namespace tanda::ca
