// Test-only helpers that build OCSP requests with OpenSSL directly, as a client would.
#pragma once

#include <openssl/err.h>

#include <algorithm>
#include <stdexcept>

#include "core/bytes.hpp"
#include "pki/certificate.hpp"
#include "pki/openssl_handles.hpp"

namespace tanda::test {

inline Bytes i2d_bytes(int len, unsigned char* der) {
    if (len <= 0) {
        throw std::runtime_error("i2d failed");
    }
    auto* begin = reinterpret_cast<const std::byte*>(der);
    Bytes out(begin, begin + len);
    OPENSSL_free(der);
    return out;
}

inline pki::OcspCertIdPtr cert_id(const EVP_MD* md, const pki::Certificate& leaf,
                                  const pki::Certificate& issuer) {
    return pki::OcspCertIdPtr(OCSP_cert_to_id(md, leaf.handle().get(), issuer.handle().get()));
}

inline Bytes cert_id_der(OCSP_CERTID* id) {
    unsigned char* der = nullptr;
    int len = i2d_OCSP_CERTID(id, &der);
    return i2d_bytes(len, der);
}

class RequestBuilder {
public:
    RequestBuilder() : req_(OCSP_REQUEST_new()) {}
    RequestBuilder& add(pki::OcspCertIdPtr id) {
        if (!id || OCSP_request_add0_id(req_.get(), id.get()) == nullptr) {
            throw std::runtime_error("add0_id failed");
        }
        id.release();  // add0 succeeded
        return *this;
    }
    RequestBuilder& add(const EVP_MD* md, const pki::Certificate& leaf,
                        const pki::Certificate& issuer) {
        return add(cert_id(md, leaf, issuer));
    }
    RequestBuilder& nonce(ByteView value) {
        if (OCSP_request_add1_nonce(
                req_.get(),
                const_cast<unsigned char*>(reinterpret_cast<const unsigned char*>(value.data())),
                static_cast<int>(value.size())) != 1) {
            throw std::runtime_error("add1_nonce failed");
        }
        return *this;
    }
    // An id-pkix-ocsp-nonce extension whose extnValue is `raw` as is.
    RequestBuilder& raw_nonce_ext(ByteView raw) {
        return extension(NID_id_pkix_OCSP_Nonce, false, raw);
    }
    // A request extension `nid` whose extnValue is `raw` as is.
    RequestBuilder& extension(int nid, bool critical, ByteView raw) {
        pki::Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
        ASN1_OCTET_STRING_set(value.get(), reinterpret_cast<const unsigned char*>(raw.data()),
                              static_cast<int>(raw.size()));
        pki::X509ExtensionPtr ext(
            X509_EXTENSION_create_by_NID(nullptr, nid, critical ? 1 : 0, value.get()));
        if (!ext || OCSP_REQUEST_add_ext(req_.get(), ext.get(), -1) != 1) {
            throw std::runtime_error("add_ext failed");
        }
        return *this;
    }
    // Signs as `openssl ocsp -signer cert -signkey key` does: requestorName = the signer's
    // subject, the signer's certificate included.
    RequestBuilder& sign(const pki::Certificate& cert, const pki::PrivateKey& key) {
        if (OCSP_request_sign(req_.get(), cert.handle().get(), key.handle().get(), EVP_sha256(),
                              nullptr, 0) != 1) {
            throw std::runtime_error("OCSP_request_sign failed");
        }
        return *this;
    }
    OCSP_REQUEST* get() const { return req_.get(); }
    Bytes der() const {
        unsigned char* der = nullptr;
        int len = i2d_OCSP_REQUEST(req_.get(), &der);
        return i2d_bytes(len, der);
    }

private:
    pki::OcspRequestPtr req_;
};

// `der` with the last byte of `part` (found in it) flipped: after signing, a signature that no
// longer verifies (OpenSSL refuses to sign with a key that does not match the certificate).
inline Bytes tampered(Bytes der, ByteView part) {
    auto at = std::search(der.begin(), der.end(), part.begin(), part.end());
    if (at == der.end()) throw std::runtime_error("part not found");
    at[static_cast<std::ptrdiff_t>(part.size()) - 1] ^= std::byte{1};
    return der;
}

}  // namespace tanda::test
