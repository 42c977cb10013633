// The libnats side of JournalStream, shared by the cluster's .cpp files that use the same
// connection (journal_stream.cpp, key_value.cpp). Only cluster/ .cpp files include this: libnats
// stays out of every other header.
#pragma once

#include <nats/nats.h>

#include <mutex>
#include <string>

#include "cluster/cluster_options.hpp"
#include "cluster/journal_stream.hpp"
#include "core/result.hpp"

namespace tanda::cluster {

// A libnats failure as ErrorCode::unavailable, with the library's last error text.
Error nats_error(natsStatus s, const std::string& what, jsErrCode jerr = static_cast<jsErrCode>(0));

struct JournalStream::Impl {
    ClusterOptions options;
    std::string subject;
    natsConnection* connection = nullptr;
    jsCtx* js = nullptr;
    std::mutex stream_mutex;  // guards stream_ready
    bool stream_ready = false;
    natsSubscription* reader = nullptr;  // used by the reading thread only

    ~Impl();
    // JetStream call options: answers wait at most write_timeout.
    jsOptions js_options() const;
    // Creates the stream when it does not exist; a stream of that name is taken as ours.
    Result<void> ensure_stream();
};

}  // namespace tanda::cluster
