-- Per-hook delivery options (CONTRACT.md "Per-hook options"): an unset option takes the
-- node's value. courier.configure_hook is the one way to set them; the node reads them
-- with the hook (the hooks trigger tells the owner at once).

ALTER TABLE courier.hooks ADD COLUMN IF NOT EXISTS options jsonb NOT NULL DEFAULT '{}';

-- Why `value` is not a valid value of option `name` (NULL: it is). The rules are the
-- node's (runtime/hook_options_json.cpp, config's duration lists).
CREATE OR REPLACE FUNCTION courier.hook_option_problem(name text, value jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  CASE name
  WHEN 'retry_schedule' THEN
    IF jsonb_typeof(value) <> 'string'
       OR value #>> '{}' !~ '^[0-9]{1,9}(ms|s|m|h)?(,[0-9]{1,9}(ms|s|m|h)?)*$'
       OR value #>> '{}' ~ '(^|,)0+(ms|s|m|h)?(,|$)' THEN
      RETURN 'a comma-separated list of positive durations, e.g. "5s,30s,2m"';
    END IF;
  WHEN 'max_attempts' THEN
    IF jsonb_typeof(value) <> 'number' OR value::text !~ '^[0-9]{1,4}$'
       OR (value #>> '{}')::int NOT BETWEEN 1 AND 1000 THEN
      RETURN 'an integer from 1 to 1000';
    END IF;
  WHEN 'poison_policy' THEN
    IF jsonb_typeof(value) <> 'string' OR value #>> '{}' NOT IN ('block', 'dead_letter') THEN
      RETURN '"block" or "dead_letter"';
    END IF;
  WHEN 'http_timeout_ms' THEN
    IF jsonb_typeof(value) <> 'number' OR value::text !~ '^[0-9]{1,6}$'
       OR (value #>> '{}')::int NOT BETWEEN 100 AND 600000 THEN
      RETURN 'an integer from 100 to 600000 (milliseconds)';
    END IF;
  ELSE
    RETURN 'unknown option';
  END CASE;
  RETURN NULL;
END
$$;

-- Merges `options` into the hook's: each key sets that option, a JSON null unsets it.
-- Options of the contract this version does not apply yet are refused (0A000) rather
-- than stored and silently ignored.
CREATE OR REPLACE FUNCTION courier.configure_hook(hook_id bigint, options jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  item record;
  problem text;
BEGIN
  IF options IS NULL OR jsonb_typeof(options) <> 'object' THEN
    RAISE EXCEPTION 'courier: options must be a JSON object' USING ERRCODE = '22023';
  END IF;
  FOR item IN SELECT key, value FROM jsonb_each(options) LOOP
    IF item.key IN ('rate_limit', 'headers', 'pause_after', 'ordering', 'max_in_flight_per_hook',
                    'batch_max', 'batch_max_bytes') THEN
      RAISE EXCEPTION 'courier: option % is not supported by this version', item.key
        USING ERRCODE = '0A000';
    END IF;
    IF item.key NOT IN ('retry_schedule', 'max_attempts', 'poison_policy', 'http_timeout_ms') THEN
      RAISE EXCEPTION 'courier: unknown option %', item.key USING ERRCODE = '22023',
        HINT = 'retry_schedule, max_attempts, poison_policy or http_timeout_ms';
    END IF;
    CONTINUE WHEN jsonb_typeof(item.value) = 'null';
    problem := courier.hook_option_problem(item.key, item.value);
    IF problem IS NOT NULL THEN
      RAISE EXCEPTION 'courier: invalid option %: %', item.key, problem
        USING ERRCODE = '22023', DETAIL = 'value: ' || item.value::text;
    END IF;
  END LOOP;
  UPDATE courier.hooks h
     SET options = jsonb_strip_nulls(h.options || configure_hook.options), updated_at = now()
   WHERE h.id = configure_hook.hook_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'courier: no hook %', hook_id USING ERRCODE = 'P0002';
  END IF;
END
$$;
