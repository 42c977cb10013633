#include "cli/verify_checkpoint.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>

#include "core/checkpoint.hpp"
#include "core/time_format.hpp"
#include "pki/cms_signed_data.hpp"

namespace tanda::cli {
namespace {

constexpr int kExitIoError = 74;  // EX_IOERR

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The signed statement in `file`, or the exit code after saying why there is none.
tl::expected<Checkpoint, int> signed_checkpoint(const std::string& file,
                                                const std::string& cert_path) {
    auto cert = pki::Certificate::load_file(cert_path);
    if (!cert) {
        std::fprintf(stderr, "tanda verify: checkpoint certificate: %s\n",
                     cert.error().message.c_str());
        return tl::unexpected(kExitIoError);
    }
    auto bytes = read_file(file);
    if (!bytes) {
        std::fprintf(stderr, "tanda verify: cannot read checkpoint %s\n", file.c_str());
        return tl::unexpected(kExitIoError);
    }
    auto payload = pki::cms_verify(as_bytes(*bytes), *cert);
    auto parsed = payload ? parse_checkpoint(*payload) : tl::unexpected(payload.error());
    if (!parsed) {
        std::printf("INVALID: %s is not a checkpoint signed by %s: %s\n", file.c_str(),
                    cert_path.c_str(), parsed.error().message.c_str());
        return tl::unexpected(kExitCheckpointInvalid);
    }
    return *parsed;
}

}  // namespace

std::optional<int> verify_checkpoint(const storage::RevocationIndex& index, const std::string& file,
                                     const std::string& cert_path) {
    auto checkpoint = signed_checkpoint(file, cert_path);
    if (!checkpoint) return checkpoint.error();
    const auto seq = static_cast<unsigned long long>(checkpoint->seq);
    auto entries = index.journal(checkpoint->seq, 1);
    if (!entries) {
        std::fprintf(stderr, "tanda verify: %s\n", entries.error().message.c_str());
        return kExitIoError;
    }
    if (entries->empty() || entries->front().seq != checkpoint->seq) {
        std::printf(
            "REWRITTEN: the checkpoint of %s signs journal seq %llu, which the journal "
            "no longer has\n",
            format_rfc3339(checkpoint->time).c_str(), seq);
        return kExitHistoryRewritten;
    }
    if (entries->front().hash != checkpoint->head) {
        std::printf(
            "REWRITTEN: journal entry %llu has hash %s, the checkpoint of %s signed %s: "
            "history up to it was rewritten\n",
            seq, to_hex(entries->front().hash).c_str(), format_rfc3339(checkpoint->time).c_str(),
            to_hex(checkpoint->head).c_str());
        return kExitHistoryRewritten;
    }
    std::printf("CHECKPOINT OK: journal entry %llu has the hash signed at %s\n", seq,
                format_rfc3339(checkpoint->time).c_str());
    return std::nullopt;
}

}  // namespace tanda::cli
