// The only translation unit of the azure driver that sees JSON.

#include "drivers/azure/azure_api.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "drivers/common/driver_support.hpp"
#include "machine/atomic_file.hpp"
#include "machine/go_path.hpp"

namespace machine::drivers::azure {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

constexpr const char* k_resources_api = "2016-07-01";
constexpr const char* k_compute_api = "2016-03-30";
constexpr const char* k_network_api = "2016-09-01";
constexpr const char* k_storage_api = "2016-01-01";
constexpr const char* k_subscriptions_api = "2015-01-01";
constexpr const char* k_blob_api = "2015-02-21";

Json parse_or_null(std::string_view body) {
    Json json = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
    return json.is_discarded() ? Json(nullptr) : json;
}

std::string string_at(const Json& json, std::initializer_list<const char*> path) {
    const Json* node = &json;
    for (const char* key : path) {
        if (!node->is_object()) {
            return {};
        }
        auto it = node->find(key);
        if (it == node->end()) {
            return {};
        }
        node = &*it;
    }
    return node->is_string() ? node->get<std::string>() : std::string();
}

const Json* array_at(const Json& json, std::initializer_list<const char*> path) {
    const Json* node = &json;
    for (const char* key : path) {
        if (!node->is_object()) {
            return nullptr;
        }
        auto it = node->find(key);
        if (it == node->end()) {
            return nullptr;
        }
        node = &*it;
    }
    return node->is_array() ? node : nullptr;
}

std::string with_slash(std::string url) {
    if (url.empty() || url.back() != '/') {
        url.push_back('/');
    }
    return url;
}

std::string go_quote_simple(const std::string& text) {
    return Json(text).dump();
}

std::string rfc1123_now() {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    return buffer;
}

std::chrono::milliseconds retry_after(const http::Response& response, std::chrono::milliseconds fallback) {
    std::string value = response.header("Retry-After");
    if (!value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) != 0;
        })) {
        return std::chrono::seconds(std::min(std::stol(value), 60L));
    }
    return fallback;
}

}  // namespace

// ---- environments ----

const std::vector<std::string>& environment_names() {
    static const std::vector<std::string> k_names = {"AzurePublicCloud", "AzureUSGovernmentCloud",
                                                     "AzureChinaCloud", "AzureGermanCloud"};
    return k_names;
}

std::optional<Environment> find_environment(const std::string& name) {
    static const std::vector<Environment> k_environments = {
        {"AzurePublicCloud", "https://management.azure.com/", "https://login.microsoftonline.com/",
         "https://management.core.windows.net/", "637ddaba-219b-43b8-bf19-8cea500cf273"},
        {"AzureUSGovernmentCloud", "https://management.usgovcloudapi.net/",
         "https://login.microsoftonline.com/", "https://management.core.usgovcloudapi.net/", ""},
        {"AzureChinaCloud", "https://management.chinacloudapi.cn/", "https://login.chinacloudapi.cn/",
         "https://management.core.chinacloudapi.cn/", "bb5eed6f-120b-4365-8fd9-ab1a3fba5698"},
        {"AzureGermanCloud", "https://management.microsoftazure.de/", "https://login.microsoftonline.de/",
         "https://management.core.cloudapi.de/", "aabac5f7-dd47-47ef-824c-e0d57598cada"},
    };
    for (Environment environment : k_environments) {
        if (environment.name == name) {
            environment.resource_manager =
                with_slash(support::env_or(k_resource_manager_env, environment.resource_manager));
            environment.active_directory =
                with_slash(support::env_or(k_active_directory_env, environment.active_directory));
            return environment;
        }
    }
    return std::nullopt;
}

// ---- errors ----

std::string error_message(const std::string& label, long status, std::string_view body) {
    Json json = parse_or_null(body);
    std::string code = string_at(json, {"error", "code"});
    std::string message = string_at(json, {"error", "message"});
    std::string text =
        label + ": Failure responding to request: StatusCode=" + std::to_string(status) +
        " -- Original Error: autorest/azure: Service returned an error. Status=" + std::to_string(status);
    if (!code.empty() || !message.empty()) {
        text += " Code=" + go_quote_simple(code) + " Message=" + go_quote_simple(message);
    }
    return text;
}

namespace {

AzureError error_from(const std::string& label, const http::Response& response) {
    return AzureError(error_message(label, response.status, response.body), response.status,
                      string_at(parse_or_null(response.body), {"error", "code"}));
}

}  // namespace

// ---- Azure Active Directory ----

std::string tenant_from_www_authenticate(const std::string& header) {
    static const std::regex k_pattern(R"re(authorization_uri=".*/([0-9a-f\-]+)")re");
    std::smatch match;
    return std::regex_search(header, match, k_pattern) ? match[1].str() : std::string();
}

