// Certificate and PrivateKey: immutable wrappers around a shared X509 / EVP_PKEY, plus the
// atomic file writer the demo and key tooling use.
#include "pki/certificate.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "pki/asn1_time.hpp"
#include "pki/openssl_error.hpp"
#include "pki/openssl_handles.hpp"
#include "pki/pkcs11_key.hpp"
#include "pki/secret_file.hpp"

namespace tanda::pki {
namespace {

Result<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        int err = errno;
        return fail(err == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                    path + ": " + std::strerror(err));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        return fail(ErrorCode::io, path + ": read failed");
    }
    return text.str();
}

bool looks_like_pem(std::string_view text) {
    return text.find("-----BEGIN ") != std::string_view::npos;
}

BioPtr memory_bio(std::string_view text) {
    return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

// Refuses encrypted keys instead of letting OpenSSL prompt on the terminal.
int no_password(char*, int, int, void*) { return -1; }

std::string name_text(const X509_NAME* name) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) {
        discard_openssl_errors();
        return {};
    }
    return bio_text(bio.get());
}

Certificate wrap(X509Ptr x509) {
    auto handle = std::make_shared<CertificateHandle>();
    handle->x509 = std::move(x509);
    return Certificate(std::move(handle));
}

Result<std::vector<Certificate>> pem_certificates(std::string_view text, bool first_only) {
    BioPtr bio = memory_bio(text);
    std::vector<Certificate> certs;
    while (!first_only || certs.empty()) {
        X509Ptr x509(PEM_read_bio_X509(bio.get(), nullptr, no_password, nullptr));
        if (!x509) {
            break;
        }
        certs.push_back(wrap(std::move(x509)));
    }
    if (certs.empty()) {
        return crypto_fail("no PEM certificate");
    }
    discard_openssl_errors();  // the end-of-input "no start line" of the last read
    return certs;
}

}  // namespace

Certificate::Certificate(std::shared_ptr<const CertificateHandle> handle)
    : handle_(std::move(handle)) {}

Result<Certificate> Certificate::from_der(ByteView der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    const unsigned char* end = p + der.size();
    X509Ptr x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!x509) {
        return crypto_fail("certificate DER");
    }
    if (p != end) {
        return fail(ErrorCode::crypto, "certificate DER: trailing bytes");
    }
    return wrap(std::move(x509));
}

Result<Certificate> Certificate::load_file(const std::string& path) {
    auto certs = load_all(path);
    if (!certs) {
        return tl::unexpected(certs.error());
    }
    return certs->front();
}

Result<std::vector<Certificate>> Certificate::load_all(const std::string& path) {
    auto text = read_file(path);
    if (!text) {
        return tl::unexpected(text.error());
    }
    auto certs = parse_all(as_bytes(*text));
    if (!certs) {
        return tl::unexpected(certs.error().with_context(path));
    }
    return certs;
}

Result<std::vector<Certificate>> Certificate::parse_all(ByteView data) {
    if (!looks_like_pem(as_chars(data))) {
        auto cert = from_der(data);
        if (!cert) {
            return tl::unexpected(cert.error());
        }
        return std::vector<Certificate>{*cert};
    }
    return pem_certificates(as_chars(data), false);
}

Serial Certificate::serial() const {
    const ASN1_INTEGER* serial = X509_get0_serialNumber(handle_->get());
    return Serial::from_magnitude(
        {reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(serial)),
         static_cast<std::size_t>(ASN1_STRING_length(serial))});
}

std::string Certificate::subject() const {
    return name_text(X509_get_subject_name(handle_->get()));
}

std::string Certificate::issuer() const { return name_text(X509_get_issuer_name(handle_->get())); }

UnixSeconds Certificate::not_before() const { return to_unix(X509_get0_notBefore(handle_->get())); }

UnixSeconds Certificate::not_after() const { return to_unix(X509_get0_notAfter(handle_->get())); }

Bytes Certificate::der() const {
    unsigned char* der = nullptr;
    int len = i2d_X509(handle_->get(), &der);
    if (len <= 0) {
        discard_openssl_errors();
        return {};
    }
    auto* begin = reinterpret_cast<const std::byte*>(der);
    Bytes out(begin, begin + len);
    OPENSSL_free(der);
    return out;
}

std::string Certificate::pem() const {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), handle_->get()) != 1) {
        discard_openssl_errors();
        return {};
    }
    return bio_text(bio.get());
}

bool Certificate::is_ca() const {
    return (X509_get_extension_flags(handle_->get()) & EXFLAG_CA) != 0;
}

