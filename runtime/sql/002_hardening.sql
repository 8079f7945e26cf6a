-- Courier schema v2: input the node could never deliver is refused where it enters.
-- Every statement replaces or adds a function, so it upgrades a v1 database in place
-- (applied once by runtime/migrator, and harmless if run again).

-- An IPv6 address as inet_pton(AF_INET6) reads it (what the node uses): no zone id,
-- and an embedded IPv4 tail only as a full dotted quad without leading zeros (Postgres'
-- inet alone would take '::1.2' and '::.1.2.3').
CREATE OR REPLACE FUNCTION courier.is_ipv6_literal(host text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  octet constant text := '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
BEGIN
  IF host !~ '^[0-9A-Fa-f:.]+$' THEN
    RETURN false;
  END IF;
  IF strpos(host, '.') > 0
     AND substring(host FROM '[^:]*$') !~ ('^' || octet || '(\.' || octet || '){3}$') THEN
    RETURN false;
  END IF;
  RETURN family(host::inet) = 6;
EXCEPTION WHEN invalid_text_representation THEN
  RETURN false;
END
$$;

-- Why a hook URL is refused, or NULL when it is fine. The same rules as the node's
-- parser (net/url.cpp), checked on one shared table by tests/unit/net/url_verdicts_test
-- and tests/pg/url_verdicts_test:
--   at most 2048 bytes, only printable ASCII (0x21..0x7E), no fragment;
--   scheme "://" authority [("/" | "?") rest], the scheme http or https in any case;
--   the authority (up to the first / or ?) has no user info (@);
--   host: [IPv6] without zone id, or letters, digits, '.', '-', '_' (not empty);
--   port: when given, 1 to 5 digits with a value in 1..65535.
CREATE OR REPLACE FUNCTION courier.url_problem(url text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  sep int;
  rest text;
  authority text;
  host text;
  port text;
  close_at int;
BEGIN
  IF url IS NULL THEN
    RETURN 'URL is NULL';
  END IF;
  IF octet_length(url) > 2048 THEN
    RETURN 'URL longer than 2048 characters';
  END IF;
  -- Ranges in bracket expressions compare code points: '!' is 0x21, '~' is 0x7E.
  IF url !~ '^[!-~]*$' THEN
    RETURN 'URL contains whitespace, control or non-ASCII characters';
  END IF;
  IF strpos(url, '#') > 0 THEN
    RETURN 'URL has a fragment';
  END IF;
  sep := strpos(url, '://');
  IF sep = 0 THEN
    RETURN 'URL is not absolute (missing scheme://)';
  END IF;
  IF lower(left(url, sep - 1)) NOT IN ('http', 'https') THEN
    RETURN 'URL scheme must be http or https';
  END IF;
  rest := substr(url, sep + 3);
  authority := substring(rest FROM '^[^/?]*');
  IF strpos(authority, '@') > 0 THEN
    RETURN 'URL must not contain user info';
  END IF;
  IF left(authority, 1) = '[' THEN
    close_at := strpos(authority, ']');
    IF close_at = 0 THEN
      RETURN 'URL has an unterminated IPv6 literal';
    END IF;
    host := substr(authority, 2, close_at - 2);
    rest := substr(authority, close_at + 1);
    IF rest <> '' THEN
      IF left(rest, 1) <> ':' THEN
        RETURN 'URL has garbage after the IPv6 literal';
      END IF;
      port := substr(rest, 2);
    END IF;
    IF NOT courier.is_ipv6_literal(host) THEN
      RETURN 'URL has an invalid IPv6 literal';
    END IF;
  ELSE
    host := split_part(authority, ':', 1);
    IF strpos(authority, ':') > 0 THEN
      port := substr(authority, strpos(authority, ':') + 1);
    END IF;
    IF host !~ '^[A-Za-z0-9._-]*$' THEN
      RETURN 'URL host contains invalid characters';
    END IF;
  END IF;
  IF host = '' THEN
    RETURN 'URL has no host';
  END IF;
  -- CASE, not OR: SQL does not promise to test the pattern before the cast.
  IF port IS NOT NULL AND (CASE WHEN port ~ '^[0-9]{1,5}$' THEN port::int NOT BETWEEN 1 AND 65535
                                ELSE true END) THEN
    RETURN 'URL port must be a number in 1..65535';
  END IF;
  RETURN NULL;
END
$$;

-- An event type is a name an exact pattern can select: dot-separated words of letters,
-- digits, '_', ':' and '-', at most 255 characters (no blanks, no empty words).
CREATE OR REPLACE FUNCTION courier.valid_event_type(event_type text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT event_type ~ '^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$' AND length(event_type) <= 255
$$;

CREATE OR REPLACE FUNCTION courier.valid_pattern(pattern text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT length(pattern) <= 255
     AND (pattern = '*' OR courier.valid_event_type(CASE WHEN pattern LIKE '%.*'
                                                         THEN left(pattern, -2) ELSE pattern END))
$$;

-- A Standard Webhooks signing secret: 'whsec_' + padded base64 of a 24..64-byte key
-- (the spec's range; shorter keys are guessable, and the node's decoder is as strict).
CREATE OR REPLACE FUNCTION courier.check_secret(secret text) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  encoded text := substr(secret, 7);
  key_bytes int;
BEGIN
  IF secret IS NULL OR secret !~ '^whsec_[A-Za-z0-9+/]+={0,2}$' OR length(encoded) % 4 <> 0 THEN
    RAISE EXCEPTION 'courier: invalid secret (expected whsec_ followed by padded base64)'
      USING ERRCODE = '22023';
  END IF;
  BEGIN
    key_bytes := octet_length(decode(encoded, 'base64'));
  EXCEPTION WHEN others THEN
    RAISE EXCEPTION 'courier: invalid secret (the part after whsec_ is not valid base64)'
      USING ERRCODE = '22023';
  END;
  IF key_bytes NOT BETWEEN 24 AND 64 THEN
    RAISE EXCEPTION 'courier: invalid secret: the key is % bytes after base64 decoding', key_bytes
      USING ERRCODE = '22023', HINT = 'Standard Webhooks keys are 24 to 64 random bytes';
  END IF;
END
$$;

CREATE OR REPLACE FUNCTION courier.check_hook_input(url text, secret text, event_types text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  problem text := courier.url_problem(url);
  p text;
BEGIN
  IF problem IS NOT NULL THEN
    RAISE EXCEPTION 'courier: invalid hook url %: %', coalesce(quote_literal(url), 'NULL'), problem
      USING ERRCODE = '22023',
            HINT = 'an absolute http:// or https:// URL of printable ASCII, without user info or fragment';
  END IF;
  PERFORM courier.check_secret(secret);
  IF event_types IS NULL OR cardinality(event_types) = 0 THEN
    RAISE EXCEPTION 'courier: event_types must name at least one pattern' USING ERRCODE = '22023';
  END IF;
  FOREACH p IN ARRAY event_types LOOP
    IF p IS NULL OR NOT courier.valid_pattern(p) THEN
      RAISE EXCEPTION 'courier: invalid event type pattern % in event_types', coalesce(quote_literal(p), 'NULL')
        USING ERRCODE = '22023', HINT = 'an exact type, * or a prefix ending in .* (order.*)';
    END IF;
  END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION courier.new_event(event_type text, payload jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  limit_bytes int;
  size_bytes int;
  eid bigint;
BEGIN
  IF event_type IS NULL OR NOT courier.valid_event_type(event_type) THEN
    RAISE EXCEPTION 'courier: invalid event_type %', coalesce(quote_literal(event_type), 'NULL')
      USING ERRCODE = '22023',
            HINT = 'dot-separated words of letters, digits, _ : and - (order.paid), at most 255 characters';
  END IF;
  IF payload IS NULL THEN
    RAISE EXCEPTION 'courier: payload must not be NULL' USING ERRCODE = '22023';
  END IF;
  SELECT max_payload_bytes INTO limit_bytes FROM courier.settings;
  size_bytes := octet_length(payload::text);
  IF size_bytes > coalesce(limit_bytes, 1048576) THEN
    RAISE EXCEPTION 'courier: payload is % bytes, the limit is %', size_bytes, coalesce(limit_bytes, 1048576)
      USING ERRCODE = '54000';
  END IF;
  INSERT INTO courier.events (event_type, payload) VALUES (event_type, payload) RETURNING id INTO eid;
  RETURN eid;
END
$$;
