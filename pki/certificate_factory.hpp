// Creates keys and certificates with OpenSSL's API, for `tanda demo` and the tests' CAs.
// Not for production issuance: profiles are fixed and minimal.
#pragma once

#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/serial.hpp"
#include "pki/certificate.hpp"

namespace tanda::pki {

enum class KeyType { ec_p256, ec_p384, rsa2048, rsa3072, ed25519 };

[[nodiscard]] Result<PrivateKey> generate_key(KeyType type);

enum class Profile {
    ca,           // basicConstraints critical cA=TRUE, keyUsage keyCertSign+cRLSign
    ocsp_signer,  // EKU OCSPSigning, keyUsage digitalSignature, id-pkix-ocsp-nocheck
    leaf,         // keyUsage digitalSignature, EKU clientAuth+emailProtection
    tls_server,   // EKU serverAuth, SAN localhost/127.0.0.1/::1 (loopback admin listener)
};

struct CertificateSpec {
    // RFC 2253-ish "CN=Demo CA,O=Tanda Demo,C=ID": comma separated, "\," escapes a comma;
    // keys CN, O, OU, C, L, ST, emailAddress. As in RFC 2253 the first attribute is the most
    // specific (last in the DER Name), so Certificate::subject() prints this string back.
    std::string subject;
    Serial serial;
    UnixSeconds not_before = 0;
    UnixSeconds not_after = 0;
    Profile profile = Profile::leaf;
    std::string ocsp_url;  // Authority Information Access OCSP URL; empty omits it
};

// Signs a certificate for `subject_key`'s public key with `issuer_key`; `issuer` null means
// self-signed (issuer name = subject). SHA-256 for RSA/ECDSA, pure Ed25519. SKI and AKI set.
[[nodiscard]] Result<Certificate> issue_certificate(const CertificateSpec& spec,
                                                    const PrivateKey& subject_key,
                                                    const Certificate* issuer,
                                                    const PrivateKey& issuer_key);

}  // namespace tanda::pki