Authenticator::Authenticator(Environment environment, http::Transport& transport)
    : m_environment(std::move(environment)), m_transport(transport) {}

std::string Authenticator::tenant_id(const std::string& subscription_id, const std::string& cache_dir) {
    std::string cache_file = cache_dir.empty() ? "" : cache_dir + "/" + subscription_id + ".tenantid";
    if (!cache_file.empty() && !support::path_missing(cache_file)) {
        std::string cached = support::trim(read_file(cache_file));
        if (!cached.empty()) {
            return cached;
        }
    }
    http::Request request;
    request.url = m_environment.resource_manager + "subscriptions/" + http::escape(subscription_id) +
                  "?api-version=" + k_subscriptions_api;
    http::Response response;
    try {
        response = m_transport.send(request);
    } catch (const http::TransportError& error) {
        throw Error(std::string("Request failed: ") + error.what());
    }
    if (response.status != 401) {
        throw Error("Unexpected response from Get Subscription: " +
                    error_message("subscriptions.Client#Get", response.status, response.body));
    }
    std::string header = response.header("WWW-Authenticate");
    if (header.empty()) {
        throw Error("Header WWW-Authenticate not found in Get Subscription response");
    }
    std::string tenant = tenant_from_www_authenticate(header);
    if (tenant.empty()) {
        throw Error("Could not find the tenant ID in header: WWW-Authenticate " + go_quote_simple(header));
    }
    if (!cache_file.empty()) {
        make_directories(cache_dir, 0700);
        write_file_atomic(cache_file, tenant, 0600);
    }
    return tenant;
}

namespace {

// POSTs a form to the tenant's OAuth endpoint; returns the status and parsed body.
std::pair<long, Json> post_form(http::Transport& transport, const std::string& url,
                                const std::vector<std::pair<std::string, std::string>>& fields) {
    http::Request request;
    request.method = "POST";
    request.url = url;
    request.body = http::form_encode(fields);
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    http::Response response = transport.send(request);
    return {response.status, parse_or_null(response.body)};
}

std::string oauth_error(const std::string& what, long status, const Json& body) {
    std::string error = string_at(body, {"error"});
    std::string description = string_at(body, {"error_description"});
    return what + ": StatusCode=" + std::to_string(status) + " error=" + go_quote_simple(error) +
           " error_description=" + go_quote_simple(description);
}

std::string token_field(const Json& token, const char* key) {
    auto it = token.find(key);
    if (it == token.end()) {
        return {};
    }
    if (it->is_string()) {
        return it->get<std::string>();
    }
    if (it->is_number_integer()) {
        return std::to_string(it->get<long long>());
    }
    return {};
}

// autorest's Token as saved to the cache file: every field a string.
Json normalized_token(const Json& token) {
    Json out = Json::object();
    for (const char* key : {"access_token", "refresh_token", "expires_in", "expires_on", "not_before",
                            "resource", "token_type"}) {
        out[key] = token_field(token, key);
    }
    return out;
}

bool token_expired(const Json& token) {
    std::string expires_on = token_field(token, "expires_on");
    if (expires_on.empty() || !std::all_of(expires_on.begin(), expires_on.end(), ::isdigit)) {
        return true;
    }
    // Refresh five minutes early, as autorest does.
    return std::stoll(expires_on) - 300 < static_cast<long long>(std::time(nullptr));
}

}  // namespace

std::string Authenticator::service_principal_token(const std::string& tenant, const std::string& client_id,
                                                   const std::string& client_secret) {
    std::string url = m_environment.active_directory + tenant + "/oauth2/token?api-version=1.0";
    auto [status, body] = post_form(m_transport, url,
                                    {{"grant_type", "client_credentials"},
                                     {"client_id", client_id},
                                     {"client_secret", client_secret},
                                     {"resource", m_environment.token_audience}});
    std::string access_token = token_field(body, "access_token");
    if (status != 200 || access_token.empty()) {
        throw Error(oauth_error("Failed to acquire a token for the service principal", status, body));
    }
    return access_token;
}

