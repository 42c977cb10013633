// Signature digest policy for OCSP signers: match the digest strength to the key.
#include "pki/signing_digest.hpp"

#include <string>

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

}  // namespace tanda::pki
