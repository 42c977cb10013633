#include "ca/ca_registry.hpp"

#include <algorithm>
#include <filesystem>

namespace tanda::ca {
namespace {

// The served CA that issued `child`'s certificate, other than `child` itself; nullptr for a root
// or a CA whose issuer is not served.
const ServedCa* served_parent(const std::vector<ServedCa>& cas, const ServedCa& child) {
    for (const auto& parent : cas) {
        if (&parent != &child && child.issuer.issued_by(parent.issuer)) return &parent;
    }
    return nullptr;
}

// Nearest first. Ends at a CA already on the way up: two CAs whose served certificates each
// signed the other's (cross-certified) are not each other's ancestors twice over.
std::vector<CaCertificateRecord> ancestry_of(const std::vector<ServedCa>& cas, const ServedCa& ca) {
    std::vector<CaCertificateRecord> chain;
    std::vector<const ServedCa*> seen{&ca};
    const ServedCa* child = &ca;
    for (;;) {
        const ServedCa* parent = served_parent(cas, *child);
        if (parent == nullptr || std::find(seen.begin(), seen.end(), parent) != seen.end()) break;
        chain.push_back({parent->issuer_id, child->issuer.serial()});
        seen.push_back(parent);
        child = parent;
    }
    return chain;
}

bool equal(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

// The key at `path`, signing with RSASSA-PSS when the CA's rsa_padding asks for it.
Result<pki::PrivateKey> load_signing_key(const std::string& path, bool rsa_pss) {
    auto key = pki::PrivateKey::load_file(path);
    if (!key || !rsa_pss) return key;
    auto pss = key->with_pss();
    if (!pss) return tl::unexpected(pss.error().with_context("rsa_padding: pss"));
    return pss;
}

}  // namespace

Result<pki::CrlSigner> load_crl_signer(const CaOptions& o, const pki::Certificate& issuer) {
    // RFC 5280 5.1.1.2: CRLs are signed by the CA itself, even with a delegated OCSP signer.
    auto key = load_signing_key(o.crl.signing_key, o.rsa_pss);
    if (!key) return tl::unexpected(key.error().with_context("crl.signing_key"));
    auto signer = pki::CrlSigner::create(issuer, *key);
    if (!signer) return tl::unexpected(signer.error().with_context("crl"));
    return signer;
}

namespace {

tl::expected<ServedCa, std::string> load_ca(const CaOptions& o) {
    auto where = [&](const std::string& msg) { return o.location + ": CA '" + o.name + "': " + msg; };
    auto issuer = pki::Certificate::load_file(o.issuer_certificate);
    if (!issuer) return tl::unexpected(where("issuer_certificate: " + issuer.error().message));
    auto signer_cert = pki::Certificate::load_file(o.signer_certificate);
    if (!signer_cert) {
        return tl::unexpected(where("signer_certificate: " + signer_cert.error().message));
    }
    auto key = load_signing_key(o.signer_key, o.rsa_pss);
    if (!key) return tl::unexpected(where("signer_key: " + key.error().message));
    if (!issuer->is_ca()) {
        return tl::unexpected(where("issuer_certificate " + o.issuer_certificate +
                                    " is not a CA certificate (basicConstraints cA)"));
    }
    auto signer = pki::OcspSigner::create(*issuer, *signer_cert, *key);
    if (!signer) return tl::unexpected(where(signer.error().message));
    ServedCa ca{.options = o, .issuer = *issuer, .signer = std::move(*signer)};
    if (o.crl.enabled && !o.crl.signing_key.empty()) {
        auto crl_signer = load_crl_signer(o, *issuer);
        if (!crl_signer) return tl::unexpected(where(crl_signer.error().message));
        ca.crl_signer = std::move(*crl_signer);
    }
    if (!o.requests.trusted_requestors.empty()) {
        auto trust = pki::RequestorTrust::load_file(o.requests.trusted_requestors);
        if (!trust) {
            return tl::unexpected(o.requests.trusted_requestors_location + ": CA '" + o.name +
                                  "': requests.trusted_requestors: " + trust.error().message);
        }
        ca.requestors = std::move(*trust);
    }
    for (auto alg : pki::kAllHashAlgorithms) {
        ca.hashes.push_back({alg, issuer->name_hash(alg), issuer->key_hash(alg)});
    }
    return ca;
}

}  // namespace

const ServedCa* CaRegistry::find(pki::HashAlgorithm alg, ByteView name_hash,
                                 ByteView key_hash) const {
    for (const auto& ca : cas_) {
        for (const auto& h : ca.hashes) {
            if (h.alg == alg && equal(h.name_hash, name_hash) && equal(h.key_hash, key_hash)) {
                return &ca;
            }
        }
    }
    return nullptr;
}

const ServedCa* CaRegistry::find_by_name(std::string_view name) const {
    for (const auto& ca : cas_) {
        if (ca.options.name == name) return &ca;
    }
    return nullptr;
}

bool CaRegistry::is_served_ca_certificate(storage::IssuerId issuer, const Serial& serial) const {
    for (const auto& ca : cas_) {
        for (const auto& link : ca.ancestry) {
            if (link.issuer_id == issuer && link.serial == serial) return true;
        }
    }
    return false;
}

std::size_t CaRegistry::max_certids() const {
    std::size_t n = 1;
    for (const auto& ca : cas_) n = std::max(n, ca.options.max_certids);
    return n;
}

tl::expected<CaRegistry, std::vector<std::string>> load_cas(const std::vector<CaOptions>& options) {
    std::vector<ServedCa> cas;
    std::vector<std::string> problems;
    for (const auto& o : options) {
        auto ca = load_ca(o);
        if (ca) {
            cas.push_back(std::move(*ca));
        } else {
            problems.push_back(ca.error());
        }
    }
    // Two entries for the same issuer key would make CertID matching ambiguous.
    for (std::size_t i = 0; i < cas.size(); ++i) {
        for (std::size_t j = i + 1; j < cas.size(); ++j) {
            if (equal(cas[i].issuer.spki_sha256(), cas[j].issuer.spki_sha256()) &&
                cas[i].issuer.subject() == cas[j].issuer.subject()) {
                problems.push_back(cas[j].options.location + ": CA '" + cas[j].options.name +
                                   "' serves the same issuer as '" + cas[i].options.name + "'");
            }
        }
    }
    if (!problems.empty()) return tl::unexpected(problems);
    return CaRegistry(std::move(cas));
}

Result<void> bind_storage(CaRegistry& registry, storage::RevocationIndex& index, UnixSeconds now) {
    for (auto& ca : registry.mutable_cas()) {
        auto id = index.ensure_issuer(ca.issuer.spki_sha256(), ca.options.name);
        if (!id) return tl::unexpected(id.error().with_context("CA '" + ca.options.name + "'"));
        ca.issuer_id = *id;
    }
    // A served CA certificate is known to be issued by the served CA that signed it.
    for (const auto& subject : registry.cas()) {
        for (const auto& issuer : registry.cas()) {
            if (!subject.issuer.issued_by(issuer.issuer)) continue;
            auto existing = index.find(issuer.issuer_id, subject.issuer.serial());
            if (!existing) return tl::unexpected(existing.error());
            if (*existing) continue;  // never overwrite a recorded state (it may be revoked)
            CertRecord record;
            record.state = CertState::issued;
            record.not_after = subject.issuer.not_after();
            record.subject = subject.issuer.subject();
            storage::Change change{storage::ChangeKind::register_certificate, issuer.issuer_id,
                                   subject.issuer.serial(), record};
            storage::Provenance why;
            why.source = "config";
            auto done = index.commit({&change, 1}, why, now);
            if (!done) return tl::unexpected(done.error());
        }
    }
    for (auto& ca : registry.mutable_cas()) ca.ancestry = ancestry_of(registry.cas(), ca);
    return {};
}

}  // namespace tanda::ca