std::string Authenticator::device_flow_token(const std::string& tenant, const std::string& cache_file,
                                             const std::function<void(const std::string&)>& show_message) {
    if (m_environment.device_app_id.empty()) {
        throw Error("docker-machine application not set up for Azure environment " +
                    go_quote_simple(m_environment.name));
    }
    std::string token_url = m_environment.active_directory + tenant + "/oauth2/token?api-version=1.0";
    if (!support::path_missing(cache_file)) {
        Json cached = parse_or_null(read_file(cache_file));
        if (!cached.is_object()) {
            throw Error("Failed to load token from file: " + cache_file + " is not a token");
        }
        if (!token_expired(cached)) {
            return token_field(cached, "access_token");
        }
        auto [status, body] = post_form(m_transport, token_url,
                                        {{"grant_type", "refresh_token"},
                                         {"client_id", m_environment.device_app_id},
                                         {"refresh_token", token_field(cached, "refresh_token")},
                                         {"resource", m_environment.token_audience}});
        if (status == 200 && !token_field(body, "access_token").empty()) {
            write_file_atomic(cache_file, normalized_token(body).dump(), 0600);
            return token_field(body, "access_token");
        }
        // A refresh token that no longer works: start over with the device flow, as upstream does.
        std::remove(cache_file.c_str());
    }

    auto [code_status, code] =
        post_form(m_transport, m_environment.active_directory + tenant + "/oauth2/devicecode?api-version=1.0",
                  {{"client_id", m_environment.device_app_id}, {"resource", m_environment.token_audience}});
    if (code_status != 200 || token_field(code, "device_code").empty()) {
        throw Error(oauth_error("Failed to start device auth", code_status, code));
    }
    show_message("Microsoft Azure: " + token_field(code, "message"));
    std::string interval_text = token_field(code, "interval");
    std::string expires_text = token_field(code, "expires_in");
    auto interval = std::chrono::seconds(interval_text.empty() ? 5 : std::stoll(interval_text));
    if (m_poll_interval) {
        interval = *m_poll_interval;
    }
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::seconds(expires_text.empty() ? 900 : std::stoll(expires_text));
    while (std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(interval);
        auto [status, body] = post_form(m_transport, token_url,
                                        {{"grant_type", "device_code"},
                                         {"client_id", m_environment.device_app_id},
                                         {"code", token_field(code, "device_code")},
                                         {"resource", m_environment.token_audience}});
        if (status == 200 && !token_field(body, "access_token").empty()) {
            make_directories(go_path::dir(cache_file), 0700);
            write_file_atomic(cache_file, normalized_token(body).dump(), 0600);
            return token_field(body, "access_token");
        }
        std::string error = string_at(body, {"error"});
        if (error == "authorization_pending") {
            continue;
        }
        if (error == "slow_down") {
            interval += std::chrono::seconds(5);
            continue;
        }
        throw Error(oauth_error("Failed to complete device auth", status, body));
    }
    throw Error("Failed to complete device auth: the device code expired");
}

// ---- Azure Resource Manager ----

struct ArmClient::Result {
    http::Response response;
    Json body;
};

ArmClient::ArmClient(Environment environment, std::string subscription_id, std::string token,
                     http::Transport& transport)
    : m_environment(std::move(environment)),
      m_subscription_id(std::move(subscription_id)),
      m_token(std::move(token)),
      m_transport(transport) {}

std::string ArmClient::group_path(const std::string& group) const {
    return "subscriptions/" + http::escape(m_subscription_id) + "/resourceGroups/" + http::escape(group);
}

ArmClient::Result ArmClient::send(const std::string& label, const std::string& method,
                                  const std::string& path, const std::string& api_version,
                                  const std::string& body, const std::string& extra_query) {
    http::Request request;
    request.method = method;
    request.url = m_environment.resource_manager + path + "?api-version=" + api_version + extra_query;
    request.body = body;
    request.headers = {{"Authorization", "Bearer " + m_token}, {"Accept", "application/json"}};
    if (!body.empty()) {
        request.headers.push_back({"Content-Type", "application/json; charset=utf-8"});
    }
    Result result{m_transport.send(request), nullptr};
    if (result.response.status < 200 || result.response.status > 299) {
        throw error_from(label, result.response);
    }
    result.body = parse_or_null(result.response.body);
    return result;
}

void ArmClient::wait_for_operation(const std::string& label, const Result& started) {
    std::string async_url = started.response.header("Azure-AsyncOperation");
    std::string location = started.response.header("Location");
    if (async_url.empty() && (location.empty() || started.response.status != 202)) {
        return;  // finished synchronously
    }
    // Never faster than once a second (or the test interval), whatever Retry-After says.
    const auto floor = std::min<std::chrono::milliseconds>(m_poll_interval, std::chrono::seconds(1));
    auto delay = std::max(retry_after(started.response, m_poll_interval), floor);
    // ARM operations finish within minutes; this bounds a server that never says so.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
    while (std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(delay);
        http::Request poll;
        poll.url = async_url.empty() ? location : async_url;
        poll.headers = {{"Authorization", "Bearer " + m_token}, {"Accept", "application/json"}};
        http::Response response = m_transport.send(poll);
        delay = std::max(retry_after(response, m_poll_interval), floor);
        if (!async_url.empty()) {
            if (response.status < 200 || response.status > 299) {
                throw error_from(label, response);
            }
            Json body = parse_or_null(response.body);
            std::string status = string_at(body, {"status"});
            if (status == "Succeeded") {
                return;
            }
            if (status == "Failed" || status == "Canceled") {
                throw AzureError(label + ": Long running operation terminated with status " +
                                     go_quote_simple(status) +
                                     ": Code=" + go_quote_simple(string_at(body, {"error", "code"})) +
                                     " Message=" + go_quote_simple(string_at(body, {"error", "message"})),
                                 response.status, string_at(body, {"error", "code"}));
            }
            continue;
        }
        if (response.status == 202) {
            continue;
        }
        if (response.status < 200 || response.status > 299) {
            throw error_from(label, response);
        }
        return;
    }
    throw Error(label + ": Long running operation did not finish in time");
}

