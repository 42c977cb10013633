#include "pki/cms_signed_data.hpp"

// pem.h first: cms.h declares PEM_read_bio_CMS only when it sees pem.h's macros.
// clang-format off
#include <openssl/pem.h>
#include <openssl/cms.h>
// clang-format on

#include "pki/openssl_error.hpp"
#include "pki/openssl_handles.hpp"

namespace tanda::pki {
namespace {

using CmsPtr = std::unique_ptr<CMS_ContentInfo, OpenSslDeleter<&CMS_ContentInfo_free>>;

struct X509StackFree {
    void operator()(STACK_OF(X509) * s) const noexcept { sk_X509_free(s); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;

BioPtr memory_bio(ByteView data) {
    return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

bool is_pem(ByteView data) {
    constexpr std::string_view kBegin = "-----BEGIN";
    std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
    return text.starts_with(kBegin);
}

CmsPtr read_cms(ByteView data) {
    BioPtr in = memory_bio(data);
    if (!in) return nullptr;
    if (is_pem(data)) return CmsPtr(PEM_read_bio_CMS(in.get(), nullptr, nullptr, nullptr));
    return CmsPtr(d2i_CMS_bio(in.get(), nullptr));
}

}  // namespace

Result<Bytes> cms_sign(std::string_view content, const Certificate& signer, const PrivateKey& key) {
    BioPtr in(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
    if (!in) return crypto_fail("CMS content");
    CmsPtr cms(CMS_sign(signer.handle().get(), key.handle().get(), nullptr, in.get(),
                        CMS_BINARY | CMS_NOSMIMECAP));
    if (!cms) return crypto_fail("CMS_sign");
    unsigned char* der = nullptr;
    const int len = i2d_CMS_ContentInfo(cms.get(), &der);
    if (len <= 0) return crypto_fail("CMS encoding");
    Bytes out(reinterpret_cast<const std::byte*>(der),
              reinterpret_cast<const std::byte*>(der) + len);
    OPENSSL_free(der);
    return out;
}

Result<std::string> cms_verify(ByteView signed_data, const Certificate& signer) {
    CmsPtr cms = read_cms(signed_data);
    if (!cms || OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
        discard_openssl_errors();
        return fail(ErrorCode::invalid_argument, "not a CMS SignedData");
    }
    X509StackPtr certs(sk_X509_new_null());
    if (!certs || !sk_X509_push(certs.get(), signer.handle().get())) return crypto_fail("CMS");
    BioPtr out(BIO_new(BIO_s_mem()));
    if (!out) return crypto_fail("CMS output");
    // NOINTERN: the signer must be the pinned certificate; NOVERIFY: it is the trust anchor
    // itself, so there is no chain to build.
    const unsigned flags = CMS_BINARY | CMS_NOINTERN | CMS_NOVERIFY;
    if (CMS_verify(cms.get(), certs.get(), nullptr, nullptr, out.get(), flags) != 1) {
        return crypto_fail("the checkpoint's signature does not verify with the certificate");
    }
    char* data = nullptr;
    const long len = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace tanda::pki
