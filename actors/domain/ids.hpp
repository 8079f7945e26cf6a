#pragma once
// Integers that name different things have different types, so that swapping two
// arguments (a hook for a seq, a partition for an epoch) does not compile. Each is an
// enum class over its integer: comparable, hashable, never converted implicitly; make
// one with hook_id{7}, read it back with raw() at the edges (SQL, logs, headers).
#include <cstdint>
#include <type_traits>

namespace courier {

enum class hook_id : std::int64_t {};     // courier.hooks.id
enum class partition_id : int {};         // hash(hook) mod partitions; what a lease covers
enum class lease_epoch : std::int64_t {}; // bumped on every acquisition; fences writes
enum class stream_seq : std::int64_t {};  // position in a hook's stream: 1, 2, 3 ...

template <class T> struct is_id : std::false_type {};
template <> struct is_id<hook_id> : std::true_type {};
template <> struct is_id<partition_id> : std::true_type {};
template <> struct is_id<lease_epoch> : std::true_type {};
template <> struct is_id<stream_seq> : std::true_type {};

template <class Id, class = std::enable_if_t<is_id<Id>::value>>
constexpr std::underlying_type_t<Id> raw(Id id) {
  return static_cast<std::underlying_type_t<Id>>(id);
}

} // namespace courier
