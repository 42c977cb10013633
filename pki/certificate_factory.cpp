// Key generation and certificate issuance for `tanda demo` and test CAs (fixed profiles).
#include "pki/certificate_factory.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "pki/openssl_error.hpp"
#include "pki/openssl_handles.hpp"

namespace tanda::pki {
namespace {

struct Attribute {
    std::string key;
    std::string value;
};

constexpr std::array<std::string_view, 7> kAttributes = {"CN", "O",  "OU",          "C",
                                                         "L",  "ST", "emailAddress"};

std::string trim(std::string_view s) {
    auto first = s.find_first_not_of(' ');
    auto last = s.find_last_not_of(' ');
    return first == std::string_view::npos ? std::string()
                                           : std::string(s.substr(first, last - first + 1));
}

// "CN=Demo CA,O=Tanda Demo,C=ID": comma separated, a backslash escapes the next character.
Result<std::vector<Attribute>> split_subject(std::string_view text) {
    std::vector<std::string> parts(1);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            parts.back() += text[++i];
        } else if (text[i] == ',') {
            parts.emplace_back();
        } else {
            parts.back() += text[i];
        }
    }
    std::vector<Attribute> attributes;
    for (const std::string& part : parts) {
        auto eq = part.find('=');
        Attribute attr{eq == std::string::npos ? "" : trim(part.substr(0, eq)),
                       eq == std::string::npos ? "" : trim(part.substr(eq + 1))};
        bool known =
            std::find(kAttributes.begin(), kAttributes.end(), attr.key) != kAttributes.end();
        if (!known || attr.value.empty()) {
            return fail(ErrorCode::invalid_argument,
                        "subject \"" + std::string(text) + "\": bad attribute \"" + part +
                            "\" (expected KEY=value with KEY one of CN,O,OU,C,L,ST,emailAddress)");
        }
        attributes.push_back(std::move(attr));
    }
    return attributes;
}

// RFC 4514/2253 strings list the most specific RDN first, the DER Name the reverse, so that
// Certificate::subject() prints back the string given here.
Result<X509NamePtr> parse_subject(std::string_view text) {
    auto attributes = split_subject(text);
    if (!attributes) {
        return tl::unexpected(attributes.error());
    }
    X509NamePtr name(X509_NAME_new());
    if (!name) {
        return crypto_fail("X509_NAME");
    }
    for (auto it = attributes->rbegin(); it != attributes->rend(); ++it) {
        const auto* value = reinterpret_cast<const unsigned char*>(it->value.c_str());
        if (X509_NAME_add_entry_by_txt(name.get(), it->key.c_str(), MBSTRING_UTF8, value, -1, -1,
                                       0) != 1) {
            return crypto_fail("subject attribute " + it->key + "=" + it->value);
        }
    }
    return name;
}

Result<void> set_serial(X509* x, const Serial& serial) {
    ByteView bytes = serial.bytes();
    BignumPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                           static_cast<int>(bytes.size()), nullptr));
    Asn1IntegerPtr asn1(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
    if (!asn1 || X509_set_serialNumber(x, asn1.get()) != 1) {  // set copies
        return crypto_fail("certificate serial");
    }
    return {};
}

Result<void> add_conf_ext(X509* x, X509V3_CTX* ctx, int nid, const char* value) {
    X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
    if (!ext || X509_add_ext(x, ext.get(), -1) != 1) {  // add_ext copies
        return crypto_fail(std::string("certificate extension ") + OBJ_nid2sn(nid));
    }
    return {};
}

Result<void> add_ocsp_url(X509* x, const std::string& url) {
    AuthorityInfoAccessPtr aia(AUTHORITY_INFO_ACCESS_new());
    AccessDescriptionPtr ad(ACCESS_DESCRIPTION_new());
    if (!aia || !ad) {
        return crypto_fail("authorityInfoAccess");
    }
    ASN1_OBJECT_free(ad->method);
    ad->method = OBJ_nid2obj(NID_ad_OCSP);  // static object, nothing to free
    ASN1_IA5STRING* uri = ASN1_IA5STRING_new();
    if (uri == nullptr || ASN1_STRING_set(uri, url.data(), static_cast<int>(url.size())) != 1) {
        ASN1_IA5STRING_free(uri);
        return crypto_fail("authorityInfoAccess URI");
    }
    GENERAL_NAME_set0_value(ad->location, GEN_URI, uri);  // location owns uri from here
    if (sk_ACCESS_DESCRIPTION_push(aia.get(), ad.get()) <= 0) {
        return crypto_fail("authorityInfoAccess");
    }
    ad.release();  // add0 succeeded: the stack owns it
    if (X509_add1_ext_i2d(x, NID_info_access, aia.get(), 0, X509V3_ADD_DEFAULT) != 1) {
        return crypto_fail("authorityInfoAccess");
    }
    return {};
}

struct ProfileExtension {
    int nid;
    const char* value;
};

