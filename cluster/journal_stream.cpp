// JournalStream on libnats (the C client, Debian's libnats-dev 3.4).
#include "cluster/journal_stream.hpp"

#include <string>
#include <vector>

#include "cluster/journal_stream_impl.hpp"

namespace tanda::cluster {
namespace {

// JetStream's header for the expected-last-sequence check. Set by hand: jsPubOptions leaves it
// out when it is 0, and 0 is what the first message of an empty stream must expect.
constexpr const char* kExpectedLastSeqHeader = "Nats-Expected-Last-Sequence";

struct OptionsDeleter {
    void operator()(natsOptions* o) const { natsOptions_Destroy(o); }
};
using OptionsHandle = std::unique_ptr<natsOptions, OptionsDeleter>;

}  // namespace

Error nats_error(natsStatus s, const std::string& what, jsErrCode jerr) {
    std::string text = what + ": " + natsStatus_GetText(s);
    if (jerr != 0) text += " (JetStream error " + std::to_string(static_cast<int>(jerr)) + ")";
    const char* last = nats_GetLastError(nullptr);
    if (last != nullptr && *last != '\0') text += ": " + std::string(last);
    return Error{ErrorCode::unavailable, text};
}

JournalStream::Impl::~Impl() {
    if (reader != nullptr) natsSubscription_Destroy(reader);
    if (js != nullptr) jsCtx_Destroy(js);
    if (connection != nullptr) {
        natsConnection_Close(connection);
        natsConnection_Destroy(connection);
    }
    // The library's own threads and memory: a process has one stream, closed at its end.
    nats_Close();
}

jsOptions JournalStream::Impl::js_options() const {
    jsOptions o;
    jsOptions_Init(&o);
    o.Wait = std::chrono::duration_cast<std::chrono::milliseconds>(options.write_timeout).count();
    return o;
}

Result<void> JournalStream::Impl::ensure_stream() {
    std::lock_guard lock(stream_mutex);
    if (stream_ready) return {};
    jsOptions o = js_options();
    jsStreamInfo* info = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    natsStatus s = js_GetStreamInfo(&info, js, options.stream.c_str(), &o, &jerr);
    if (s == NATS_OK) {
        jsStreamInfo_Destroy(info);
        stream_ready = true;
        return {};
    }
    if (s != NATS_NOT_FOUND)
        return tl::unexpected(nats_error(s, "look up stream " + options.stream, jerr));
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    cfg.Name = options.stream.c_str();
    const char* subjects[] = {subject.c_str()};
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    cfg.Replicas = options.replicas;
    // The journal is append-only: no message is ever removed or replaced.
    cfg.DenyDelete = true;
    cfg.DenyPurge = true;
    s = js_AddStream(&info, js, &cfg, &o, &jerr);
    if (s != NATS_OK) return tl::unexpected(nats_error(s, "create stream " + options.stream, jerr));
    jsStreamInfo_Destroy(info);
    stream_ready = true;
    return {};
}

JournalStream::JournalStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JournalStream::~JournalStream() = default;

Result<std::unique_ptr<JournalStream>> JournalStream::open(const ClusterOptions& options) {
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    impl->subject = options.stream + ".journal";
    natsOptions* raw = nullptr;
    if (natsStatus s = natsOptions_Create(&raw); s != NATS_OK) {
        return tl::unexpected(nats_error(s, "NATS options"));
    }
    OptionsHandle o(raw);
    std::vector<const char*> urls;
    for (const auto& url : options.servers) urls.push_back(url.c_str());
    natsStatus s = natsOptions_SetServers(raw, urls.data(), static_cast<int>(urls.size()));
    std::string name = "tanda " + options.node;
    if (s == NATS_OK) s = natsOptions_SetName(raw, name.c_str());
    if (s == NATS_OK) s = natsOptions_SetMaxReconnect(raw, -1);  // never give up
    if (s == NATS_OK) s = natsOptions_SetReconnectWait(raw, 250);
    if (s == NATS_OK) s = natsOptions_SetTimeout(raw, 2000);
    // A server that stops answering but keeps the TCP connection (a hung or paused machine) is
    // left after two missed pings, within about 3 s, instead of NATS's default 4 minutes.
    if (s == NATS_OK) s = natsOptions_SetPingInterval(raw, 1000);
    if (s == NATS_OK) s = natsOptions_SetMaxPingsOut(raw, 2);
    if (s == NATS_OK) s = natsOptions_SetRetryOnFailedConnect(raw, true, nullptr, nullptr);
    if (s == NATS_OK && !options.tls_ca.empty()) {
        s = natsOptions_SetSecure(raw, true);
        if (s == NATS_OK) s = natsOptions_LoadCATrustedCertificates(raw, options.tls_ca.c_str());
    }
    if (s == NATS_OK && !options.tls_cert.empty()) {
        s = natsOptions_LoadCertificatesChain(raw, options.tls_cert.c_str(),
                                              options.tls_key.c_str());
    }
    if (s == NATS_OK && !options.credentials.empty()) {
        s = natsOptions_SetUserCredentialsFromFiles(raw, options.credentials.c_str(), nullptr);
    }
    if (s != NATS_OK) return tl::unexpected(nats_error(s, "NATS options"));
    s = natsConnection_Connect(&impl->connection, raw);
    if (s != NATS_OK && s != NATS_NOT_YET_CONNECTED) {
        return tl::unexpected(nats_error(s, "connect to NATS"));
    }
    jsOptions jo = impl->js_options();
    if (s = natsConnection_JetStream(&impl->js, impl->connection, &jo); s != NATS_OK) {
        return tl::unexpected(nats_error(s, "JetStream context"));
    }
    return std::unique_ptr<JournalStream>(new JournalStream(std::move(impl)));
}

Result<JournalStream::Stored> JournalStream::publish(ByteView data, std::uint64_t expected_last,
                                                     const std::string& id) {
    if (auto r = impl_->ensure_stream(); !r) return tl::unexpected(r.error());
    natsMsg* msg = nullptr;
    natsStatus s =
        natsMsg_Create(&msg, impl_->subject.c_str(), nullptr,
                       reinterpret_cast<const char*>(data.data()), static_cast<int>(data.size()));
    if (s != NATS_OK) return tl::unexpected(nats_error(s, "NATS message"));
    std::string expected = std::to_string(expected_last);
    s = natsMsgHeader_Set(msg, kExpectedLastSeqHeader, expected.c_str());
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.ExpectStream = impl_->options.stream.c_str();
    po.MsgId = id.c_str();
    po.MaxWait =
        std::chrono::duration_cast<std::chrono::milliseconds>(impl_->options.write_timeout).count();
    jsPubAck* ack = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    if (s == NATS_OK) s = js_PublishMsg(&ack, impl_->js, msg, &po, &jerr);
    natsMsg_Destroy(msg);
    if (s != NATS_OK) {
        if (jerr == JSStreamWrongLastSequenceErr) {
            return fail(ErrorCode::conflict,
                        "another node wrote after stream sequence " + expected);
        }
        return tl::unexpected(nats_error(s, "publish to stream " + impl_->options.stream, jerr));
    }
    Stored stored{ack->Sequence, ack->Duplicate};
    jsPubAck_Destroy(ack);
    return stored;
}

Result<std::uint64_t> JournalStream::last_seq() {
    if (auto r = impl_->ensure_stream(); !r) return tl::unexpected(r.error());
    jsOptions o = impl_->js_options();
    o.Wait = 1000;
    jsStreamInfo* info = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    natsStatus s = js_GetStreamInfo(&info, impl_->js, impl_->options.stream.c_str(), &o, &jerr);
    if (s != NATS_OK) {
        return tl::unexpected(nats_error(s, "stream info of " + impl_->options.stream, jerr));
    }
    std::uint64_t last = info->State.LastSeq;
    jsStreamInfo_Destroy(info);
    return last;
}

Result<Bytes> JournalStream::message_at(std::uint64_t seq) {
    if (auto r = impl_->ensure_stream(); !r) return tl::unexpected(r.error());
    jsOptions o = impl_->js_options();
    o.Wait = 1000;
    natsMsg* msg = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    natsStatus s = js_GetMsg(&msg, impl_->js, impl_->options.stream.c_str(), seq, &o, &jerr);
    if (s != NATS_OK) {
        Error e =
            nats_error(s, "message " + std::to_string(seq) + " of " + impl_->options.stream, jerr);
        if (jerr == JSNoMessageFoundErr || s == NATS_NOT_FOUND) e.code = ErrorCode::not_found;
        return tl::unexpected(e);
    }
    const auto* data = reinterpret_cast<const std::byte*>(natsMsg_GetData(msg));
    Bytes out(data, data + natsMsg_GetDataLength(msg));
    natsMsg_Destroy(msg);
    return out;
}

Result<void> JournalStream::read_from(std::uint64_t seq) {
    if (auto r = impl_->ensure_stream(); !r) return r;
    if (impl_->reader != nullptr) {
        natsSubscription_Destroy(impl_->reader);
        impl_->reader = nullptr;
    }
    jsOptions o = impl_->js_options();
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = impl_->options.stream.c_str();
    so.Ordered = true;
    so.Config.DeliverPolicy = js_DeliverByStartSequence;
    so.Config.OptStartSeq = seq;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    natsStatus s =
        js_SubscribeSync(&impl_->reader, impl_->js, impl_->subject.c_str(), &o, &so, &jerr);
    if (s != NATS_OK) {
        impl_->reader = nullptr;
        return tl::unexpected(nats_error(s, "read stream " + impl_->options.stream, jerr));
    }
    return {};
}

Result<std::optional<StreamMessage>> JournalStream::next(std::chrono::milliseconds wait) {
    if (impl_->reader == nullptr) return fail(ErrorCode::internal, "the stream is not being read");
    natsMsg* msg = nullptr;
    natsStatus s = natsSubscription_NextMsg(&msg, impl_->reader, wait.count());
    if (s == NATS_TIMEOUT) return std::nullopt;
    if (s != NATS_OK) return tl::unexpected(nats_error(s, "read stream " + impl_->options.stream));
    jsMsgMetaData* meta = nullptr;
    s = natsMsg_GetMetaData(&meta, msg);
    if (s != NATS_OK) {
        natsMsg_Destroy(msg);
        return tl::unexpected(nats_error(s, "stream message metadata"));
    }
    StreamMessage out;
    out.seq = meta->Sequence.Stream;
    out.timestamp_ns = meta->Timestamp;
    out.pending = meta->NumPending;
    const auto* data = reinterpret_cast<const std::byte*>(natsMsg_GetData(msg));
    out.data.assign(data, data + natsMsg_GetDataLength(msg));
    jsMsgMetaData_Destroy(meta);
    natsMsg_Destroy(msg);
    return out;
}

bool JournalStream::connected() const {
    return natsConnection_Status(impl_->connection) == NATS_CONN_STATUS_CONNECTED;
}

}  // namespace tanda::cluster
