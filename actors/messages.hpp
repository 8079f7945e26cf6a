#pragma once
// The vocabulary actors speak. Atoms name the message; payload types are plain
// actors/domain values, allowed as local-only (never serialized) message types.
#include "actors/domain/error.hpp"
#include "actors/domain/types.hpp"
#include "actors/ports/notification_source.hpp"
#include "net/http_sender.hpp"

#include <caf/all.hpp>

#include <vector>

namespace courier::atoms {

// delivery actor
using wake_atom = caf::atom_constant<caf::atom("wake")>;
using fetched_atom = caf::atom_constant<caf::atom("fetched")>;
using send_atom = caf::atom_constant<caf::atom("send")>;
using http_done_atom = caf::atom_constant<caf::atom("httpdone")>;
using parked_atom = caf::atom_constant<caf::atom("parked")>;
using disabled_atom = caf::atom_constant<caf::atom("disabled")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using spec_atom = caf::atom_constant<caf::atom("spec")>;
// cursor flusher
using advance_atom = caf::atom_constant<caf::atom("advance")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using committed_atom = caf::atom_constant<caf::atom("committed")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
// partition actor
using loaded_atom = caf::atom_constant<caf::atom("loaded")>;
using hooks_changed_atom = caf::atom_constant<caf::atom("hookschg")>;
using restart_atom = caf::atom_constant<caf::atom("restart")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using revoke_atom = caf::atom_constant<caf::atom("revoke")>;
using grace_atom = caf::atom_constant<caf::atom("grace")>;
// lease keeper / node supervisor
using acquired_atom = caf::atom_constant<caf::atom("acquired")>;
using released_atom = caf::atom_constant<caf::atom("released")>;
using lost_atom = caf::atom_constant<caf::atom("lost")>;
using fenced_atom = caf::atom_constant<caf::atom("fenced")>;
using drain_atom = caf::atom_constant<caf::atom("drain")>;
using drained_atom = caf::atom_constant<caf::atom("drained")>;
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;
// notification listener
using poll_atom = caf::atom_constant<caf::atom("poll")>;
using wakeups_atom = caf::atom_constant<caf::atom("wakeups")>;
using partitions_atom = caf::atom_constant<caf::atom("parts")>;
using maintain_atom = caf::atom_constant<caf::atom("maintain")>;

} // namespace courier::atoms

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::hook_spec)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::lease_grant)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::cursor_update)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::net::http_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<courier::wakeup>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::result<std::vector<courier::outbox_event>>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::result<std::vector<courier::hook_spec>>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::result<std::vector<courier::hook_id>>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::hook_id)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::partition_id)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::lease_epoch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::stream_seq)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<courier::partition_id>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::result<void>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::result<courier::outbox_maintenance>)
