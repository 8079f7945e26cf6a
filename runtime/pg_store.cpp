#include "runtime/pg_store.hpp"

#include "runtime/hook_options_json.hpp"
#include "runtime/pg_array.hpp"

#include <pqxx/pqxx>

#include <malloc.h>
#include <stdexcept>
#include <unordered_map>

namespace courier {

namespace {

// The lease check shared by every fenced write: the row lock (FOR SHARE) makes a
// concurrent epoch bump by a new owner wait for, then invalidate, this write.
constexpr const char* fence_cte = R"(
  fence AS (SELECT partition FROM courier.leases
             WHERE partition = $1 AND epoch = $2 AND node_id = $3 FOR SHARE))";

error fenced(const char* what, const cursor_update& at) {
  return {errc::fenced,
          std::string{what} + " refused: partition " + std::to_string(raw(at.partition)) +
              " is no longer leased to this node under epoch " + std::to_string(raw(at.epoch))};
}

// Up to this many partitions are loaded in one query (a node taking its partitions at
// start or on a failover asks for dozens at once), and up to this many hooks' heads read
// in one (a NOTIFY wakes hundreds together): few enough that one batch stays a short read.
constexpr std::size_t max_load_batch = 16;
constexpr std::size_t max_fetch_batch = 32;

// Hands the heap's free pages back to the system (glibc's malloc_trim). Not under a
// sanitizer: it brings its own malloc, and trimming glibc's unused arenas then trips
// glibc's check when a thread exits (courierd aborted on stop in the ASan tests).
void return_free_pages() {
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  malloc_trim(0);
#endif
}

hook_spec hook_from_row(const pqxx::row& row) {
  hook_spec h;
  h.id = hook_id{row[1].as<std::int64_t>()};
  h.partition = partition_id{row[0].as<int>()};
  h.url = row[2].as<std::string>();
  h.secrets = parse_text_array(row[3].as<std::string>());
  auto state = row[4].as<std::string>();
  auto known = hook_state_from_string(state);
  if (!known) // the table's CHECK allows no other: a schema this node does not know
    throw std::runtime_error("hook " + std::to_string(raw(h.id)) + " has unknown state '" + state +
                             "'");
  h.state = *known;
  h.delivered_seq = stream_seq{row[5].as<std::int64_t>()};
  h.head_attempts = row[6].as<int>();
  h.quarantined_until_ms = row[7].as<std::int64_t>();
  h.last_seq = stream_seq{row[8].as<std::int64_t>()};
  auto options = parse_hook_options(row[9].as<std::string>());
  if (!options.ok()) // configure_hook refuses these: a schema this node does not know
    throw std::runtime_error("hook " + std::to_string(raw(h.id)) + ": " + options.error().message);
  h.options = std::move(options.value());
  h.rewind_id = row[10].as<std::int64_t>();
  h.rewind_from = stream_seq{row[11].as<std::int64_t>()};
  h.head_failing_since_ms = row[12].as<std::int64_t>();
  return h;
}

// Every hook of the asked partitions; answers[i] holds partitions[i]'s (a partition
// asked twice gets its hooks twice).
std::vector<std::vector<hook_spec>> read_partitions(pqxx::connection& conn,
                                                    const std::vector<partition_id>& partitions) {
  pqxx::nontransaction tx{conn};
  // Each hook's cursor, stream and pending rewind by its key (LATERAL ... LIMIT 1 keeps
  // the planner from joining them whole): a plain join hashed every cursor of the
  // cluster for each partition, 14 ms per partition at 100,000 hooks.
  auto rows = tx.exec_params(
      R"(SELECT h.partition, h.id, h.url, h.secrets, h.state, c.delivered_seq, c.head_attempts,
                coalesce((extract(epoch FROM c.quarantined_until) * 1000)::bigint, 0),
                s.next_seq - 1, h.options::text, coalesce(r.id, 0), coalesce(r.from_seq, 0),
                coalesce((extract(epoch FROM c.head_failing_since) * 1000)::bigint, 0)
           FROM courier.hooks h
                CROSS JOIN LATERAL (SELECT * FROM courier.cursors
                                     WHERE hook_id = h.id LIMIT 1) c
                CROSS JOIN LATERAL (SELECT next_seq FROM courier.streams
                                     WHERE hook_id = h.id LIMIT 1) s
                LEFT JOIN LATERAL (SELECT id, from_seq FROM courier.rewinds
                                    WHERE hook_id = h.id AND applied_at IS NULL LIMIT 1) r
                       ON true
          WHERE h.partition = ANY($1::int[]))",
      int_array_literal(partitions));
  // Rows go to the first place their partition was asked at; a later place of the same
  // partition gets a copy.
  std::unordered_map<int, std::size_t> first_place;
  for (std::size_t i = 0; i < partitions.size(); ++i)
    first_place.emplace(raw(partitions[i]), i);
  std::vector<std::vector<hook_spec>> answers(partitions.size());
  for (const auto& row : rows) {
    auto h = hook_from_row(row);
    answers[first_place.at(raw(h.partition))].push_back(std::move(h));
  }
  for (std::size_t i = 0; i < partitions.size(); ++i)
    if (auto first = first_place.at(raw(partitions[i])); first != i)
      answers[i] = answers[first];
  // The rows' memory lay between the specs just built, which the node keeps for as long as
  // it holds the partitions. Once freed it is holes glibc does not give back by itself:
  // at 100,000 hooks, 300 bytes of RSS per hook. Only when partitions are taken in bulk
  // (start, failover, rebalance): a partition also reloads alone on every change of one of
  // its hooks, and a trim walks the whole heap under its locks (70 ms for 500 MB).
  const bool bulk = partitions.size() > 1;
  rows.clear();
  if (bulk)
    return_free_pages();
  return answers;
}

