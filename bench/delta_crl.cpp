// A delta CRL over every change after a journal position, generated as the publisher does
// (into a file in state_dir, releasing the index pages it walked): bench/delta_crl_bench.sh runs it
// under /usr/bin/time for the delta's time and peak RSS at large numbers of changes.
//   tanda-bench-delta-crl CONFIG CA            prints the journal head
//   tanda-bench-delta-crl CONFIG CA BASE_SEQ   writes <state_dir>/CA-delta.crl against it
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>

#include "ca/ca_registry.hpp"
#include "config/config.hpp"
#include "crl/crl_generator.hpp"
#include "pki/atomic_file.hpp"
#include "storage/revocation_index.hpp"

using namespace tanda;

namespace {

int fail(const std::string& message) {
    std::fprintf(stderr, "tanda-bench-delta-crl: %s\n", message.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3 && argc != 4) return fail("usage: CONFIG CA [BASE_SEQ]");
    auto cfg = config::load_config(argv[1]);
    if (!cfg) return fail(std::string(argv[1]) + ": " + cfg.error().front().message);
    auto cas = ca::load_cas(cfg->cas);
    if (!cas) return fail(cas.error().front());
    auto index = storage::RevocationIndex::open(cfg->storage);
    if (!index) return fail(index.error().message);
    const auto now = static_cast<UnixSeconds>(std::time(nullptr));
    if (auto bound = ca::bind_storage(*cas, **index, now); !bound) {
        return fail(bound.error().message);
    }
    auto head = crl::journal_head(**index);
    if (!head) return fail(head.error().message);
    if (argc == 3) {
        std::printf("%llu\n", static_cast<unsigned long long>(*head));
        return 0;
    }
    const ca::ServedCa* served = nullptr;
    for (const auto& c : cas->cas()) {
        if (c.options.name == argv[2]) served = &c;
    }
    if (served == nullptr || !served->crl_signer)
        return fail("no CA with a CRL key: " + std::string(argv[2]));
    const crl::CrlBase base{1, std::strtoull(argv[3], nullptr, 10), now, 0};
    std::filesystem::create_directories(cfg->state_dir);
    const auto path = cfg->state_dir + "/" + served->options.name + "-delta.crl";
    auto file = pki::AtomicFile::create(path, 0644);
    if (!file) return fail(file.error().message);
    crl::CrlDestination to{&*file};
    to.release_index_pages = true;
    auto delta = crl::generate_delta_crl(*served, **index, 2, now, base, to);
    if (!delta) return fail(delta.error().message);
    if (auto ok = file->commit(); !ok) return fail(ok.error().message);
    std::printf("delta CRL: %zu entries, %zu bytes, %.2f s, %zu sort runs, written to %s\n",
                delta->entries, delta->der.size(), delta->seconds, delta->sort_runs, path.c_str());
    return 0;
}
