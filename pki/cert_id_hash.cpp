// CertID hashing (RFC 6960 4.1.1): issuerNameHash over the issuer's subject Name DER,
// issuerKeyHash over the value of its subjectPublicKey BIT STRING (no tag, length or
// unused-bits octet), computed with the digest the CertID names.
#include "pki/cert_id_hash.hpp"

#include <openssl/obj_mac.h>
#include <openssl/x509.h>

#include "pki/openssl_handles.hpp"

namespace tanda::pki {

std::string_view hash_name(HashAlgorithm alg) noexcept {
    switch (alg) {
        case HashAlgorithm::sha1:
            return "sha1";
        case HashAlgorithm::sha256:
            return "sha256";
        case HashAlgorithm::sha384:
            return "sha384";
        case HashAlgorithm::sha512:
            return "sha512";
    }
    return "unknown";
}

const EVP_MD* evp_md(HashAlgorithm alg) noexcept {
    switch (alg) {
        case HashAlgorithm::sha1:
            return EVP_sha1();
        case HashAlgorithm::sha256:
            return EVP_sha256();
        case HashAlgorithm::sha384:
            return EVP_sha384();
        case HashAlgorithm::sha512:
            return EVP_sha512();
    }
    return nullptr;
}

std::optional<HashAlgorithm> hash_from_nid(int nid) noexcept {
    switch (nid) {
        case NID_sha1:
            return HashAlgorithm::sha1;
        case NID_sha256:
            return HashAlgorithm::sha256;
        case NID_sha384:
            return HashAlgorithm::sha384;
        case NID_sha512:
            return HashAlgorithm::sha512;
        default:
            return std::nullopt;
    }
}

Bytes digest(HashAlgorithm alg, ByteView data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    // Built-in digests over memory cannot fail short of allocation failure.
    if (EVP_Digest(data.data(), data.size(), md, &len, evp_md(alg), nullptr) != 1) {
        return {};
    }
    auto* begin = reinterpret_cast<const std::byte*>(md);
    return Bytes(begin, begin + len);
}

Bytes Certificate::name_hash(HashAlgorithm alg) const {
    const unsigned char* der = nullptr;
    std::size_t len = 0;
    if (X509_NAME_get0_der(X509_get_subject_name(handle_->get()), &der, &len) != 1) {
        return {};
    }
    return digest(alg, {reinterpret_cast<const std::byte*>(der), len});
}

Bytes Certificate::key_hash(HashAlgorithm alg) const {
    const ASN1_BIT_STRING* key = X509_get0_pubkey_bitstr(handle_->get());
    if (key == nullptr) {
        return {};
    }
    return digest(alg, {reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(key)),
                        static_cast<std::size_t>(ASN1_STRING_length(key))});
}

Bytes Certificate::spki_sha256() const {
    unsigned char* der = nullptr;
    int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(handle_->get()), &der);
    if (len <= 0) {
        return {};
    }
    Bytes out = digest(HashAlgorithm::sha256,
                       {reinterpret_cast<const std::byte*>(der), static_cast<std::size_t>(len)});
    OPENSSL_free(der);
    return out;
}

}  // namespace tanda::pki
