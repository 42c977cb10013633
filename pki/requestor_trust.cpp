// Request signatures are checked by OCSP_request_verify(): the signature with the signer's key,
// then (unless no trust is configured) the signer's chain against the bundle's store.
#include "pki/requestor_trust.hpp"

#include "pki/certificate.hpp"
#include "pki/openssl_error.hpp"
#include "pki/openssl_handles.hpp"

namespace tanda::pki {

struct RequestorTrust::Store {
    X509StorePtr store;  // never null; X509_STORE is safe to verify against from many threads
};

Result<RequestorTrust> RequestorTrust::load_file(const std::string& path) {
    auto certs = Certificate::load_all(path);
    if (!certs) return tl::unexpected(certs.error());
    if (certs->empty()) return fail(ErrorCode::invalid_argument, path + ": no certificates");
    auto store = std::make_shared<Store>();
    store->store.reset(X509_STORE_new());
    if (!store->store) return crypto_fail("X509_STORE_new");
    // A requestor's own certificate in the bundle is trusted as it is, without its CA.
    X509_STORE_set_flags(store->store.get(), X509_V_FLAG_PARTIAL_CHAIN);
    for (const auto& cert : *certs) {
        if (X509_STORE_add_cert(store->store.get(), cert.handle().get()) != 1) {
            return crypto_fail(path + ": X509_STORE_add_cert");
        }
    }
    return RequestorTrust(std::move(store));
}

bool verify_request_signature(ByteView der, const RequestorTrust* trust) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    OcspRequestPtr req(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(der.size())));
    bool ok = false;
    if (req && OCSP_request_is_signed(req.get()) == 1) {
        // Without a bundle only the signature is checked, with the certificate the client sent
        // (OCSP_NOVERIFY skips its chain): proof of that key, not of who holds it.
        X509_STORE* store = trust ? trust->store().store.get() : nullptr;
        ok = OCSP_request_verify(req.get(), nullptr, store, trust ? 0 : OCSP_NOVERIFY) == 1;
    }
    discard_openssl_errors();
    return ok;
}

}  // namespace tanda::pki
