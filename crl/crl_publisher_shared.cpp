// CrlPublisher in a cluster: following the publisher lease and serving the shared CRLs.
#include <algorithm>

#include "crl/crl_publisher.hpp"
#include "pki/crl_reader.hpp"

namespace tanda::crl {

bool CrlPublisher::lead_locked() {
    if (!sharing_) return true;
    // Without the CA key this node only serves what the publisher shares.
    const bool leads = ca_.crl_signer && sharing_->publishes(ca_.options.name);
    bool was;
    {
        std::lock_guard state(state_mutex_);
        was = publishing_;
        publishing_ = leads;
    }
    if (!leads) {
        if (was) logger_.warn("no longer publishing CRLs", {{"ca", ca_.options.name}});
        return false;
    }
    if (was) return true;
    // Taking over: the previous publisher's last CRLs, then the replicated base and counter
    // decide what is due, exactly as a single node's restart does.
    logger_.info("publishing CRLs", {{"ca", ca_.options.name}});
    adopt_shared();
    base_.reset();
    recalled_ = false;
    if (auto r = resume_locked(); !r) {
        logger_.error("CRL generation failed",
                      {{"ca", ca_.options.name}, {"error", r.error().message}});
        full_due_ = clock_.now();  // retried by run_due
    }
    return true;
}

void CrlPublisher::adopt_shared() {
    for (bool delta : {false, true}) {
        if (delta && !ca_.options.crl.delta.enabled) continue;
        auto served = delta ? this->delta() : full();
        auto shared = sharing_->newer(ca_.options.name, delta, served ? served->number : 0);
        if (!shared) {
            if (shared.error().message != sharing_problem_) {
                sharing_problem_ = shared.error().message;
                logger_.warn("cannot read the shared CRL",
                             {{"ca", ca_.options.name}, {"error", sharing_problem_}});
            }
            continue;
        }
        sharing_problem_.clear();
        if (*shared) adopt(std::move(**shared), delta);
    }
}

void CrlPublisher::adopt(SharedCrl shared, bool delta) {
    auto info = read_own(shared.der);
    std::string problem;
    if (!info) {
        problem = info.error().message;
    } else if (info->number != shared.number || info->delta_base.has_value() != delta) {
        problem = "its content is not the shared CRL it claims to be";
    }
    if (!problem.empty()) {
        logger_.error("refusing a shared CRL", {{"ca", ca_.options.name},
                                                {"number", std::to_string(shared.number)},
                                                {"error", problem}});
        return;
    }
    const std::string path = delta ? delta_path() : full_path();
    if (auto r = pki::write_file_atomic(path, as_chars(shared.der), 0644); !r) {
        logger_.warn("cannot keep the shared CRL on disk",
                     {{"path", path}, {"error", r.error().message}});
    }
    auto p = make_published_crl(SharedBytes(std::move(shared.der)), info->number, info->delta_base,
                                info->this_update, info->next_update, shared.covered_seq);
    p->published_at = clock_.now();
    p->entries = info->entries;
    min_number_ = std::max(min_number_, info->number + 1);
    logger_.info("serving the shared CRL", {{"ca", ca_.options.name},
                                            {"kind", delta ? "delta" : "full"},
                                            {"number", std::to_string(info->number)}});
    std::lock_guard state(state_mutex_);
    (delta ? delta_ : full_) = std::move(p);
    covered_seq_ = std::max(covered_seq_, shared.covered_seq);
    if (dirty_seq_ <= covered_seq_) dirty_since_.reset();
}

}  // namespace tanda::crl
