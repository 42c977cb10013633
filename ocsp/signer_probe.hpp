// A throwaway signature with each of a CA's keys, to learn whether they sign: a key on a
// PKCS#11 token stops signing while its HSM is out of reach. Nothing signed is kept.
#pragma once

#include "ca/ca_registry.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace tanda::ocsp {

// An OCSP answer for serial 01 signed with `ca`'s OCSP signer; the signing error otherwise.
[[nodiscard]] Result<void> probe_ocsp_signer(const ca::ServedCa& ca, UnixSeconds now);

// The OCSP signer's probe, then a signature with the CRL key when it is on a token (a key file
// cannot stop signing). Errors name the key setting that failed.
[[nodiscard]] Result<void> probe_token_keys(const ca::ServedCa& ca, UnixSeconds now);

}  // namespace tanda::ocsp
