// Signature digest policy for OCSP signers: match the digest strength to the key.
#include "pki/signing_digest.hpp"

#include <string>

#include <openssl/rsa.h>

#include "pki/openssl_error.hpp"
#include "pki/openssl_handles.hpp"

namespace tanda::pki {
namespace {

constexpr int kMinRsaBits = 2048;

Result<const EVP_MD*> ec_digest(EVP_PKEY* pkey) {
    char group[80] = {};
    if (EVP_PKEY_get_group_name(pkey, group, sizeof group, nullptr) != 1) {
        return crypto_fail("EC key without a named curve");
    }
    switch (OBJ_sn2nid(group)) {
        case NID_X9_62_prime256v1:
            return EVP_sha256();
        case NID_secp384r1:
            return EVP_sha384();
        case NID_secp521r1:
            return EVP_sha512();
        default:
            return fail(ErrorCode::config, std::string("EC curve ") + group +
                                               " is not supported (P-256, P-384, P-521)");
    }
}

}  // namespace

Result<const EVP_MD*> signing_digest(const PrivateKey& key) {
    EVP_PKEY* pkey = key.handle().get();
    switch (EVP_PKEY_get_base_id(pkey)) {
        case EVP_PKEY_RSA:
        case EVP_PKEY_RSA_PSS:
            if (EVP_PKEY_get_bits(pkey) < kMinRsaBits) {
                return fail(ErrorCode::config, key.algorithm() + " is too weak: RSA keys need " +
                                                   std::to_string(kMinRsaBits) + " bits or more");
            }
            return EVP_sha256();
        case EVP_PKEY_EC:
            return ec_digest(pkey);
        case EVP_PKEY_ED25519:
        case EVP_PKEY_ED448:
            return static_cast<const EVP_MD*>(nullptr);
        default:
            return fail(ErrorCode::config, "key type " + key.algorithm() + " cannot sign OCSP");
    }
}

namespace {
constexpr std::byte b(unsigned v) { return std::byte(static_cast<unsigned char>(v)); }
}  // namespace

Result<Bytes> signature_algorithm_der(const PrivateKey& key) {
    auto md = signing_digest(key);
    if (!md) return tl::unexpected(md.error());
    const int id = EVP_PKEY_get_base_id(key.handle().get());
    auto digest_arc = [&]() -> unsigned {
        if (*md == EVP_sha384()) return 3;
        if (*md == EVP_sha512()) return 4;
        return 2;
    };
    if (key.signs_with_pss()) {
        // RFC 4055 3.1: id-RSASSA-PSS with explicit parameters: hashAlgorithm sha256 and
        // maskGenAlgorithm mgf1SHA256 (each with NULL parameters, 2.1), saltLength 32.
        return Bytes{b(0x30), b(0x41), b(0x06), b(0x09), b(0x2a), b(0x86), b(0x48), b(0x86),
                     b(0xf7), b(0x0d), b(0x01), b(0x01), b(0x0a), b(0x30), b(0x34), b(0xa0),
                     b(0x0f), b(0x30), b(0x0d), b(0x06), b(0x09), b(0x60), b(0x86), b(0x48),
                     b(0x01), b(0x65), b(0x03), b(0x04), b(0x02), b(0x01), b(0x05), b(0x00),
                     b(0xa1), b(0x1c), b(0x30), b(0x1a), b(0x06), b(0x09), b(0x2a), b(0x86),
                     b(0x48), b(0x86), b(0xf7), b(0x0d), b(0x01), b(0x01), b(0x08), b(0x30),
                     b(0x0d), b(0x06), b(0x09), b(0x60), b(0x86), b(0x48), b(0x01), b(0x65),
                     b(0x03), b(0x04), b(0x02), b(0x01), b(0x05), b(0x00), b(0xa2), b(0x03),
                     b(0x02), b(0x01), b(0x20)};
    }
    switch (id) {
        case EVP_PKEY_EC:  // ecdsa-with-SHA2 (RFC 5758 3.2): no parameters
            return Bytes{b(0x30), b(0x0a), b(0x06), b(0x08), b(0x2a), b(0x86), b(0x48),
                         b(0xce), b(0x3d), b(0x04), b(0x03), b(digest_arc())};
        case EVP_PKEY_RSA:  // sha{256,384,512}WithRSAEncryption (RFC 4055 5): NULL parameters
            return Bytes{b(0x30), b(0x0d), b(0x06), b(0x09), b(0x2a), b(0x86), b(0x48), b(0x86),
                         b(0xf7), b(0x0d), b(0x01), b(0x01), b(9 + digest_arc()), b(0x05),
                         b(0x00)};
        case EVP_PKEY_ED25519:  // RFC 8410 3: no parameters
            return Bytes{b(0x30), b(0x05), b(0x06), b(0x03), b(0x2b), b(0x65), b(0x70)};
        case EVP_PKEY_ED448:
            return Bytes{b(0x30), b(0x05), b(0x06), b(0x03), b(0x2b), b(0x65), b(0x71)};
        default:
            return fail(ErrorCode::config, "OCSP signing key " + key.algorithm() +
                                               " has no supported signature algorithm");
    }
}

bool set_signature_padding(EVP_PKEY_CTX* ctx, bool pss) {
    if (!pss) return true;
    return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, 32) == 1;
}

}  // namespace tanda::pki
