// X.509 certificates and private keys as immutable values; the OpenSSL objects stay inside pki/.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/serial.hpp"
#include "pki/atomic_file.hpp"  // write_file_atomic

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace tanda::pki {

// CertID hash algorithms of RFC 6960 4.1.1 that Tanda accepts.
enum class HashAlgorithm { sha1, sha256, sha384, sha512 };
inline constexpr HashAlgorithm kAllHashAlgorithms[] = {
    HashAlgorithm::sha1, HashAlgorithm::sha256, HashAlgorithm::sha384, HashAlgorithm::sha512};
// OpenSSL's lower-case digest name: "sha1", "sha256", "sha384", "sha512".
std::string_view hash_name(HashAlgorithm alg) noexcept;

struct CertificateHandle;  // the X509 inside; defined in pki/openssl_handles.hpp
struct KeyHandle;          // the EVP_PKEY inside

// Copies share the immutable OpenSSL object; safe to use from several threads.
class Certificate {
public:
    // PEM (first certificate in the file) or DER. ErrorCode::not_found / crypto.
    [[nodiscard]] static Result<Certificate> load_file(const std::string& path);
    // Every certificate of a PEM file (or the one of a DER file).
    [[nodiscard]] static Result<std::vector<Certificate>> load_all(const std::string& path);
    [[nodiscard]] static Result<Certificate> from_der(ByteView der);
    // Every certificate of PEM text (one or more blocks), or the one of DER bytes.
    [[nodiscard]] static Result<std::vector<Certificate>> parse_all(ByteView data);

    Serial serial() const;
    // RFC 2253 text, most specific RDN first, e.g. "CN=Leaf,O=Demo,C=ID".
    std::string subject() const;
    std::string issuer() const;
    UnixSeconds not_before() const;
    UnixSeconds not_after() const;
    Bytes der() const;
    std::string pem() const;
    bool is_ca() const;              // basicConstraints cA=TRUE
    bool has_ocsp_signing() const;   // extendedKeyUsage contains id-kp-OCSPSigning
    bool is_self_signed() const;
    // Subject of `issuer` matches our issuer name and `issuer`'s key verifies our signature.
    bool issued_by(const Certificate& issuer) const;

    // RFC 6960 4.1.1: hash of the subject name DER and of the subjectPublicKey BIT STRING
    // value (as this certificate is the issuer in a CertID).
    Bytes name_hash(HashAlgorithm alg) const;
    Bytes key_hash(HashAlgorithm alg) const;
    // SHA-256 of the DER SubjectPublicKeyInfo: the issuer identity storage is keyed by.
    Bytes spki_sha256() const;

    const CertificateHandle& handle() const { return *handle_; }
    explicit Certificate(std::shared_ptr<const CertificateHandle> handle);

private:
    std::shared_ptr<const CertificateHandle> handle_;
};

class PrivateKey {
public:
    // PEM (PKCS#8 or traditional) or DER, unencrypted; or, when `path` starts with "pkcs11:",
    // the key an RFC 7512 URI names on a PKCS#11 token (pki/pkcs11_uri.hpp, pki/pkcs11_key.hpp).
    [[nodiscard]] static Result<PrivateKey> load_file(const std::string& path);
    bool matches(const Certificate& cert) const;  // the certificate's public key is ours
    std::string algorithm() const;                // "RSA-2048", "EC-P-256", "ED25519", ...
    // ECDSA P-256 and Ed25519 sign in 20-30 us here (`openssl speed`, OpenSSL 3.0); P-384
    // (0.6 ms), Ed448 (0.15 ms) and RSA-2048 (0.7 ms) are slower by an order of magnitude.
    bool signs_quickly() const;
    std::string pem() const;  // PKCS#8 PEM, for writing demo files; empty for a token key
    bool on_token() const;    // loaded from a PKCS#11 token
    // A token key that stopped signing: keys loaded on its module from now on open the module
    // afresh (new sessions, login and, for network HSM clients, connection); this key does
    // not change. False when the module is not open now, or for a key file.
    bool reopen_token() const;
    // RSASSA-PSS (SHA-256, MGF1-SHA-256, 32-byte salt; RFC 4055) instead of PKCS#1 v1.5: always
    // for an RSA-PSS key, and for an RSA key whose CA asks for it (with_pss).
    bool signs_with_pss() const { return pss_; }
    // This key signing with RSASSA-PSS; ErrorCode::config for a key that is not RSA.
    [[nodiscard]] Result<PrivateKey> with_pss() const;

    const KeyHandle& handle() const { return *handle_; }
    // The OpenSSL key, kept alive by the pointer: for TLS (http/), which takes an EVP_PKEY.
    std::shared_ptr<evp_pkey_st> openssl_key() const;
    explicit PrivateKey(std::shared_ptr<const KeyHandle> handle);

private:
    std::shared_ptr<const KeyHandle> handle_;
    bool pss_ = false;
};

}  // namespace tanda::pki
