// Test CA builder: a CA, an optional delegated OCSP signer and leaves, made with pki's factory.
// Header-only; a test target using it links tanda_pki.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "core/clock.hpp"
#include "pki/certificate_factory.hpp"

namespace tanda::test {

// Unwraps a Result or throws, so a failed setup step fails the test with its message.
template <typename T>
T must(Result<T> result) {
    if (!result) {
        throw std::runtime_error(std::string(to_string(result.error().code)) + ": " +
                                 result.error().message);
    }
    return std::move(*result);
}
inline void must(Result<void> result) {
    if (!result) {
        throw std::runtime_error(std::string(to_string(result.error().code)) + ": " +
                                 result.error().message);
    }
}

struct IssuedCert {
    pki::PrivateKey key;
    pki::Certificate cert;
};

class TestCa {
public:
    explicit TestCa(pki::KeyType type = pki::KeyType::ec_p256,
                    std::string subject = "CN=Test CA,O=Tanda Test,C=ID")
        : type_(type), ca_(make(type, subject, pki::Profile::ca, nullptr)) {}
    // An intermediate: a CA whose certificate `parent` issued.
    TestCa(TestCa& parent, pki::KeyType type, const std::string& subject)
        : type_(type), ca_(parent.issue(subject, pki::Profile::ca, type)) {}

    const pki::Certificate& cert() const { return ca_.cert; }
    const pki::PrivateKey& key() const { return ca_.key; }

    // A certificate issued by this CA; the key type defaults to the CA's.
    IssuedCert issue(const std::string& subject, pki::Profile profile = pki::Profile::leaf,
                     std::optional<pki::KeyType> type = std::nullopt) {
        return make(type.value_or(type_), subject, profile, &ca_);
    }
    IssuedCert ocsp_signer(std::optional<pki::KeyType> type = std::nullopt) {
        return issue("CN=Test OCSP Signer,O=Tanda Test,C=ID", pki::Profile::ocsp_signer, type);
    }

private:
    IssuedCert make(pki::KeyType type, const std::string& subject, pki::Profile profile,
                    const IssuedCert* issuer) {
        UnixSeconds now = SystemClock().now();
        pki::PrivateKey key = must(pki::generate_key(type));
        pki::CertificateSpec spec;
        spec.subject = subject;
        spec.serial = *Serial::from_hex(next_serial_hex());
        spec.not_before = now - 3600;
        spec.not_after = now + 30 * 86400;
        spec.profile = profile;
        spec.ocsp_url = "http://127.0.0.1/ocsp";
        pki::Certificate cert =
            must(pki::issue_certificate(spec, key, issuer != nullptr ? &issuer->cert : nullptr,
                                        issuer != nullptr ? issuer->key : key));
        return IssuedCert{std::move(key), std::move(cert)};
    }
    std::string next_serial_hex() { return "7A" + std::to_string(1000 + serial_++); }

    pki::KeyType type_;
    int serial_ = 0;
    IssuedCert ca_;
};

}  // namespace tanda::test