// Each request's rows come back tagged with its place in the batch (1-based), in seq
// order. The byte cut is a running sum of the payloads' text sizes (what the body will
// hold; the stored size can be a fraction of it when compressed) over the first `limit`
// entries only, so a long backlog is never read whole: entries past the cut are measured
// but never sent. The envelope is assembled here so the payload text is never re-parsed.
std::vector<std::vector<outbox_event>> read_heads(pqxx::connection& conn,
                                                  const std::vector<head_request>& requests) {
  std::vector<hook_id> hooks;
  std::vector<stream_seq> afters;
  std::vector<int> limits;
  std::vector<std::int64_t> max_bytes;
  for (const auto& r : requests) {
    hooks.push_back(r.hook);
    afters.push_back(r.after);
    limits.push_back(r.limit);
    max_bytes.push_back(r.max_bytes);
  }
  pqxx::nontransaction tx{conn};
  auto rows = tx.exec_params(
      R"(SELECT r.i, f.seq, f.event_id, (extract(epoch FROM f.emitted_at) * 1000)::bigint,
                '{"type":' || to_json(f.event_type)::text || ',"timestamp":"' ||
                to_char(f.emitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') ||
                '","data":' || f.payload::text || '}', f.payload_bytes, coalesce(f.traceparent, '')
           FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::bigint[]) WITH ORDINALITY
                AS r(hook_id, after_seq, lim, max_bytes, i)
                CROSS JOIN LATERAL (
                  SELECT * FROM (
                    SELECT *, sum(payload_bytes) OVER (ORDER BY seq) - payload_bytes AS bytes_before
                      FROM (SELECT o.seq, o.event_id, e.emitted_at, e.event_type, e.payload,
                                   e.traceparent, octet_length(e.payload::text)::bigint AS payload_bytes
                              FROM courier.outbox o JOIN courier.events e ON e.id = o.event_id
                             WHERE o.hook_id = r.hook_id AND o.seq > r.after_seq
                             ORDER BY o.seq LIMIT r.lim) head) sized
                   WHERE bytes_before < r.max_bytes) f
          ORDER BY r.i, f.seq)",
      int_array_literal(hooks), int_array_literal(afters), int_array_literal(limits),
      int_array_literal(max_bytes));
  std::vector<std::vector<outbox_event>> answers(requests.size());
  for (const auto& row : rows) {
    outbox_event ev;
    ev.seq = stream_seq{row[1].as<std::int64_t>()};
    ev.event_id = row[2].as<std::int64_t>();
    ev.emitted_at_ms = row[3].as<std::int64_t>();
    ev.body = row[4].as<std::string>();
    ev.payload_bytes = row[5].as<std::int64_t>();
    ev.traceparent = row[6].as<std::string>();
    answers.at(row[0].as<std::size_t>() - 1).push_back(std::move(ev));
  }
  return answers;
}

} // namespace

pg_store::pg_store(std::shared_ptr<pg_pool> pool, std::string node_id,
                   std::chrono::milliseconds attempt_retention,
                   std::shared_ptr<pg_pool> background_pool)
    : pool_(std::move(pool)), node_id_(std::move(node_id)), attempt_retention_(attempt_retention),
      background_pool_(background_pool ? std::move(background_pool) : pool_),
      loads_(pool_, max_load_batch, read_partitions), fetches_(pool_, max_fetch_batch, read_heads) {
}

