// Expected<T, F, E>: a value or a fault, the shape every library of common/ uses for expected failures (bad
// input, wrong password, a broken rule). F is the library's fault type, a struct {code, message}; E is the
// exception thrown when a failed Expected's value is read, which is a bug, never undefined behaviour.
// Each library names its own alias: cipher::Outcome<T>, coin::Result<T>, wallet::Result<T>.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace skymesh::base {

template <typename T, typename F, typename E>
class [[nodiscard]] Expected {
 public:
  using Code = decltype(F::code);

  Expected(T value) : state_(std::move(value)) {}
  Expected(F fault) : state_(std::move(fault)) {}
  Expected(Code code, std::string message) : state_(F{code, std::move(message)}) {}

  bool ok() const noexcept { return std::holds_alternative<T>(state_); }
  explicit operator bool() const noexcept { return ok(); }
  // Throw E when !ok().
  T& value() & {
    check();
    return std::get<T>(state_);
  }
  const T& value() const& {
    check();
    return std::get<T>(state_);
  }
  T&& value() && {
    check();
    return std::get<T>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  // Precondition: !ok().
  const F& fault() const { return std::get<F>(state_); }
  Code error() const { return fault().code; }
  const std::string& message() const { return fault().message; }

 private:
  void check() const {
    if (!ok()) throw E(std::get<F>(state_));
  }
  std::variant<T, F> state_;
};

// Success carries nothing: the result of a check.
template <typename F, typename E>
class [[nodiscard]] Expected<void, F, E> {
 public:
  using Code = decltype(F::code);

  Expected() = default;
  Expected(F fault) : fault_(std::move(fault)) {}
  Expected(Code code, std::string message) : fault_(F{code, std::move(message)}) {}

  bool ok() const noexcept { return !fault_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  // Throws E when !ok().
  void value() const {
    if (fault_) throw E(*fault_);
  }
  // Precondition: !ok().
  const F& fault() const { return *fault_; }
  Code error() const { return fault_->code; }
  const std::string& message() const { return fault_->message; }

 private:
  std::optional<F> fault_;
};

}  // namespace skymesh::base