std::vector<ProfileExtension> profile_extensions(Profile profile) {
    switch (profile) {
        case Profile::ca:
            return {{NID_basic_constraints, "critical,CA:TRUE"},
                    {NID_key_usage, "critical,keyCertSign,cRLSign"}};
        case Profile::ocsp_signer:
            return {{NID_key_usage, "critical,digitalSignature"},
                    {NID_ext_key_usage, "OCSPSigning"},
                    {NID_id_pkix_OCSP_noCheck, "ignored"}};
        case Profile::leaf:
            return {{NID_key_usage, "critical,digitalSignature"},
                    {NID_ext_key_usage, "clientAuth,emailProtection"}};
        case Profile::tls_server:
            return {{NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                    {NID_ext_key_usage, "serverAuth"},
                    {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"}};
    }
    return {};
}

Result<void> add_extensions(X509* x, X509* issuer, EVP_PKEY* issuer_key,
                            const CertificateSpec& spec) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : x, x, nullptr, nullptr, 0);
    if (X509V3_set_issuer_pkey(&ctx, issuer_key) != 1) {
        return crypto_fail("certificate issuer key");
    }
    std::vector<ProfileExtension> extensions = profile_extensions(spec.profile);
    // SKI goes in before AKI: a self-signed certificate's AKI repeats its own SKI.
    extensions.push_back({NID_subject_key_identifier, "hash"});
    extensions.push_back({NID_authority_key_identifier, "keyid:always"});
    for (const ProfileExtension& ext : extensions) {
        if (auto added = add_conf_ext(x, &ctx, ext.nid, ext.value); !added) {
            return added;
        }
    }
    return spec.ocsp_url.empty() ? Result<void>{} : add_ocsp_url(x, spec.ocsp_url);
}

Result<void> set_validity(X509* x, const CertificateSpec& spec) {
    if (ASN1_TIME_set(X509_getm_notBefore(x), static_cast<time_t>(spec.not_before)) == nullptr ||
        ASN1_TIME_set(X509_getm_notAfter(x), static_cast<time_t>(spec.not_after)) == nullptr) {
        return crypto_fail("certificate validity");
    }
    return {};
}

const EVP_MD* certificate_digest(EVP_PKEY* key) {
    int id = EVP_PKEY_get_base_id(key);
    return id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448 ? nullptr : EVP_sha256();
}

}  // namespace

Result<PrivateKey> generate_key(KeyType type) {
    EvpPkeyPtr pkey;
    switch (type) {
        case KeyType::ec_p256:
            pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
            break;
        case KeyType::ec_p384:
            pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
            break;
        case KeyType::rsa2048:
            pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048}));
            break;
        case KeyType::rsa3072:
            pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{3072}));
            break;
        case KeyType::ed25519:
            pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
            break;
    }
    if (!pkey) {
        return crypto_fail("key generation");
    }
    auto handle = std::make_shared<KeyHandle>();
    handle->pkey = std::move(pkey);
    return PrivateKey(std::move(handle));
}

Result<Certificate> issue_certificate(const CertificateSpec& spec, const PrivateKey& subject_key,
                                      const Certificate* issuer, const PrivateKey& issuer_key) {
    if (issuer != nullptr && !issuer_key.matches(*issuer)) {
        return fail(ErrorCode::invalid_argument, "issuer key does not match " + issuer->subject());
    }
    auto name = parse_subject(spec.subject);
    if (!name) {
        return tl::unexpected(name.error());
    }
    X509Ptr x(X509_new());
    X509* issuer_x509 = issuer != nullptr ? issuer->handle().get() : nullptr;
    const X509_NAME* issuer_name =
        issuer_x509 != nullptr ? X509_get_subject_name(issuer_x509) : name->get();
    if (!x || X509_set_version(x.get(), X509_VERSION_3) != 1 ||
        X509_set_subject_name(x.get(), name->get()) != 1 ||
        X509_set_issuer_name(x.get(), issuer_name) != 1 ||
        X509_set_pubkey(x.get(), subject_key.handle().get()) != 1) {
        return crypto_fail("certificate " + spec.subject);
    }
    Result<void> step = set_serial(x.get(), spec.serial);
    if (step) {
        step = set_validity(x.get(), spec);
    }
    if (step) {
        step = add_extensions(x.get(), issuer_x509, issuer_key.handle().get(), spec);
    }
    if (!step) {
        return tl::unexpected(step.error().with_context("certificate " + spec.subject));
    }
    EVP_PKEY* signing_key = issuer_key.handle().get();
    if (X509_sign(x.get(), signing_key, certificate_digest(signing_key)) <= 0) {
        return crypto_fail("signing certificate " + spec.subject);
    }
    auto handle = std::make_shared<CertificateHandle>();
    handle->x509 = std::move(x);
    return Certificate(std::move(handle));
}

}  // namespace tanda::pki