void pg_store::load_hooks(partition_id partition, callback<std::vector<hook_spec>> done) {
  loads_.submit(partition, std::move(done));
}

void pg_store::find_backlogs(std::vector<partition_id> partitions,
                             callback<std::vector<wakeup>> done) {
  background_pool_->run<std::vector<wakeup>>(
      [partitions = std::move(partitions)](pqxx::connection& conn) {
        std::vector<wakeup> out;
        if (partitions.empty())
          return out;
        pqxx::nontransaction tx{conn};
        // The streams ahead of their cursors first, from the two narrow tables, then
        // only those hooks by key. Left to itself the planner joined all three whole
        // (300-400 ms at 100,000 hooks on a busy machine, planned from stale statistics).
        auto rows = tx.exec_params(
            R"(WITH behind AS MATERIALIZED (
                 SELECT c.hook_id FROM courier.cursors c
                   JOIN courier.streams s ON s.hook_id = c.hook_id
                  WHERE s.next_seq - 1 > c.delivered_seq)
               SELECT h.partition, h.id
                 FROM behind b
                      CROSS JOIN LATERAL (SELECT partition, id, state FROM courier.hooks
                                           WHERE id = b.hook_id LIMIT 1) h
                WHERE h.partition = ANY($1::int[]) AND h.state = 'active')",
            int_array_literal(partitions));
        for (const auto& row : rows)
          out.push_back({partition_id{row[0].as<int>()}, hook_id{row[1].as<std::int64_t>()}});
        return out;
      },
      std::move(done));
}

void pg_store::fetch_events(hook_id hook, stream_seq after, int limit, std::int64_t max_bytes,
                            callback<std::vector<outbox_event>> done) {
  fetches_.submit({hook, after, limit, max_bytes}, std::move(done));
}

void pg_store::commit_cursors(std::vector<cursor_update> updates,
                              callback<std::vector<hook_id>> done) {
  pool_->run<std::vector<hook_id>>(
      [updates = std::move(updates), node = node_id_](pqxx::connection& conn) {
        std::vector<hook_id> hooks;
        std::vector<stream_seq> seqs;
        std::vector<partition_id> partitions;
        std::vector<lease_epoch> epochs;
        for (const auto& u : updates) {
          hooks.push_back(u.hook);
          seqs.push_back(u.seq);
          partitions.push_back(u.partition);
          epochs.push_back(u.epoch);
        }
        pqxx::nontransaction tx{conn};
        // One statement: the fence check, the update and the report of what the
        // fence rejected see the same lease rows (cursors already at or past the seq
        // are not stale, only those whose lease moved on). Moving on also clears
        // last_error: record_failure only writes it for seq delivered_seq + 1 (parks and
        // quarantines for seqs already passed), so it concerns an event now delivered.
        auto fenced = tx.exec_params(
            R"(WITH input AS (
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::bigint[])
                        AS t(hook_id, seq, partition, epoch)),
           valid AS (
             SELECT i.hook_id, i.seq FROM input i
               JOIN courier.leases l ON l.partition = i.partition AND l.epoch = i.epoch
              WHERE l.node_id = $5
                FOR SHARE OF l),
           advanced AS (
             UPDATE courier.cursors c
                SET delivered_seq = v.seq, updated_at = now(), head_attempts = 0,
                    last_error = NULL, last_error_at = NULL, head_failing_since = NULL
               FROM valid v
              WHERE c.hook_id = v.hook_id AND c.delivered_seq < v.seq)
           SELECT i.hook_id FROM input i
            WHERE NOT EXISTS (SELECT 1 FROM valid v WHERE v.hook_id = i.hook_id))",
            int_array_literal(hooks), int_array_literal(seqs), int_array_literal(partitions),
            int_array_literal(epochs), node);
        std::vector<hook_id> rejected;
        for (const auto& row : fenced)
          rejected.push_back(hook_id{row[0].as<std::int64_t>()});
        return rejected;
      },
      std::move(done));
}

