// The CRL number options of `tanda import`: the last CRL number a migrating CA used, so that
// Tanda's CRLs continue above it (RFC 5280 5.2.3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <tl/expected.hpp>

#include "cli/args.hpp"
#include "pki/certificate.hpp"

namespace tanda::cli {

// The largest last-used number that --crl-number N, --crlnumber-file FILE (OpenSSL's, which
// holds the next number: one is subtracted) and --last-crl FILE (a CRL `issuer` signed) give;
// nullopt when none is given. The error names the option and says what is wrong.
tl::expected<std::optional<std::uint64_t>, std::string> last_crl_number(
    const Args& args, const pki::Certificate& issuer);

}  // namespace tanda::cli
