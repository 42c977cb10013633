#include "cli/demo_admin.hpp"

#include <cstdio>
#include <tuple>
#include <vector>

#include "core/time_format.hpp"
#include "pki/certificate_factory.hpp"

namespace tanda::cli {
namespace {

namespace fs = std::filesystem;
constexpr std::int64_t kDay = 86400;

const char* const kOperatorDn = "CN=Demo Operator,O=Tanda Demo,C=ID";
const char* const kOperator2Dn = "CN=Demo Operator Two,O=Tanda Demo,C=ID";
const char* const kAuditorDn = "CN=Demo Auditor,O=Tanda Demo,C=ID";

// The binary running now, so the printed commands work from any directory and PATH.
std::string self_path() {
    std::error_code ec;
    auto self = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("tanda") : self.string();
}

Result<void> write_pair(const fs::path& dir, const std::string& name, const pki::Certificate& cert,
                        const pki::PrivateKey& key) {
    if (auto ok = pki::write_file_atomic((dir / (name + ".pem")).string(), cert.pem(), 0644); !ok) {
        return ok;
    }
    return pki::write_file_atomic((dir / (name + ".key")).string(), key.pem(), 0600);
}

}  // namespace

Result<void> create_demo_admin(const fs::path& dir, UnixSeconds now) {
    using namespace pki;
    auto ca_key = generate_key(KeyType::ec_p256);
    if (!ca_key) return tl::unexpected(ca_key.error());
    CertificateSpec ca_spec{"CN=Tanda Demo Admin CA,O=Tanda Demo,C=ID", *Serial::from_hex("0A01"),
                            now - kDay, now + 3650 * kDay, Profile::ca, ""};
    auto ca = issue_certificate(ca_spec, *ca_key, nullptr, *ca_key);
    if (!ca) return tl::unexpected(ca.error());
    if (auto ok = write_pair(dir, "admin-ca", *ca, *ca_key); !ok) return ok;
    const std::vector<std::tuple<std::string, std::string, Profile, const char*>> certs = {
        {"admin-server", "CN=localhost,O=Tanda Demo,C=ID", Profile::tls_server, "0A02"},
        {"operator", kOperatorDn, Profile::leaf, "0A03"},
        {"auditor", kAuditorDn, Profile::leaf, "0A04"},
        {"operator2", kOperator2Dn, Profile::leaf, "0A05"}};
    for (const auto& [name, subject, profile, serial] : certs) {
        auto key = generate_key(KeyType::ec_p256);
        if (!key) return tl::unexpected(key.error());
        CertificateSpec spec{subject, *Serial::from_hex(serial), now - kDay, now + 365 * kDay,
                             profile, ""};
        auto cert = issue_certificate(spec, *key, &*ca, *ca_key);
        if (!cert) return tl::unexpected(cert.error());
        if (auto ok = write_pair(dir, name, *cert, *key); !ok) return ok;
    }
    return pki::write_file_atomic((dir / "revocation-letter.txt").string(),
                                  "Permohonan pencabutan sertifikat Budi Santoso, disetujui "
                                  "atasan. (The signed letter of the demo request.)\n",
                                  0644);
}

std::string demo_admin_yaml() {
    return std::string(
               "admin:\n"
               "  listen:\n"
               "    address: 127.0.0.1\n"
               "    port: ") +
           std::to_string(kDemoAdminPort) +
           "\n"
           "  server_certificate: admin-server.pem\n"
           "  server_key: admin-server.key\n"
           "  client_ca: admin-ca.pem\n"
           "  roles:\n"
           "    - role: operator\n"
           "      subject: \"" +
           kOperatorDn +
           "\"\n"
           "    - role: operator\n"
           "      subject: \"" +
           kOperator2Dn +
           "\"\n"
           "    - role: auditor\n"
           "      subject: \"" +
           kAuditorDn + "\"\n";
}

void print_admin_instructions(const fs::path& dir, unsigned port) {
    const std::string d = dir.string();
    const std::string tanda = self_path();
    // The letter's approval time, fixed in the printed command so running it twice is a replay.
    const std::string approved_at = format_rfc3339(SystemClock().now() - 60);
    const std::string tls = "--url https://127.0.0.1:" + std::to_string(port) + " --cacert " + d +
                            "/admin-ca.pem";
    auto as = [&](const char* who) {
        return tls + " --cert " + d + "/" + who + ".pem --key " + d + "/" + who + ".key";
    };
    std::printf(
        "Admin API (mutual TLS) on https://127.0.0.1:%u. The demo CA needs two operators\n"
        "(approvals: 2). 1. The operator submits the approved revocation request of good.pem:\n"
        "  %s admin revoke %s \\\n"
        "    --request-id demo-1 --ca demo --serial 1001 --reason keyCompromise \\\n"
        "    --subject-dn \"CN=Budi Santoso,O=Tanda Demo,C=ID\" --requested-by \"Budi Santoso\" "
        "\\\n"
        "    --approved-by \"Demo Supervisor\" --approved-at %s \\\n"
        "    --evidence %s/revocation-letter.txt\n"
        "2. The auditor sees it pending (good.pem still answers \"good\"):\n"
        "  %s admin pending %s\n"
        "3. A second operator checks the subject and approves it (the first cannot):\n"
        "  %s admin approve demo-1 --subject-dn \"CN=Budi Santoso,O=Tanda Demo,C=ID\" %s\n"
        "then query good.pem again (now \"revoked\"), and follow the request as the auditor:\n"
        "  %s admin request %s --request-id demo-1\n"
        "The holder's status URL is http://127.0.0.1:<port>/status/<token>, with the\n"
        "holder status token step 1 printed.\n\n",
        port, tanda.c_str(), as("operator").c_str(), approved_at.c_str(), d.c_str(), tanda.c_str(),
        as("auditor").c_str(), tanda.c_str(), as("operator2").c_str(), tanda.c_str(),
        as("auditor").c_str());
    std::fflush(stdout);
}

}  // namespace tanda::cli