std::vector<std::pair<std::string, std::string>> ArmClient::providers() {
    auto result =
        send("resources.ProvidersClient#List", "GET",
             "subscriptions/" + http::escape(m_subscription_id) + "/providers", k_resources_api, "");
    const Json* value = array_at(result.body, {"value"});
    if (value == nullptr) {
        throw Error("resource providers list is returned as nil");
    }
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& provider : *value) {
        out.emplace_back(string_at(provider, {"namespace"}), string_at(provider, {"registrationState"}));
    }
    return out;
}

void ArmClient::register_provider(const std::string& name_space) {
    (void)send("resources.ProvidersClient#Register", "POST",
               "subscriptions/" + http::escape(m_subscription_id) + "/providers/" + http::escape(name_space) +
                   "/register",
               k_resources_api, "");
}

bool ArmClient::resource_group_exists(const std::string& group) {
    try {
        (void)send(
            "resources.GroupsClient#Get", "GET",
            "subscriptions/" + http::escape(m_subscription_id) + "/resourcegroups/" + http::escape(group),
            k_resources_api, "");
        return true;
    } catch (const AzureError& error) {
        if (error.status() == 404) {
            return false;
        }
        throw;
    }
}

void ArmClient::create_resource_group(const std::string& group, const std::string& location) {
    (void)send("resources.GroupsClient#CreateOrUpdate", "PUT",
               "subscriptions/" + http::escape(m_subscription_id) + "/resourcegroups/" + http::escape(group),
               k_resources_api, Json{{"location", location}}.dump());
}

namespace {

template <typename Function>
auto unless_not_found(Function&& function) -> std::optional<decltype(function())> {
    try {
        return function();
    } catch (const AzureError& error) {
        if (error.status() == 404) {
            return std::nullopt;
        }
        throw;
    }
}

}  // namespace

std::string ArmClient::create_availability_set(const std::string& group, const std::string& name,
                                               const std::string& location) {
    auto result =
        send("compute.AvailabilitySetsClient#CreateOrUpdate", "PUT",
             group_path(group) + "/providers/Microsoft.Compute/availabilitySets/" + http::escape(name),
             k_compute_api, Json{{"location", location}}.dump());
    return string_at(result.body, {"id"});
}

std::optional<std::size_t> ArmClient::availability_set_vm_count(const std::string& group,
                                                                const std::string& name) {
    return unless_not_found([&] {
        auto result =
            send("compute.AvailabilitySetsClient#Get", "GET",
                 group_path(group) + "/providers/Microsoft.Compute/availabilitySets/" + http::escape(name),
                 k_compute_api, "");
        const Json* vms = array_at(result.body, {"properties", "virtualMachines"});
        return vms == nullptr ? std::size_t{0} : vms->size();
    });
}

void ArmClient::delete_availability_set(const std::string& group, const std::string& name) {
    (void)send("compute.AvailabilitySetsClient#Delete", "DELETE",
               group_path(group) + "/providers/Microsoft.Compute/availabilitySets/" + http::escape(name),
               k_compute_api, "");
}

std::string security_group_body(const std::string& location, const std::vector<SecurityRule>& rules) {
    OrderedJson rule_list = OrderedJson::array();
    for (const auto& rule : rules) {
        rule_list.push_back({{"name", rule.name},
                             {"properties",
                              {{"description", rule.description},
                               {"protocol", rule.protocol},
                               {"sourcePortRange", "*"},
                               {"destinationPortRange", rule.destination_port_range},
                               {"sourceAddressPrefix", "*"},
                               {"destinationAddressPrefix", "*"},
                               {"access", "Allow"},
                               {"priority", rule.priority},
                               {"direction", "Inbound"}}}});
    }
    OrderedJson body = {{"location", location}, {"properties", {{"securityRules", rule_list}}}};
    return body.dump();
}

std::string ArmClient::create_network_security_group(const std::string& group, const std::string& name,
                                                     const std::string& location,
                                                     const std::vector<SecurityRule>& rules) {
    std::string path =
        group_path(group) + "/providers/Microsoft.Network/networkSecurityGroups/" + http::escape(name);
    const std::string label = "network.SecurityGroupsClient#CreateOrUpdate";
    wait_for_operation(label, send(label, "PUT", path, k_network_api, security_group_body(location, rules)));
    return string_at(send("network.SecurityGroupsClient#Get", "GET", path, k_network_api, "").body, {"id"});
}

