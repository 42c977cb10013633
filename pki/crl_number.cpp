#include "pki/crl_number.hpp"

#include <openssl/pem.h>

#include "pki/openssl_error.hpp"
#include "pki/openssl_handles.hpp"

namespace tanda::pki {
namespace {

using X509CrlPtr = std::unique_ptr<X509_CRL, OpenSslDeleter<&X509_CRL_free>>;

X509CrlPtr decode(ByteView data) {
    BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (!bio) return nullptr;
    X509CrlPtr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
    if (crl) return crl;
    discard_openssl_errors();  // not PEM: "no start line" must not outlive the DER attempt
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    return X509CrlPtr(d2i_X509_CRL(nullptr, &p, static_cast<long>(data.size())));
}

}  // namespace

Result<Bytes> crl_der(ByteView data) {
    X509CrlPtr crl = decode(data);
    unsigned char* out = nullptr;
    const int n = crl ? i2d_X509_CRL(crl.get(), &out) : -1;
    if (n <= 0) {
        discard_openssl_errors();
        return fail(ErrorCode::invalid_argument, "not a CRL (PEM or DER)");
    }
    Bytes der(reinterpret_cast<const std::byte*>(out), reinterpret_cast<const std::byte*>(out) + n);
    OPENSSL_free(out);
    return der;
}

Result<std::uint64_t> read_crl_number(ByteView data, const Certificate& issuer) {
    auto bad = [](const std::string& why) {
        discard_openssl_errors();
        return fail(ErrorCode::invalid_argument, why);
    };
    X509CrlPtr crl = decode(data);
    if (!crl) return bad("not a CRL (PEM or DER)");
    X509* ca = issuer.handle().get();
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(ca)) != 0) {
        return bad("the CRL names another issuer than the CA certificate");
    }
    if (X509_CRL_verify(crl.get(), X509_get0_pubkey(ca)) != 1) {
        return bad("the CRL's signature does not verify with the CA's key");
    }
    Asn1IntegerPtr number(static_cast<ASN1_INTEGER*>(
        X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, nullptr, nullptr)));
    if (!number) return bad("the CRL has no cRLNumber");
    std::uint64_t value = 0;
    if (ASN1_INTEGER_get_uint64(&value, number.get()) != 1) {
        return bad("the CRL number is negative or above 2^64-1");
    }
    return value;
}

}  // namespace tanda::pki
