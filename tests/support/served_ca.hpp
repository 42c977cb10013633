// Builds ca::ServedCa fixtures: a TestCa whose certificate and signer are written to a
// temp dir and loaded through ca::load_cas, as `tanda serve` does.
#pragma once

#include <functional>

#include "ca/ca_registry.hpp"
#include "pki/certificate.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_ca.hpp"

namespace tanda::test {

struct CaFixture {
    TestCa ca;
    std::optional<IssuedCert> signer;  // nullopt: the CA signs itself
    ca::CaOptions options;
};

inline void write_pem(const std::filesystem::path& path, const std::string& pem) {
    must(pki::write_file_atomic(path.string(), pem, 0600));
}

// Writes the CA (and a delegated signer when `delegated`) under dir/<name>-*.pem.
inline ca::CaOptions write_ca_files(const TempDir& dir, const std::string& name,
                                           TestCa& ca, const std::optional<IssuedCert>& signer) {
    ca::CaOptions o;
    o.name = name;
    o.location = "test.yaml:1";
    o.issuer_certificate = (dir / (name + "-ca.pem")).string();
    write_pem(o.issuer_certificate, ca.cert().pem());
    if (signer) {
        o.signer_certificate = (dir / (name + "-signer.pem")).string();
        o.signer_key = (dir / (name + "-signer.key")).string();
        write_pem(o.signer_certificate, signer->cert.pem());
        write_pem(o.signer_key, signer->key.pem());
    } else {
        o.signer_certificate = o.issuer_certificate;
        o.signer_key = (dir / (name + "-ca.key")).string();
        write_pem(o.signer_key, ca.key().pem());
    }
    return o;
}

inline ca::CaRegistry load_registry(const std::vector<ca::CaOptions>& options) {
    auto loaded = ca::load_cas(options);
    if (!loaded) throw std::runtime_error(loaded.error().front());
    return std::move(*loaded);
}

}  // namespace tanda::test