bool ArmClient::network_security_group_exists(const std::string& group, const std::string& name) {
    return unless_not_found([&] {
               return send("network.SecurityGroupsClient#Get", "GET",
                           group_path(group) + "/providers/Microsoft.Network/networkSecurityGroups/" +
                               http::escape(name),
                           k_network_api, "")
                   .response.status;
           })
        .has_value();
}

void ArmClient::delete_network_security_group(const std::string& group, const std::string& name) {
    const std::string label = "network.SecurityGroupsClient#Delete";
    wait_for_operation(label, send(label, "DELETE",
                                   group_path(group) + "/providers/Microsoft.Network/networkSecurityGroups/" +
                                       http::escape(name),
                                   k_network_api, ""));
}

std::optional<std::size_t> ArmClient::virtual_network_subnet_count(const std::string& group,
                                                                   const std::string& name) {
    return unless_not_found([&] {
        auto result =
            send("network.VirtualNetworksClient#Get", "GET",
                 group_path(group) + "/providers/Microsoft.Network/virtualNetworks/" + http::escape(name),
                 k_network_api, "");
        const Json* subnets = array_at(result.body, {"properties", "subnets"});
        return subnets == nullptr ? std::size_t{0} : subnets->size();
    });
}

void ArmClient::create_virtual_network(const std::string& group, const std::string& name,
                                       const std::string& location,
                                       const std::vector<std::string>& address_prefixes) {
    OrderedJson body = {{"location", location},
                        {"properties", {{"addressSpace", {{"addressPrefixes", address_prefixes}}}}}};
    const std::string label = "network.VirtualNetworksClient#CreateOrUpdate";
    wait_for_operation(
        label, send(label, "PUT",
                    group_path(group) + "/providers/Microsoft.Network/virtualNetworks/" + http::escape(name),
                    k_network_api, body.dump()));
}

void ArmClient::delete_virtual_network(const std::string& group, const std::string& name) {
    const std::string label = "network.VirtualNetworksClient#Delete";
    wait_for_operation(
        label, send(label, "DELETE",
                    group_path(group) + "/providers/Microsoft.Network/virtualNetworks/" + http::escape(name),
                    k_network_api, ""));
}

std::optional<Subnet> ArmClient::subnet(const std::string& group, const std::string& vnet,
                                        const std::string& name) {
    return unless_not_found([&] {
        auto result = send("network.SubnetsClient#Get", "GET",
                           group_path(group) + "/providers/Microsoft.Network/virtualNetworks/" +
                               http::escape(vnet) + "/subnets/" + http::escape(name),
                           k_network_api, "");
        const Json* configurations = array_at(result.body, {"properties", "ipConfigurations"});
        return Subnet{string_at(result.body, {"id"}), configurations == nullptr ? 0 : configurations->size()};
    });
}

std::string ArmClient::create_subnet(const std::string& group, const std::string& vnet,
                                     const std::string& name, const std::string& prefix) {
    std::string path = group_path(group) + "/providers/Microsoft.Network/virtualNetworks/" +
                       http::escape(vnet) + "/subnets/" + http::escape(name);
    const std::string label = "network.SubnetsClient#CreateOrUpdate";
    wait_for_operation(label, send(label, "PUT", path, k_network_api,
                                   Json{{"properties", {{"addressPrefix", prefix}}}}.dump()));
    return string_at(send("network.SubnetsClient#Get", "GET", path, k_network_api, "").body, {"id"});
}

void ArmClient::delete_subnet(const std::string& group, const std::string& vnet, const std::string& name) {
    const std::string label = "network.SubnetsClient#Delete";
    wait_for_operation(label, send(label, "DELETE",
                                   group_path(group) + "/providers/Microsoft.Network/virtualNetworks/" +
                                       http::escape(vnet) + "/subnets/" + http::escape(name),
                                   k_network_api, ""));
}

std::string ArmClient::create_public_ip(const std::string& group, const std::string& name,
                                        const std::string& location, bool is_static,
                                        const std::string& dns_label) {
    OrderedJson properties = {{"publicIPAllocationMethod", is_static ? "Static" : "Dynamic"}};
    if (!dns_label.empty()) {
        properties["dnsSettings"] = {{"domainNameLabel", dns_label}};
    }
    OrderedJson body = {{"location", location}, {"properties", properties}};
    std::string path =
        group_path(group) + "/providers/Microsoft.Network/publicIPAddresses/" + http::escape(name);
    const std::string label = "network.PublicIPAddressesClient#CreateOrUpdate";
    wait_for_operation(label, send(label, "PUT", path, k_network_api, body.dump()));
    return string_at(send("network.PublicIPAddressesClient#Get", "GET", path, k_network_api, "").body,
                     {"id"});
}

