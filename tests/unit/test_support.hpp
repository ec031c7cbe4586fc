#pragma once

// Shared by unit tests: a temporary directory and a scripted HTTP transport.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <deque>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "drivers/common/http_client.hpp"

namespace machine::test {

// A fresh directory under `base` ($TMPDIR when empty), removed with everything in it.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "machine-test", const std::string& base = "") {
        const std::filesystem::path parent =
            base.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(base);
        std::string pattern = (parent / (prefix + "-XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] std::string path() const { return m_path.string(); }
    [[nodiscard]] std::string operator/(const std::string& name) const { return (m_path / name).string(); }

private:
    std::filesystem::path m_path;
};

// Answers requests from a script of (method, url) -> response, in order; records what was sent. A step
// matches the whole URL, or only its start (expect_prefix). A request the script does not expect fails the
// test.
class ScriptedTransport final : public drivers::http::Transport {
public:
    struct Step {
        std::string method;
        std::string url;
        bool url_is_prefix = false;
        drivers::http::Response response;
        bool fail_transport = false;  // no answer: throws TransportError
    };

    void expect(std::string method, std::string url, long status, std::string body = {},
                std::vector<drivers::http::Header> headers = {}) {
        m_steps.push_back(
            {std::move(method), std::move(url), false, {status, std::move(headers), std::move(body)}});
    }
    void expect_prefix(std::string method, std::string url_prefix, long status, std::string body = {},
                       std::vector<drivers::http::Header> headers = {}) {
        m_steps.push_back(
            {std::move(method), std::move(url_prefix), true, {status, std::move(headers), std::move(body)}});
    }
    void expect_no_answer(std::string method, std::string url) {
        m_steps.push_back({std::move(method), std::move(url), false, {}, true});
    }

    drivers::http::Response send(const drivers::http::Request& request) override {
        sent.push_back(request);
        if (m_steps.empty()) {
            ADD_FAILURE() << "unexpected request " << request.method << " " << request.url;
            return {500, {}, "{}"};
        }
        Step step = m_steps.front();
        m_steps.pop_front();
        if (step.url_is_prefix) {
            EXPECT_EQ(request.method, step.method) << request.url;
            EXPECT_EQ(request.url.rfind(step.url, 0), 0U)
                << request.url << " does not start with " << step.url;
        } else {
            EXPECT_EQ(request.method + " " + request.url, step.method + " " + step.url);
        }
        if (step.fail_transport) {
            throw drivers::http::TransportError(request.method + " " + request.url + ": Connection refused");
        }
        return step.response;
    }

    [[nodiscard]] bool done() const { return m_steps.empty(); }

    std::vector<drivers::http::Request> sent;

private:
    std::deque<Step> m_steps;
};

}  // namespace machine::test
