#include "crl/imported_crls.hpp"

#include <sys/stat.h>

#include "core/mapped_file.hpp"
#include "crl/crl_generator.hpp"
#include "crl/crl_import.hpp"
#include "pki/crl_reader.hpp"

namespace tanda::crl {

ImportedCrls::ImportedCrls(const ca::ServedCa& ca, std::string directory, Logger& logger)
    : ca_(ca), directory_(std::move(directory)), logger_(logger) {}

void ImportedCrls::refresh() {
    std::lock_guard refreshing(refresh_mutex_);
    refresh(full_, false);
    refresh(delta_, true);
}

void ImportedCrls::refresh(Slot& slot, bool delta) {
    const std::string path = crl_file_path(directory_, ca_.options.name, delta);
    struct stat st {};
    FileId id;
    if (::stat(path.c_str(), &st) == 0) {
        id = {st.st_dev, st.st_ino, st.st_size,
              st.st_mtim.tv_sec * 1'000'000'000L + st.st_mtim.tv_nsec};
    }
    if (id == slot.id) return;
    slot.id = id;
    if (id == FileId{}) {
        std::lock_guard lock(mutex_);
        slot.crl.reset();  // removed (a delta older than a new complete CRL): nothing to serve
        return;
    }
    // import_crl() replaces the file by rename, which leaves a mapping on the old one.
    auto der = load_file(path, kDefaultSpillBytes);
    Result<pki::CrlInfo> info =
        der ? pki::read_crl(der->view(), ca_.issuer) : tl::unexpected(der.error());
    if (!info || info->delta_base.has_value() != delta) {
        logger_.warn("ignoring imported CRL on disk",
                     {{"ca", ca_.options.name},
                      {"path", path},
                      {"error", info ? "a complete CRL where a delta belongs, or the reverse"
                                     : info.error().message}});
        return;
    }
    auto crl = make_published_crl(std::move(*der), info->number, info->delta_base,
                                  info->this_update, info->next_update, 0);
    crl->entries = info->entries;
    std::lock_guard lock(mutex_);  // read and checked above without it: downloads go on
    slot.crl = std::move(crl);
    logger_.info("serving imported CRL", {{"ca", ca_.options.name},
                                          {"number", std::to_string(info->number)},
                                          {"kind", delta ? "delta" : "full"}});
}

std::shared_ptr<const PublishedCrl> ImportedCrls::full() const {
    std::lock_guard lock(mutex_);
    return full_.crl;
}

std::shared_ptr<const PublishedCrl> ImportedCrls::delta() const {
    std::lock_guard lock(mutex_);
    // A delta older than the complete CRL (left by hand) would be combined with it.
    if (delta_.crl && full_.crl && delta_.crl->number < full_.crl->number) return nullptr;
    return delta_.crl;
}

}  // namespace tanda::crl