void pg_store::park_dead_letter(dead_letter_request req, callback<void> done) {
  pool_->run<void>(
      [req = std::move(req), node = node_id_](pqxx::connection& conn) -> result<void> {
        pqxx::work tx{conn};
        auto rows = tx.exec_params(std::string{"WITH"} + fence_cte + R"(,
           parked AS (
             INSERT INTO courier.dead_letters
                    (hook_id, seq, event_id, event_type, payload, emitted_at, attempts, last_error)
             SELECT o.hook_id, o.seq, o.event_id, e.event_type, e.payload, e.emitted_at, $6, $7
               FROM courier.outbox o JOIN courier.events e ON e.id = o.event_id
              WHERE o.hook_id = $4 AND o.seq = $5 AND EXISTS (SELECT 1 FROM fence)
             ON CONFLICT (hook_id, seq) DO NOTHING
             RETURNING 1)
           UPDATE courier.cursors
              SET delivered_seq = CASE WHEN $8 THEN greatest(delivered_seq, $5)
                                       ELSE delivered_seq END,
                  head_attempts = 0,
                  last_error = $7, last_error_at = now(), updated_at = now(),
                  head_failing_since = NULL
            WHERE hook_id = $4 AND EXISTS (SELECT 1 FROM fence)
           RETURNING 1)",
                                   raw(req.at.partition), raw(req.at.epoch), node, raw(req.at.hook),
                                   raw(req.at.seq), req.attempts, req.error, req.move_cursor);
        if (rows.empty())
          return fenced("parking a dead letter", req.at);
        // Parked by this transaction (not before): tell the operations hooks. Never about
        // an operational event itself, whose hook would otherwise feed itself.
        tx.exec_params(
            R"(SELECT courier.emit_operational('courier.event.dead_lettered', jsonb_build_object(
                 'hook_id', d.hook_id, 'seq', d.seq, 'event_id', d.event_id,
                 'event_type', d.event_type, 'attempts', d.attempts, 'last_error', d.last_error,
                 'dead_letter_id', d.id, 'at', courier.rfc3339(now())))
             FROM courier.dead_letters d
            WHERE d.hook_id = $1 AND d.seq = $2 AND d.parked_at = now()
              AND d.event_type NOT LIKE 'courier.%')",
            raw(req.at.hook), raw(req.at.seq));
        tx.commit();
        return {};
      },
      std::move(done));
}

void pg_store::record_failure(failure_report report, callback<void> done) {
  pool_->run<void>(
      [report = std::move(report), node = node_id_](pqxx::connection& conn) -> result<void> {
        pqxx::nontransaction tx{conn};
        // A cursor already past the event is no failure: there is nothing left to record.
        auto rows =
            tx.exec_params(std::string{"WITH"} + fence_cte + R"(,
           recorded AS (
             UPDATE courier.cursors
                SET head_attempts = $6, last_error = $7, last_error_at = now(),
                    head_failing_since = coalesce(head_failing_since, now())
              WHERE hook_id = $4 AND delivered_seq = $5 - 1 AND EXISTS (SELECT 1 FROM fence))
           SELECT EXISTS (SELECT 1 FROM fence))",
                           raw(report.at.partition), raw(report.at.epoch), node,
                           raw(report.at.hook), raw(report.at.seq), report.attempts, report.error);
        if (!rows[0][0].as<bool>())
          return fenced("recording a delivery failure", report.at);
        return {};
      },
      std::move(done));
}

void pg_store::disable_hook(hook_id hook, std::string reason, callback<void> done) {
  pool_->run<void>(
      [hook, reason = std::move(reason)](pqxx::connection& conn) -> result<void> {
        pqxx::nontransaction tx{conn};
        tx.exec_params("SELECT courier.disable_gone_hook($1, $2)", raw(hook), reason);
        return {};
      },
      std::move(done));
}

void pg_store::pause_failing_hook(cursor_update at, std::string reason, callback<void> done) {
  pool_->run<void>(
      [at, reason = std::move(reason), node = node_id_](pqxx::connection& conn) -> result<void> {
        pqxx::nontransaction tx{conn};
        auto outcome =
            tx.exec_params("SELECT courier.pause_failing_hook($1, $2, $3, $4, $5)", raw(at.hook),
                           raw(at.partition), raw(at.epoch), node, reason)[0][0]
                .as<std::string>();
        if (outcome == "fenced")
          return fenced("pausing a failing hook", at);
        return {};
      },
      std::move(done));
}

void pg_store::apply_rewind(rewind_request req, callback<void> done) {
  pool_->run<void>(
      [req, node = node_id_](pqxx::connection& conn) -> result<void> {
        pqxx::nontransaction tx{conn};
        auto outcome = tx.exec_params("SELECT courier.apply_rewind($1, $2, $3, $4)", req.id,
                                      raw(req.partition), raw(req.epoch), node)[0][0]
                           .as<std::string>();
        if (outcome == "fenced")
          return fenced("applying a rewind", {req.hook, req.partition, req.epoch, stream_seq{}});
        return {};
      },
      std::move(done));
}

