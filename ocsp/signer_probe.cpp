#include "ocsp/signer_probe.hpp"

#include "core/serial.hpp"
#include "pki/cert_id.hpp"

namespace tanda::ocsp {

Result<void> probe_ocsp_signer(const ca::ServedCa& ca, UnixSeconds now) {
    const Bytes id =
        pki::encode_cert_id(pki::HashAlgorithm::sha256, ca.issuer, *Serial::from_hex("01"));
    pki::SingleStatus probe;
    probe.cert_id_der = id;  // a view: `id` outlives the signature
    probe.this_update = now;
    auto der = ca.signer.sign({&probe, 1}, {}, now);
    if (!der) return tl::unexpected(der.error());
    return {};
}

Result<void> probe_token_keys(const ca::ServedCa& ca, UnixSeconds now) {
    if (ca.signer.key_on_token()) {
        if (auto ok = probe_ocsp_signer(ca, now); !ok) {
            return tl::unexpected(ok.error().with_context("signer_key"));
        }
    }
    if (ca.crl_signer && ca.crl_signer->key().on_token()) {
        if (auto ok = ca.crl_signer->probe(); !ok) {
            return tl::unexpected(ok.error().with_context("crl.signing_key"));
        }
    }
    return {};
}

}  // namespace tanda::ocsp
