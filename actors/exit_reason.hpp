#pragma once
// Exit reasons that keep the error's class: an actor that fails exits with its
// courier::error, and its supervisor reads the class back to decide (retry, restart,
// quarantine, drop the partition). Used by every actor and supervisor.
#include "actors/domain/error.hpp"

#include <caf/error.hpp>
#include <caf/fwd.hpp>

#include <exception>

namespace courier {

caf::error exit_reason(const error& e);

// The error an actor failed with. Escaped exceptions and CAF's own reasons (a kill, an
// unexpected message) are permanent: they say nothing about whether trying again can
// help. Callers handle a normal exit (no reason) before asking.
error failure_of(const caf::error& reason);

// Turns an exception escaping an actor's handler into its exit reason, with the
// message kept (CAF's default prints to stderr and loses it): a bug, so permanent.
caf::error exception_to_error(caf::scheduled_actor*, std::exception_ptr& eptr);

} // namespace courier