std::optional<PublicIp> ArmClient::public_ip(const std::string& group, const std::string& name) {
    return unless_not_found([&] {
        auto result =
            send("network.PublicIPAddressesClient#Get", "GET",
                 group_path(group) + "/providers/Microsoft.Network/publicIPAddresses/" + http::escape(name),
                 k_network_api, "");
        return PublicIp{string_at(result.body, {"id"}), string_at(result.body, {"properties", "ipAddress"}),
                        string_at(result.body, {"properties", "dnsSettings", "fqdn"})};
    });
}

void ArmClient::delete_public_ip(const std::string& group, const std::string& name) {
    const std::string label = "network.PublicIPAddressesClient#Delete";
    wait_for_operation(label, send(label, "DELETE",
                                   group_path(group) + "/providers/Microsoft.Network/publicIPAddresses/" +
                                       http::escape(name),
                                   k_network_api, ""));
}

std::string network_interface_body(const std::string& location, const std::string& public_ip_id,
                                   const std::string& subnet_id, const std::string& nsg_id,
                                   const std::string& private_ip) {
    OrderedJson ip_properties = OrderedJson::object();
    if (!private_ip.empty()) {
        ip_properties["privateIPAddress"] = private_ip;
    }
    ip_properties["privateIPAllocationMethod"] = private_ip.empty() ? "Dynamic" : "Static";
    if (!public_ip_id.empty()) {
        ip_properties["publicIPAddress"] = {{"id", public_ip_id}};
    }
    ip_properties["subnet"] = {{"id", subnet_id}};
    OrderedJson body = {
        {"location", location},
        {"properties",
         {{"networkSecurityGroup", {{"id", nsg_id}}},
          {"ipConfigurations", OrderedJson::array({{{"name", "ip"}, {"properties", ip_properties}}})}}}};
    return body.dump();
}

std::string ArmClient::create_network_interface(const std::string& group, const std::string& name,
                                                const std::string& location, const std::string& public_ip_id,
                                                const std::string& subnet_id, const std::string& nsg_id,
                                                const std::string& private_ip) {
    std::string path =
        group_path(group) + "/providers/Microsoft.Network/networkInterfaces/" + http::escape(name);
    const std::string label = "network.InterfacesClient#CreateOrUpdate";
    wait_for_operation(label,
                       send(label, "PUT", path, k_network_api,
                            network_interface_body(location, public_ip_id, subnet_id, nsg_id, private_ip)));
    return string_at(send("network.InterfacesClient#Get", "GET", path, k_network_api, "").body, {"id"});
}

std::optional<std::string> ArmClient::network_interface_private_ip(const std::string& group,
                                                                   const std::string& name) {
    return unless_not_found([&] {
        auto result =
            send("network.InterfacesClient#Get", "GET",
                 group_path(group) + "/providers/Microsoft.Network/networkInterfaces/" + http::escape(name),
                 k_network_api, "");
        const Json* configurations = array_at(result.body, {"properties", "ipConfigurations"});
        if (configurations == nullptr || configurations->empty()) {
            return std::string();
        }
        return string_at((*configurations)[0], {"properties", "privateIPAddress"});
    });
}

void ArmClient::delete_network_interface(const std::string& group, const std::string& name) {
    const std::string label = "network.InterfacesClient#Delete";
    wait_for_operation(label, send(label, "DELETE",
                                   group_path(group) + "/providers/Microsoft.Network/networkInterfaces/" +
                                       http::escape(name),
                                   k_network_api, ""));
}

namespace {

StorageAccount storage_account_from(const Json& account) {
    return {string_at(account, {"name"}), string_at(account, {"location"}),
            string_at(account, {"sku", "name"}),
            string_at(account, {"properties", "primaryEndpoints", "blob"})};
}

}  // namespace

std::vector<StorageAccount> ArmClient::storage_accounts(const std::string& group) {
    auto result = send("storage.AccountsClient#ListByResourceGroup", "GET",
                       group_path(group) + "/providers/Microsoft.Storage/storageAccounts", k_storage_api, "");
    std::vector<StorageAccount> out;
    if (const Json* value = array_at(result.body, {"value"})) {
        for (const auto& account : *value) {
            out.push_back(storage_account_from(account));
        }
    }
    return out;
}

void ArmClient::create_storage_account(const std::string& group, const std::string& name,
                                       const std::string& location, const std::string& sku) {
    // "kind" is required by the 2016-01-01 API; "Storage" is the general-purpose kind the SDK's default
    // meant.
    OrderedJson body = {{"sku", {{"name", sku}}}, {"kind", "Storage"}, {"location", location}};
    const std::string label = "storage.AccountsClient#Create";
    wait_for_operation(
        label, send(label, "PUT",
                    group_path(group) + "/providers/Microsoft.Storage/storageAccounts/" + http::escape(name),
                    k_storage_api, body.dump()));
}

