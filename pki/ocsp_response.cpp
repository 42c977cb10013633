// BasicOCSPResponse building and signing (RFC 6960 4.2) and the fixed unsigned error responses.
#include "pki/ocsp_response.hpp"

#include <array>
#include <cstring>

#include "pki/digest_signing_pool.hpp"
#include "pki/ocsp_response_encoder.hpp"
#include "pki/openssl_error.hpp"
#include "pki/openssl_handles.hpp"
#include "pki/signing_digest.hpp"

namespace tanda::pki {
namespace {

// OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED } with responseBytes absent (4.2.1).
template <unsigned Status>
constexpr std::array<std::byte, 5> kErrorDer = {std::byte{0x30}, std::byte{0x03}, std::byte{0x0a},
                                                std::byte{0x01}, std::byte{Status}};

bool same_identity(const Certificate& a, const Certificate& b) {
    if (a.der() == b.der()) {
        return true;
    }
    X509* x = a.handle().get();
    X509* y = b.handle().get();
    bool same = X509_NAME_cmp(X509_get_subject_name(x), X509_get_subject_name(y)) == 0 &&
                EVP_PKEY_eq(X509_get0_pubkey(x), X509_get0_pubkey(y)) == 1;
    discard_openssl_errors();
    return same;
}

}  // namespace

ByteView error_response(OcspError status) noexcept {
    switch (status) {
        case OcspError::malformed_request:
            return kErrorDer<1>;
        case OcspError::internal_error:
            return kErrorDer<2>;
        case OcspError::try_later:
            return kErrorDer<3>;
        case OcspError::sig_required:
            return kErrorDer<5>;
        case OcspError::unauthorized:
            return kErrorDer<6>;
    }
    return kErrorDer<2>;
}

struct OcspSigner::Prepared {
    detail::ResponderParts parts;
    // Signs digests on reused contexts (RSA, ECDSA); null for keys that sign the message itself.
    std::unique_ptr<DigestSigningPool> pool;
    // Otherwise: OpenSSL 3 looks algorithms up on every EVP_DigestSignInit; copying a context
    // initialised once skips that. Null when the key's contexts cannot be copied: initialise per
    // call.
    EvpMdCtxPtr ctx;
};

OcspSigner::OcspSigner(Certificate cert, PrivateKey key, bool delegated,
                       std::shared_ptr<const Prepared> prepared)
    : cert_(std::move(cert)),
      key_(std::move(key)),
      delegated_(delegated),
      algorithm_(key_.algorithm()),
      quick_(key_.signs_quickly()),
      prepared_(std::move(prepared)) {}

namespace {

// The encoded parts for `cert` and, when copyable, a signing context initialised once.
Result<std::shared_ptr<const OcspSigner::Prepared>> prepare(const Certificate& cert,
                                                            const PrivateKey& key, bool delegated) {
    auto parts = detail::responder_parts(cert, key, delegated);
    if (!parts) return tl::unexpected(parts.error());
    auto prepared = std::make_shared<OcspSigner::Prepared>();
    prepared->parts = std::move(*parts);
    auto digest = signing_digest(key);
    if (digest) {
        prepared->pool =
            DigestSigningPool::create(key.handle().get(), *digest, key.signs_with_pss());
    }
    if (prepared->pool) return std::shared_ptr<const OcspSigner::Prepared>(std::move(prepared));
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EvpMdCtxPtr probe(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (digest && ctx && probe &&
        EVP_DigestSignInit(ctx.get(), &pctx, *digest, nullptr, key.handle().get()) == 1 &&
        set_signature_padding(pctx, key.signs_with_pss()) &&
        EVP_MD_CTX_copy_ex(probe.get(), ctx.get()) == 1) {
        prepared->ctx = std::move(ctx);
    }
    discard_openssl_errors();
    return std::shared_ptr<const OcspSigner::Prepared>(std::move(prepared));
}

}  // namespace

Result<OcspSigner> OcspSigner::create(const Certificate& issuer, const Certificate& signer_cert,
                                      const PrivateKey& key) {
    const std::string who = "OCSP signer " + signer_cert.subject();
    if (!key.matches(signer_cert)) {
        return fail(ErrorCode::config, who + ": private key does not match the certificate");
    }
    if (auto digest = signing_digest(key); !digest) {
        return tl::unexpected(digest.error().with_context(who));
    }
    auto make = [&](bool delegated) -> Result<OcspSigner> {
        auto prepared = prepare(signer_cert, key, delegated);
        if (!prepared) return tl::unexpected(prepared.error().with_context(who));
        return OcspSigner(signer_cert, key, delegated, std::move(*prepared));
    };
    if (same_identity(issuer, signer_cert)) {
        return make(false);
    }
    // RFC 6960 4.2.2.2: a delegated responder is issued directly by the CA and carries
    // id-kp-OCSPSigning.
    if (!signer_cert.issued_by(issuer)) {
        return fail(ErrorCode::config,
                    who + " is neither the issuer " + issuer.subject() + " nor issued by it");
    }
    if (!signer_cert.has_ocsp_signing()) {
        return fail(ErrorCode::config,
                    who +
                        " lacks extendedKeyUsage id-kp-OCSPSigning, required of a delegated "
                        "responder for " +
                        issuer.subject());
    }
    return make(true);
}

Result<Bytes> OcspSigner::sign(std::span<const SingleStatus> statuses, const ResponseExtras& extras,
                               UnixSeconds produced_at) const {
    auto data = detail::encode_response_data(prepared_->parts.responder_id, statuses, extras,
                                             produced_at);
    if (!data) return tl::unexpected(data.error());
    TokenUsage::Call call(key_.handle().usage.get());
    if (prepared_->pool) {
        Bytes signature;
        if (!prepared_->pool->sign(*data, signature)) return crypto_fail("OCSP signing");
        call.done(true);
        return detail::encode_successful_response(*data, prepared_->parts, signature);
    }
    // A context per call, copied from the prepared one when there is one; that context and the
    // shared EVP_PKEY are only read.
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    bool ready = false;
    if (ctx && prepared_->ctx) {
        ready = EVP_MD_CTX_copy_ex(ctx.get(), prepared_->ctx.get()) == 1;
    } else if (ctx) {
        auto digest = signing_digest(key_);
        EVP_PKEY_CTX* pctx = nullptr;
        ready = digest &&
                EVP_DigestSignInit(ctx.get(), &pctx, *digest, nullptr, key_.handle().get()) == 1 &&
                set_signature_padding(pctx, key_.signs_with_pss());
    }
    if (!ready) return crypto_fail("OCSP signing context");
    Bytes signature(static_cast<std::size_t>(EVP_PKEY_get_size(key_.handle().get())));
    std::size_t length = signature.size();
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(data->data()), data->size()) != 1) {
        return crypto_fail("OCSP signing");
    }
    call.done(true);
    signature.resize(length);
    return detail::encode_successful_response(*data, prepared_->parts, signature);
}

}  // namespace tanda::pki
