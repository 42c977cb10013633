// BasicOCSPResponse building and signing (RFC 6960 4.2) and the fixed unsigned error responses.
#include "pki/ocsp_response.hpp"

#include <array>
#include <cstring>

#include "pki/openssl_error.hpp"
#include "pki/openssl_handles.hpp"
#include "pki/signing_digest.hpp"

namespace tanda::pki {
namespace {

// OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED } with responseBytes absent (4.2.1).
template <unsigned Status>
constexpr std::array<std::byte, 5> kErrorDer = {std::byte{0x30}, std::byte{0x03}, std::byte{0x0a},
                                                std::byte{0x01}, std::byte{Status}};

Asn1GeneralizedTimePtr generalized_time(UnixSeconds t) {
    return Asn1GeneralizedTimePtr(ASN1_GENERALIZEDTIME_set(nullptr, static_cast<time_t>(t)));
}

int status_code(SingleStatusKind kind) {
    switch (kind) {
        case SingleStatusKind::good:
            return V_OCSP_CERTSTATUS_GOOD;
        case SingleStatusKind::revoked:
            return V_OCSP_CERTSTATUS_REVOKED;
        case SingleStatusKind::unknown:
            return V_OCSP_CERTSTATUS_UNKNOWN;
    }
    return V_OCSP_CERTSTATUS_UNKNOWN;
}

Result<void> add_time_ext(OCSP_SINGLERESP* single, int nid, UnixSeconds t, const char* what) {
    Asn1GeneralizedTimePtr value = generalized_time(t);
    if (!value || OCSP_SINGLERESP_add1_ext_i2d(single, nid, value.get(), 0, 0) != 1) {
        return crypto_fail(what);
    }
    return {};
}

Result<void> add_single(OCSP_BASICRESP* bs, const SingleStatus& status) {
    const auto* p = reinterpret_cast<const unsigned char*>(status.cert_id_der.data());
    const unsigned char* end = p + status.cert_id_der.size();
    OcspCertIdPtr id(d2i_OCSP_CERTID(nullptr, &p, static_cast<long>(status.cert_id_der.size())));
    if (!id || p != end) {
        discard_openssl_errors();
        return fail(ErrorCode::invalid_argument, "SingleStatus.cert_id_der is not a DER CertID");
    }
    bool revoked = status.kind == SingleStatusKind::revoked;
    Asn1GeneralizedTimePtr this_update = generalized_time(status.this_update);
    Asn1GeneralizedTimePtr next_update;
    Asn1GeneralizedTimePtr revoked_at;
    if (status.next_update != 0) {
        next_update = generalized_time(status.next_update);
    }
    if (revoked) {
        revoked_at = generalized_time(status.revoked_at);
    }
    if (!this_update || (status.next_update != 0 && !next_update) || (revoked && !revoked_at)) {
        return crypto_fail("OCSP response time");
    }
    int reason =
        revoked && status.reason ? static_cast<int>(*status.reason) : OCSP_REVOKED_STATUS_NOSTATUS;
    OCSP_SINGLERESP* single =
        OCSP_basic_add1_status(bs, id.get(), status_code(status.kind), reason, revoked_at.get(),
                               this_update.get(), next_update.get());
    if (single == nullptr) {
        return crypto_fail("OCSP SingleResponse");
    }
    if (status.archive_cutoff) {
        auto added = add_time_ext(single, NID_id_pkix_OCSP_archiveCutoff, *status.archive_cutoff,
                                  "OCSP archiveCutoff extension");
        if (!added) {
            return added;
        }
    }
    if (status.invalidity_date) {
        return add_time_ext(single, NID_invalidity_date, *status.invalidity_date,
                            "OCSP invalidityDate extension");
    }
    return {};
}

// A non-critical responseExtension whose extnValue is exactly `value_der`.
Result<void> add_response_ext(OCSP_BASICRESP* bs, int nid, ByteView value_der, const char* what) {
    Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
    if (!value ||
        ASN1_OCTET_STRING_set(value.get(), reinterpret_cast<const unsigned char*>(value_der.data()),
                              static_cast<int>(value_der.size())) != 1) {
        return crypto_fail(what);
    }
    X509ExtensionPtr ext(X509_EXTENSION_create_by_NID(nullptr, nid, 0, value.get()));
    if (!ext || OCSP_BASICRESP_add_ext(bs, ext.get(), -1) != 1) {  // add_ext copies
        return crypto_fail(what);
    }
    return {};
}

Result<void> add_response_extensions(OCSP_BASICRESP* bs, const ResponseExtras& extras) {
    if (extras.nonce) {
        // RFC 9654: extnValue = DER OCTET STRING of the nonce. Built by hand because
        // OCSP_basic_add1_nonce substitutes random bytes for an empty value.
        Asn1OctetStringPtr inner(ASN1_OCTET_STRING_new());
        unsigned char* der = nullptr;
        int len = -1;
        if (inner && ASN1_OCTET_STRING_set(
                         inner.get(), reinterpret_cast<const unsigned char*>(extras.nonce->data()),
                         static_cast<int>(extras.nonce->size())) == 1) {
            len = i2d_ASN1_OCTET_STRING(inner.get(), &der);
        }
        if (len <= 0) {
            return crypto_fail("OCSP nonce extension");
        }
        auto added = add_response_ext(
            bs, NID_id_pkix_OCSP_Nonce,
            {reinterpret_cast<const std::byte*>(der), static_cast<std::size_t>(len)},
            "OCSP nonce extension");
        OPENSSL_free(der);
        if (!added) {
            return added;
        }
    }
    if (extras.extended_revoke) {
        // RFC 6960 4.4.8 id-pkix-ocsp-extended-revoke {id-pkix-ocsp 9} is OpenSSL's
        // NID_id_pkix_OCSP_valid; its value is NULL. (NID_id_pkix_OCSP_extendedStatus is
        // {id-pkix-ocsp 8}, a different extension.)
        static constexpr std::byte kNull[] = {std::byte{0x05}, std::byte{0x00}};
        return add_response_ext(bs, NID_id_pkix_OCSP_valid, kNull, "OCSP extended-revoke");
    }
    return {};
}

Result<Bytes> encode_successful(OCSP_BASICRESP* bs) {
    OcspResponsePtr response(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs));
    unsigned char* der = nullptr;
    int len = response ? i2d_OCSP_RESPONSE(response.get(), &der) : -1;
    if (len <= 0) {
        return crypto_fail("OCSP response encoding");
    }
    auto* begin = reinterpret_cast<const std::byte*>(der);
    Bytes out(begin, begin + len);
    OPENSSL_free(der);
    return out;
}

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

struct OcspSigner::SignTemplate {
    EvpMdCtxPtr ctx;
};

OcspSigner::OcspSigner(Certificate cert, PrivateKey key, bool delegated)
    : cert_(std::move(cert)), key_(std::move(key)), delegated_(delegated) {
    auto digest = signing_digest(key_);
    auto tmpl = std::make_shared<SignTemplate>();
    tmpl->ctx.reset(EVP_MD_CTX_new());
    EvpMdCtxPtr probe(EVP_MD_CTX_new());
    // Keep the template only if this key's contexts can be copied (pure EdDSA may not).
    if (digest && tmpl->ctx && probe &&
        EVP_DigestSignInit(tmpl->ctx.get(), nullptr, *digest, nullptr, key_.handle().get()) == 1 &&
        EVP_MD_CTX_copy_ex(probe.get(), tmpl->ctx.get()) == 1) {
        template_ = std::move(tmpl);
    }
    discard_openssl_errors();
}

Result<OcspSigner> OcspSigner::create(const Certificate& issuer, const Certificate& signer_cert,
                                      const PrivateKey& key) {
    const std::string who = "OCSP signer " + signer_cert.subject();
    if (!key.matches(signer_cert)) {
        return fail(ErrorCode::config, who + ": private key does not match the certificate");
    }
    if (auto digest = signing_digest(key); !digest) {
        return tl::unexpected(digest.error().with_context(who));
    }
    if (same_identity(issuer, signer_cert)) {
        return OcspSigner(signer_cert, key, false);
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
    return OcspSigner(signer_cert, key, true);
}

Result<Bytes> OcspSigner::sign(std::span<const SingleStatus> statuses, const ResponseExtras& extras,
                               UnixSeconds produced_at) const {
    auto digest = signing_digest(key_);
    if (!digest) {
        return tl::unexpected(digest.error());
    }
    OcspBasicRespPtr bs(OCSP_BASICRESP_new());
    if (!bs) {
        return crypto_fail("OCSP BasicOCSPResponse");
    }
    for (const SingleStatus& status : statuses) {
        if (auto added = add_single(bs.get(), status); !added) {
            return tl::unexpected(added.error());
        }
    }
    if (auto added = add_response_extensions(bs.get(), extras); !added) {
        return tl::unexpected(added.error());
    }
    // producedAt lies inside the signed tbsResponseData, so it is set before signing and
    // OCSP_NOTIME keeps OCSP_basic_sign_ctx from overwriting it with the current time. The
    // accessor is const only by API shape: the object is ours and not yet encoded.
    auto* produced = const_cast<ASN1_GENERALIZEDTIME*>(OCSP_resp_get0_produced_at(bs.get()));
    if (produced == nullptr ||
        ASN1_GENERALIZEDTIME_set(produced, static_cast<time_t>(produced_at)) == nullptr) {
        return crypto_fail("OCSP producedAt");
    }
    // A context per call, copied from the template when there is one; the template and the
    // shared EVP_PKEY are only read.
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    const bool ready =
        ctx && (template_ ? EVP_MD_CTX_copy_ex(ctx.get(), template_->ctx.get()) == 1
                          : EVP_DigestSignInit(ctx.get(), nullptr, *digest, nullptr,
                                               key_.handle().get()) == 1);
    if (!ready) {
        return crypto_fail("OCSP signing context");
    }
    unsigned long flags = OCSP_RESPID_KEY | OCSP_NOTIME | (delegated_ ? 0 : OCSP_NOCERTS);
    if (OCSP_basic_sign_ctx(bs.get(), cert_.handle().get(), ctx.get(), nullptr, flags) != 1) {
        return crypto_fail("OCSP signing");
    }
    return encode_successful(bs.get());
}

}  // namespace tanda::pki