StorageAccount ArmClient::storage_account(const std::string& group, const std::string& name) {
    return storage_account_from(
        send("storage.AccountsClient#GetProperties", "GET",
             group_path(group) + "/providers/Microsoft.Storage/storageAccounts/" + http::escape(name),
             k_storage_api, "")
            .body);
}

std::vector<std::string> ArmClient::storage_account_keys(const std::string& group, const std::string& name) {
    auto result = send("storage.AccountsClient#ListKeys", "POST",
                       group_path(group) + "/providers/Microsoft.Storage/storageAccounts/" +
                           http::escape(name) + "/listKeys",
                       k_storage_api, "");
    std::vector<std::string> keys;
    if (const Json* list = array_at(result.body, {"keys"})) {
        for (const auto& key : *list) {
            keys.push_back(string_at(key, {"value"}));
        }
    }
    return keys;
}

void ArmClient::delete_storage_account(const std::string& group, const std::string& name) {
    (void)send("storage.AccountsClient#Delete", "DELETE",
               group_path(group) + "/providers/Microsoft.Storage/storageAccounts/" + http::escape(name),
               k_storage_api, "");
}

std::string power_state_of(std::string_view vm_body) {
    Json body = parse_or_null(vm_body);
    const Json* statuses = array_at(body, {"properties", "instanceView", "statuses"});
    if (statuses == nullptr) {
        return {};
    }
    for (const auto& status : *statuses) {
        std::string code = string_at(status, {"code"});
        if (code.rfind("PowerState/", 0) == 0) {
            return code.substr(std::string_view("PowerState/").size());
        }
    }
    return {};
}

std::optional<VirtualMachine> ArmClient::virtual_machine(const std::string& group, const std::string& name,
                                                         bool instance_view) {
    return unless_not_found([&] {
        auto result =
            send("compute.VirtualMachinesClient#Get", "GET",
                 group_path(group) + "/providers/Microsoft.Compute/virtualMachines/" + http::escape(name),
                 k_compute_api, "", instance_view ? "&$expand=instanceView" : "");
        return VirtualMachine{
            string_at(result.body, {"properties", "storageProfile", "osDisk", "vhd", "uri"}),
            power_state_of(result.response.body)};
    });
}

std::string virtual_machine_body(const VirtualMachineSpec& spec) {
    OrderedJson os_profile = {
        {"computerName", spec.name},
        {"adminUsername", spec.admin_username},
        {"linuxConfiguration",
         {{"disablePasswordAuthentication", true},
          {"ssh",
           {{"publicKeys",
             OrderedJson::array({{{"path", "/home/" + spec.admin_username + "/.ssh/authorized_keys"},
                                  {"keyData", spec.ssh_public_key}}})}}}}}};
    if (!spec.custom_data.empty()) {
        os_profile["customData"] = spec.custom_data;
    }
    OrderedJson body = {
        {"location", spec.location},
        {"properties",
         {{"hardwareProfile", {{"vmSize", spec.size}}},
          {"storageProfile",
           {{"imageReference",
             {{"publisher", spec.publisher},
              {"offer", spec.offer},
              {"sku", spec.sku},
              {"version", spec.version}}},
            {"osDisk",
             {{"name", spec.name + "-os-disk"},
              {"vhd", {{"uri", spec.os_disk_vhd_uri}}},
              {"caching", "ReadWrite"},
              {"createOption", "FromImage"}}}}},
          {"osProfile", os_profile},
          {"networkProfile",
           {{"networkInterfaces", OrderedJson::array({{{"id", spec.network_interface_id}}})}}},
          {"availabilitySet", {{"id", spec.availability_set_id}}}}}};
    return body.dump();
}

void ArmClient::create_virtual_machine(const std::string& group, const VirtualMachineSpec& spec) {
    const std::string label = "compute.VirtualMachinesClient#CreateOrUpdate";
    wait_for_operation(label, send(label, "PUT",
                                   group_path(group) + "/providers/Microsoft.Compute/virtualMachines/" +
                                       http::escape(spec.name),
                                   k_compute_api, virtual_machine_body(spec)));
}

void ArmClient::delete_virtual_machine(const std::string& group, const std::string& name) {
    const std::string label = "compute.VirtualMachinesClient#Delete";
    wait_for_operation(
        label, send(label, "DELETE",
                    group_path(group) + "/providers/Microsoft.Compute/virtualMachines/" + http::escape(name),
                    k_compute_api, ""));
}

void ArmClient::start_virtual_machine(const std::string& group, const std::string& name) {
    const std::string label = "compute.VirtualMachinesClient#Start";
    wait_for_operation(label, send(label, "POST",
                                   group_path(group) + "/providers/Microsoft.Compute/virtualMachines/" +
                                       http::escape(name) + "/start",
                                   k_compute_api, ""));
}

