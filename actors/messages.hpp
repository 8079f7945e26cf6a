#pragma once
// The vocabulary actors speak. Every message starts with an atom that names it (typed
// interfaces need one wherever payload types alone would collide, and one rule reads
// better than two); which actor accepts which message is declared by the typed
// interface in that actor's header. Payload types are plain actors/domain values, allowed
// as local-only (never serialized) message types. Atom texts are CAF's, at most 10
// characters; they show up in CAF's own logs.
#include "actors/domain/error.hpp"
#include "actors/domain/types.hpp"
#include "net/http_sender.hpp"

#include <caf/all.hpp>

#include <vector>

namespace courier::atoms {

// delivery actor
using wake_atom = caf::atom_constant<caf::atom("wake")>;
using hook_spec_atom = caf::atom_constant<caf::atom("hook_spec")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using fetched_atom = caf::atom_constant<caf::atom("fetched")>;
using try_send_atom = caf::atom_constant<caf::atom("try_send")>;
using http_done_atom = caf::atom_constant<caf::atom("http_done")>;
using parked_atom = caf::atom_constant<caf::atom("parked")>;
using disabled_atom = caf::atom_constant<caf::atom("disabled")>;
using budget_atom = caf::atom_constant<caf::atom("budget")>;
using idle_atom = caf::atom_constant<caf::atom("idle")>;
using passivated_atom = caf::atom_constant<caf::atom("passivated")>;
// cursor flusher
using advance_atom = caf::atom_constant<caf::atom("advance")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using committed_atom = caf::atom_constant<caf::atom("committed")>;
using fenced_atom = caf::atom_constant<caf::atom("fenced")>;
// attempt logger
using attempt_atom = caf::atom_constant<caf::atom("attempt")>;
using logged_atom = caf::atom_constant<caf::atom("logged")>;
// partition actor
using hooks_changed_atom = caf::atom_constant<caf::atom("hookchange")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using revoke_atom = caf::atom_constant<caf::atom("revoke")>;
using loaded_atom = caf::atom_constant<caf::atom("loaded")>;
using restart_atom = caf::atom_constant<caf::atom("restart")>;
using grace_over_atom = caf::atom_constant<caf::atom("grace_over")>;
using rewound_atom = caf::atom_constant<caf::atom("rewound")>;
// lease keeper
using acquired_atom = caf::atom_constant<caf::atom("acquired")>;
using released_atom = caf::atom_constant<caf::atom("released")>;
using leases_lost_atom = caf::atom_constant<caf::atom("leaseslost")>;
using drain_atom = caf::atom_constant<caf::atom("drain")>;
using drained_atom = caf::atom_constant<caf::atom("drained")>;
// notification listener
using wakeups_atom = caf::atom_constant<caf::atom("wakeups")>;
using held_partitions_atom = caf::atom_constant<caf::atom("partitions")>;
using poll_atom = caf::atom_constant<caf::atom("poll")>;
using backlogs_atom = caf::atom_constant<caf::atom("backlogs")>;
// node supervisor
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;
using maintain_atom = caf::atom_constant<caf::atom("maintain")>;
using maintained_atom = caf::atom_constant<caf::atom("maintained")>;
// cluster metrics
using read_stats_atom = caf::atom_constant<caf::atom("readstats")>;
using stats_read_atom = caf::atom_constant<caf::atom("statsread")>;
// timers of the cursor flusher and the lease keeper
using tick_atom = caf::atom_constant<caf::atom("tick")>;

} // namespace courier::atoms

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::hook_spec)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::lease_grant)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::cursor_update)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::attempt_record)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<courier::attempt_record>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::net::http_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<courier::wakeup>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::result<std::vector<courier::wakeup>>)
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
