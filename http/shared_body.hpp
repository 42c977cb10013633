// The body of every response: text built for this response (a std::string, as Beast's
// string_body), or immutable bytes shared with whoever keeps them (cached OCSP answers, CRLs),
// which are written to the socket from that buffer and never copied per request.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

#include "core/bytes.hpp"

namespace tanda::http {

struct SharedBody {
    // A std::string for text bodies; share() makes the payload a shared buffer instead.
    class value_type : public std::string {
    public:
        using std::string::string;
        using std::string::operator=;
        value_type() = default;
        value_type(std::string s) : std::string(std::move(s)) {}

        // Sends `bytes` (never null) as the payload; the string part is cleared.
        void share(std::shared_ptr<const Bytes> bytes) {
            std::string::clear();
            shared_ = std::move(bytes);
        }
        const std::shared_ptr<const Bytes>& shared() const { return shared_; }
        // What goes on the wire, whichever form holds it.
        std::string_view payload() const {
            if (shared_) {
                return {reinterpret_cast<const char*>(shared_->data()), shared_->size()};
            }
            return {data(), std::string::size()};
        }
        std::size_t payload_size() const { return shared_ ? shared_->size() : std::string::size(); }
        void clear() noexcept {
            std::string::clear();
            shared_.reset();
        }

    private:
        std::shared_ptr<const Bytes> shared_;
    };

    static std::uint64_t size(const value_type& body) { return body.payload_size(); }

    // Serializes the payload in one buffer, from wherever it is.
    class writer {
    public:
        using const_buffers_type = boost::asio::const_buffer;

        template <bool isRequest, class Fields>
        writer(const boost::beast::http::header<isRequest, Fields>&, const value_type& body)
            : body_(body) {}
        void init(boost::beast::error_code& ec) { ec = {}; }
        boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
            ec = {};
            const std::string_view p = body_.payload();
            return {{const_buffers_type(p.data(), p.size()), false}};
        }

    private:
        const value_type& body_;
    };

    // Parses into the string part (clients reading responses).
    class reader {
    public:
        template <bool isRequest, class Fields>
        reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}
        void init(const boost::optional<std::uint64_t>& length, boost::beast::error_code& ec) {
            body_.clear();
            if (length) body_.reserve(static_cast<std::size_t>(*length));
            ec = {};
        }
        template <class ConstBufferSequence>
        std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
            const std::size_t n = boost::asio::buffer_size(buffers);
            for (auto it = boost::asio::buffer_sequence_begin(buffers);
                 it != boost::asio::buffer_sequence_end(buffers); ++it) {
                body_.append(static_cast<const char*>(it->data()), it->size());
            }
            ec = {};
            return n;
        }
        void finish(boost::beast::error_code& ec) { ec = {}; }

    private:
        value_type& body_;
    };
};

}  // namespace tanda::http