void ArmClient::power_off_virtual_machine(const std::string& group, const std::string& name) {
    const std::string label = "compute.VirtualMachinesClient#PowerOff";
    wait_for_operation(label, send(label, "POST",
                                   group_path(group) + "/providers/Microsoft.Compute/virtualMachines/" +
                                       http::escape(name) + "/powerOff",
                                   k_compute_api, ""));
}

void ArmClient::restart_virtual_machine(const std::string& group, const std::string& name) {
    const std::string label = "compute.VirtualMachinesClient#Restart";
    wait_for_operation(label, send(label, "POST",
                                   group_path(group) + "/providers/Microsoft.Compute/virtualMachines/" +
                                       http::escape(name) + "/restart",
                                   k_compute_api, ""));
}

// ---- blob service ----

std::string shared_key_string_to_sign(const std::string& method, const std::string& account,
                                      const std::string& resource,
                                      const std::vector<std::pair<std::string, std::string>>& ms_headers,
                                      const std::vector<std::pair<std::string, std::string>>& query) {
    // VERB, Content-Encoding, -Language, -Length, -MD5, -Type, Date, If-Modified-Since, If-Match,
    // If-None-Match, If-Unmodified-Since, Range: all empty for these body-less requests.
    std::string text = method + "\n\n\n\n\n\n\n\n\n\n\n\n";
    std::map<std::string, std::string> headers;
    for (const auto& [name, value] : ms_headers) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
        headers[lower] = value;
    }
    for (const auto& [name, value] : headers) {
        text += name + ":" + value + "\n";
    }
    text += "/" + account + resource;
    std::map<std::string, std::string> parameters;
    for (const auto& [name, value] : query) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
        parameters[lower] = value;
    }
    for (const auto& [name, value] : parameters) {
        text += "\n" + name + ":" + value;
    }
    return text;
}

BlobClient::BlobClient(std::string account, std::string base64_key, http::Transport& transport)
    : m_account(std::move(account)), m_key(std::move(base64_key)), m_transport(transport) {}

http::Response BlobClient::send(const std::string& method, const std::string& url,
                                const std::string& resource,
                                const std::vector<std::pair<std::string, std::string>>& query) {
    std::vector<std::pair<std::string, std::string>> ms_headers = {{"x-ms-date", rfc1123_now()},
                                                                   {"x-ms-version", k_blob_api}};
    std::string string_to_sign = shared_key_string_to_sign(method, m_account, resource, ms_headers, query);
    std::string key = support::base64_decode(m_key);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_size = 0;
    ::HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(string_to_sign.data()), string_to_sign.size(), digest,
           &digest_size);
    std::string signature =
        support::base64_encode(std::string_view(reinterpret_cast<const char*>(digest), digest_size));

    http::Request request;
    request.method = method;
    request.url = url;
    for (std::size_t i = 0; i < query.size(); ++i) {
        request.url += (i == 0 ? "?" : "&") + query[i].first + "=" + http::escape(query[i].second);
    }
    for (const auto& [name, value] : ms_headers) {
        request.headers.push_back({name, value});
    }
    request.headers.push_back({"Authorization", "SharedKey " + m_account + ":" + signature});
    return m_transport.send(request);
}

namespace {

// "/<path>" of an absolute URL ("https://h/a/b" -> "/a/b"; "https://h" -> "/").
std::string url_path(const std::string& url) {
    auto scheme = url.find("://");
    auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return slash == std::string::npos ? "/" : url.substr(slash);
}

}  // namespace

bool BlobClient::delete_container(const std::string& service_url, const std::string& container) {
    std::string url = with_slash(service_url) + container;
    http::Response response = send("DELETE", url, url_path(url), {{"restype", "container"}});
    if (response.status == 404) {
        return false;
    }
    if (response.status < 200 || response.status > 299) {
        throw Error("storage: service returned error: StatusCode=" + std::to_string(response.status) +
                    " deleting container " + container);
    }
    return true;
}

std::vector<std::string> BlobClient::list_containers(const std::string& service_url) {
    std::string url = with_slash(service_url);
    http::Response response = send("GET", url, url_path(url), {{"comp", "list"}});
    if (response.status != 200) {
        throw Error("storage: service returned error: StatusCode=" + std::to_string(response.status) +
                    " listing containers");
    }
    std::vector<std::string> names;
    static const std::regex k_name("<Container>\\s*<Name>([^<]*)</Name>");
    for (auto it = std::sregex_iterator(response.body.begin(), response.body.end(), k_name);
         it != std::sregex_iterator(); ++it) {
        names.push_back((*it)[1].str());
    }
    return names;
}

}  // namespace machine::drivers::azure