bool Certificate::has_ocsp_signing() const {
    X509* x = handle_->get();
    return (X509_get_extension_flags(x) & EXFLAG_XKUSAGE) != 0 &&
           (X509_get_extended_key_usage(x) & XKU_OCSP_SIGN) != 0;
}

bool Certificate::is_self_signed() const { return issued_by(*this); }

bool Certificate::issued_by(const Certificate& issuer) const {
    X509* subject = handle_->get();
    X509* ca = issuer.handle_->get();
    bool ok = X509_check_issued(ca, subject) == X509_V_OK &&
              X509_verify(subject, X509_get0_pubkey(ca)) == 1;
    discard_openssl_errors();
    return ok;
}

PrivateKey::PrivateKey(std::shared_ptr<const KeyHandle> handle)
    : handle_(std::move(handle)), pss_(EVP_PKEY_get_base_id(handle_->get()) == EVP_PKEY_RSA_PSS) {}

Result<PrivateKey> PrivateKey::with_pss() const {
    const int id = EVP_PKEY_get_base_id(handle_->get());
    if (id != EVP_PKEY_RSA && id != EVP_PKEY_RSA_PSS) {
        return fail(ErrorCode::config, "RSASSA-PSS needs an RSA key, not " + algorithm());
    }
    PrivateKey key = *this;
    key.pss_ = true;
    return key;
}

Result<PrivateKey> PrivateKey::load_file(const std::string& path) {
    if (is_pkcs11_uri(path)) {
        auto uri = parse_pkcs11_uri(path);
        if (!uri) return tl::unexpected(uri.error());
        return load_pkcs11_key(*uri);
    }
    std::string text;
    Cleanse wipe(text);  // OpenSSL wipes its own decoding buffers; this is ours
    if (auto read = read_secret_file(path, text); !read) {
        return tl::unexpected(read.error());
    }
    EvpPkeyPtr pkey;
    if (looks_like_pem(text)) {
        BioPtr bio = memory_bio(text);
        pkey.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr));
    } else {
        const auto* p = reinterpret_cast<const unsigned char*>(text.data());
        pkey.reset(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(text.size())));
    }
    if (!pkey) {
        return crypto_fail(path + ": private key (unencrypted PEM or DER expected)");
    }
    auto handle = std::make_shared<KeyHandle>();
    handle->pkey = std::move(pkey);
    return PrivateKey(std::move(handle));
}

bool PrivateKey::matches(const Certificate& cert) const {
    bool ok = EVP_PKEY_eq(X509_get0_pubkey(cert.handle().get()), handle_->get()) == 1;
    discard_openssl_errors();
    return ok;
}

bool PrivateKey::signs_quickly() const {
    if (handle_->on_token) return false;  // a round trip to the token, however fast its curve
    // Only P-256 has OpenSSL 3.0's fast constant-time code; P-384 is generic.
    const std::string name = algorithm();
    return name == "EC-P-256" || name == "ED25519";
}

std::string PrivateKey::algorithm() const {
    EVP_PKEY* pkey = handle_->get();
    switch (EVP_PKEY_get_base_id(pkey)) {
        case EVP_PKEY_RSA:
        case EVP_PKEY_RSA_PSS:
            return "RSA-" + std::to_string(EVP_PKEY_get_bits(pkey));
        case EVP_PKEY_ED25519:
            return "ED25519";
        case EVP_PKEY_ED448:
            return "ED448";
        case EVP_PKEY_EC: {
            char group[80] = {};
            if (EVP_PKEY_get_group_name(pkey, group, sizeof group, nullptr) != 1) {
                discard_openssl_errors();
                return "EC";
            }
            const char* nist = EC_curve_nid2nist(OBJ_sn2nid(group));
            return std::string("EC-") + (nist != nullptr ? nist : group);
        }
        default: {
            const char* name = EVP_PKEY_get0_type_name(pkey);
            return name != nullptr ? name : "unknown";
        }
    }
}

bool PrivateKey::on_token() const { return handle_->on_token; }

bool PrivateKey::reopen_token() const { return reopen_pkcs11_module(*handle_); }

std::shared_ptr<evp_pkey_st> PrivateKey::openssl_key() const {
    return {handle_, handle_->get()};  // shares the handle's lifetime
}

std::string PrivateKey::pem() const {
    if (handle_->on_token) return {};  // never extractable
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), handle_->get(), nullptr, nullptr, 0,
                                              nullptr, nullptr) != 1) {
        discard_openssl_errors();
        return {};
    }
    return bio_text(bio.get());
}

}  // namespace tanda::pki