void pg_store::record_attempts(std::vector<attempt_record> attempts, callback<void> done) {
  background_pool_->run<void>(
      [attempts = std::move(attempts), node = node_id_](pqxx::connection& conn) -> result<void> {
        std::vector<hook_id> hooks;
        std::vector<stream_seq> seqs;
        std::vector<lease_epoch> epochs;
        std::vector<std::int64_t> events, started, durations;
        std::vector<int> numbers, statuses;
        std::vector<std::string> outcomes, excerpts;
        for (const auto& a : attempts) {
          hooks.push_back(a.hook);
          seqs.push_back(a.seq);
          events.push_back(a.event_id);
          numbers.push_back(a.attempt);
          epochs.push_back(a.epoch);
          started.push_back(a.started_at_ms);
          durations.push_back(a.duration_ms);
          outcomes.push_back(a.outcome);
          statuses.push_back(a.http_status);
          excerpts.push_back(a.response_excerpt);
        }
        // The log is for people: a Postgres crash may lose its last moments, so the commit
        // does not wait for the WAL flush.
        auto write = [&] {
          pqxx::work tx{conn};
          tx.exec("SET LOCAL synchronous_commit = off");
          tx.exec_params(
              R"(INSERT INTO courier.attempts (hook_id, seq, event_id, attempt, node_id, epoch,
                  started_at, duration_ms, outcome, http_status, response_excerpt)
           SELECT h, s, e, n, $11, ep, to_timestamp(st / 1000.0), d, o, nullif(hs, 0), x
             FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::int[], $5::bigint[],
                         $6::bigint[], $7::int[], $8::text[], $9::int[], $10::text[])
                  AS t(h, s, e, n, ep, st, d, o, hs, x))",
              int_array_literal(hooks), int_array_literal(seqs), int_array_literal(events),
              int_array_literal(numbers), int_array_literal(epochs), int_array_literal(started),
              int_array_literal(durations), text_array_literal(outcomes),
              int_array_literal(statuses), text_array_literal(excerpts), node);
          tx.commit();
        };
        try {
          write();
        } catch (const pqxx::check_violation&) {
          // No partition for a day yet (maintenance creates them ahead; a clock far off
          // could still miss): create them and write again.
          {
            pqxx::nontransaction tx{conn};
            tx.exec("SELECT courier.ensure_attempt_partitions()");
          }
          write();
        }
        return {};
      },
      std::move(done));
}

void pg_store::maintain_outbox(callback<outbox_maintenance> done) {
  pool_->run<outbox_maintenance>(
      [retention = attempt_retention_](pqxx::connection& conn) {
        pqxx::work tx{conn};
        // Never queue behind a long transaction for long: readers would queue behind us.
        tx.exec("SET LOCAL lock_timeout = '2s'");
        outbox_maintenance m;
        m.created = tx.exec("SELECT courier.ensure_partitions()")[0][0].as<int>();
        m.dropped = tx.exec("SELECT courier.drop_delivered_partitions()")[0][0].as<int>();
        tx.exec("SELECT courier.ensure_attempt_partitions()");
        m.attempts_dropped =
            tx.exec_params("SELECT courier.drop_expired_attempts($1 * interval '1 millisecond')",
                           static_cast<double>(retention.count()))[0][0]
                .as<int>();
        tx.commit();
        return m;
      },
      std::move(done));
}

void pg_store::set_quarantine(hook_id hook, std::int64_t until_ms, std::string reason,
                              callback<void> done) {
  pool_->run<void>(
      [=, reason = std::move(reason)](pqxx::connection& conn) -> result<void> {
        pqxx::work tx{conn};
        tx.exec_params(
            R"(UPDATE courier.cursors
              SET quarantined_until = CASE WHEN $2::bigint = 0 THEN NULL
                                           ELSE to_timestamp($2::bigint / 1000.0) END,
                  last_error = coalesce(nullif($3, ''), last_error),
                  last_error_at = CASE WHEN $3 = '' THEN last_error_at ELSE now() END
            WHERE hook_id = $1)",
            raw(hook), until_ms, reason);
        if (until_ms > 0)
          tx.exec_params(
              R"(SELECT courier.emit_operational('courier.hook.quarantined',
                    courier.hook_event_payload(h, $2) ||
                    jsonb_build_object('until', courier.rfc3339(to_timestamp($3::bigint / 1000.0))))
               FROM courier.hooks h WHERE h.id = $1)",
              raw(hook), reason, until_ms);
        tx.commit();
        return {};
      },
      std::move(done));
}

} // namespace courier
