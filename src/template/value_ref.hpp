#pragma once

// How the executor holds a value: Go's reflect.Value, reduced to what text/template looks at.

#include <memory>

#include "machine/template.hpp"

namespace machine::tmpl::detail {

struct Ref {
    // Null for Go's invalid reflect.Value: a missing map key, no data, an unset pipeline.
    std::shared_ptr<const Value> value;
    // The static type is interface{}: the value came out of a map or an array (of interface{}) or was
    // returned by a function as interface{}. Matters for error texts ("in type interface {}") and for nil
    // handling: a nil interface is a value, an invalid Ref is none.
    bool iface = false;

    [[nodiscard]] bool valid() const { return value != nullptr; }
    [[nodiscard]] bool is_nil_interface() const { return valid() && iface && value->is_nil(); }

    [[nodiscard]] static Ref invalid() { return Ref{}; }
    [[nodiscard]] static Ref of(Value v) { return Ref{std::make_shared<const Value>(std::move(v)), false}; }
    [[nodiscard]] static Ref nil_interface() { return Ref{std::make_shared<const Value>(), true}; }
    // A part of `owner`'s value, kept alive by it.
    [[nodiscard]] static Ref element(const Ref& owner, const Value& part, bool iface) {
        return Ref{std::shared_ptr<const Value>(owner.value, &part), iface};
    }
};

}  // namespace machine::tmpl::detail
