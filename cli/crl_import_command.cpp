#include "cli/crl_import_command.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>

#include "cli/commands.hpp"
#include "core/time_format.hpp"
#include "crl/crl_import.hpp"
#include "pki/crl_number.hpp"

namespace tanda::cli {

int import_crl_file(const ca::CaRegistry& cas, storage::RevocationIndex& index,
                    const config::Config& cfg, const std::string& name, const std::string& path) {
    const ca::ServedCa* ca = cas.find_by_name(name);
    if (ca == nullptr) {
        std::fprintf(stderr, "tanda: no CA named '%s' in %s\n", name.c_str(), cfg.path.c_str());
        return kExitUsage;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "tanda: %s: cannot be read\n", path.c_str());
        return kExitFailure;
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto der = pki::crl_der(to_bytes(text));
    if (!der) {
        std::fprintf(stderr, "tanda: %s: %s\n", path.c_str(), der.error().message.c_str());
        return kExitFailure;
    }
    storage::Provenance why;
    why.source = "crl-import:" + path;
    auto done = crl::import_crl(*ca, index, cfg.state_dir, *der, why, SystemClock().now());
    if (!done) {
        std::fprintf(stderr, "tanda: %s refused: %s\n", path.c_str(), done.error().message.c_str());
        return kExitFailure;
    }
    std::printf(
        "%s: %sCRL number %llu (thisUpdate %s, nextUpdate %s) installed at %s; "
        "%zu entries: %zu revoked, %zu released, %zu unchanged, %zu expired holds kept\n",
        name.c_str(), done->delta_base ? "delta " : "",
        static_cast<unsigned long long>(done->number), format_rfc3339(done->this_update).c_str(),
        format_rfc3339(done->next_update).c_str(), done->path.c_str(), done->entries, done->revoked,
        done->released, done->unchanged, done->kept_expired);
    return kExitOk;
}

}  // namespace tanda::cli
