-- +goose Up
-- Times become text SQLite's date functions read. Until now modernc.org/sqlite wrote a
-- time.Time as Go's String(): "2026-03-04 09:05:07.12 +0000 UTC", with " m=+0.01" when
-- the value carried a monotonic reading, and another offset and zone name when it was
-- not in UTC. julianday() and strftime() return NULL on that. From this version the
-- database is opened with _time_format=sqlite and _timezone=UTC, so new values are
-- "2026-03-04 09:05:07.12+00:00" (internal/db's TimeFormat); this rewrites the rows
-- already stored into the same text, so old and new compare in order.
--
-- Every TIMESTAMP column of migrations 00001-00007 is rewritten, one UPDATE per table so
-- a big table is read once; River's tables keep River's own format and are not touched.
-- For each value in the old form (matched by GLOB; NULL, already converted or foreign
-- text is left alone): the seconds are converted to UTC by strftime, which applies the
-- "+HH:MM" offset built from Go's "+HHMM"; the fraction (up to nine digits, which
-- strftime would cut to three) is copied as it was; the zone name and the monotonic
-- reading are dropped. COALESCE keeps a value strftime cannot read rather than losing it.

UPDATE departments SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(created_at, 1, 19) || substr(created_at, 12 + instr(substr(created_at, 12), ' '), 3) || ':' || substr(created_at, 15 + instr(substr(created_at, 12), ' '), 2))
             || substr(created_at, 20, instr(substr(created_at, 12), ' ') - 9) || '+00:00', created_at)
        ELSE created_at END;

UPDATE users SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(created_at, 1, 19) || substr(created_at, 12 + instr(substr(created_at, 12), ' '), 3) || ':' || substr(created_at, 15 + instr(substr(created_at, 12), ' '), 2))
             || substr(created_at, 20, instr(substr(created_at, 12), ' ') - 9) || '+00:00', created_at)
        ELSE created_at END,
    updated_at = CASE WHEN updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(updated_at, 1, 19) || substr(updated_at, 12 + instr(substr(updated_at, 12), ' '), 3) || ':' || substr(updated_at, 15 + instr(substr(updated_at, 12), ' '), 2))
             || substr(updated_at, 20, instr(substr(updated_at, 12), ' ') - 9) || '+00:00', updated_at)
        ELSE updated_at END,
    last_login_at = CASE WHEN last_login_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(last_login_at, 1, 19) || substr(last_login_at, 12 + instr(substr(last_login_at, 12), ' '), 3) || ':' || substr(last_login_at, 15 + instr(substr(last_login_at, 12), ' '), 2))
             || substr(last_login_at, 20, instr(substr(last_login_at, 12), ' ') - 9) || '+00:00', last_login_at)
        ELSE last_login_at END,
    deactivated_at = CASE WHEN deactivated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(deactivated_at, 1, 19) || substr(deactivated_at, 12 + instr(substr(deactivated_at, 12), ' '), 3) || ':' || substr(deactivated_at, 15 + instr(substr(deactivated_at, 12), ' '), 2))
             || substr(deactivated_at, 20, instr(substr(deactivated_at, 12), ' ') - 9) || '+00:00', deactivated_at)
        ELSE deactivated_at END;

UPDATE registrations SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(created_at, 1, 19) || substr(created_at, 12 + instr(substr(created_at, 12), ' '), 3) || ':' || substr(created_at, 15 + instr(substr(created_at, 12), ' '), 2))
             || substr(created_at, 20, instr(substr(created_at, 12), ' ') - 9) || '+00:00', created_at)
        ELSE created_at END,
    expires_at = CASE WHEN expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(expires_at, 1, 19) || substr(expires_at, 12 + instr(substr(expires_at, 12), ' '), 3) || ':' || substr(expires_at, 15 + instr(substr(expires_at, 12), ' '), 2))
             || substr(expires_at, 20, instr(substr(expires_at, 12), ' ') - 9) || '+00:00', expires_at)
        ELSE expires_at END,
    used_at = CASE WHEN used_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(used_at, 1, 19) || substr(used_at, 12 + instr(substr(used_at, 12), ' '), 3) || ':' || substr(used_at, 15 + instr(substr(used_at, 12), ' '), 2))
             || substr(used_at, 20, instr(substr(used_at, 12), ' ') - 9) || '+00:00', used_at)
        ELSE used_at END;

UPDATE api_tokens SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(created_at, 1, 19) || substr(created_at, 12 + instr(substr(created_at, 12), ' '), 3) || ':' || substr(created_at, 15 + instr(substr(created_at, 12), ' '), 2))
             || substr(created_at, 20, instr(substr(created_at, 12), ' ') - 9) || '+00:00', created_at)
        ELSE created_at END,
    expires_at = CASE WHEN expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(expires_at, 1, 19) || substr(expires_at, 12 + instr(substr(expires_at, 12), ' '), 3) || ':' || substr(expires_at, 15 + instr(substr(expires_at, 12), ' '), 2))
             || substr(expires_at, 20, instr(substr(expires_at, 12), ' ') - 9) || '+00:00', expires_at)
        ELSE expires_at END,
    last_used_at = CASE WHEN last_used_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(last_used_at, 1, 19) || substr(last_used_at, 12 + instr(substr(last_used_at, 12), ' '), 3) || ':' || substr(last_used_at, 15 + instr(substr(last_used_at, 12), ' '), 2))
             || substr(last_used_at, 20, instr(substr(last_used_at, 12), ' ') - 9) || '+00:00', last_used_at)
        ELSE last_used_at END,
    revoked_at = CASE WHEN revoked_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(revoked_at, 1, 19) || substr(revoked_at, 12 + instr(substr(revoked_at, 12), ' '), 3) || ':' || substr(revoked_at, 15 + instr(substr(revoked_at, 12), ' '), 2))
             || substr(revoked_at, 20, instr(substr(revoked_at, 12), ' ') - 9) || '+00:00', revoked_at)
        ELSE revoked_at END;

UPDATE sessions SET
    expiry = CASE WHEN expiry GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(expiry, 1, 19) || substr(expiry, 12 + instr(substr(expiry, 12), ' '), 3) || ':' || substr(expiry, 15 + instr(substr(expiry, 12), ' '), 2))
             || substr(expiry, 20, instr(substr(expiry, 12), ' ') - 9) || '+00:00', expiry)
        ELSE expiry END;

UPDATE login_failures SET
    at = CASE WHEN at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(at, 1, 19) || substr(at, 12 + instr(substr(at, 12), ' '), 3) || ':' || substr(at, 15 + instr(substr(at, 12), ' '), 2))
             || substr(at, 20, instr(substr(at, 12), ' ') - 9) || '+00:00', at)
        ELSE at END;

UPDATE service_classes SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(created_at, 1, 19) || substr(created_at, 12 + instr(substr(created_at, 12), ' '), 3) || ':' || substr(created_at, 15 + instr(substr(created_at, 12), ' '), 2))
             || substr(created_at, 20, instr(substr(created_at, 12), ' ') - 9) || '+00:00', created_at)
        ELSE created_at END;

UPDATE service_types SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(created_at, 1, 19) || substr(created_at, 12 + instr(substr(created_at, 12), ' '), 3) || ':' || substr(created_at, 15 + instr(substr(created_at, 12), ' '), 2))
             || substr(created_at, 20, instr(substr(created_at, 12), ' ') - 9) || '+00:00', created_at)
        ELSE created_at END;

UPDATE problem_types SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(created_at, 1, 19) || substr(created_at, 12 + instr(substr(created_at, 12), ' '), 3) || ':' || substr(created_at, 15 + instr(substr(created_at, 12), ' '), 2))
             || substr(created_at, 20, instr(substr(created_at, 12), ' ') - 9) || '+00:00', created_at)
        ELSE created_at END;

UPDATE assets SET
    last_scanned_at = CASE WHEN last_scanned_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(last_scanned_at, 1, 19) || substr(last_scanned_at, 12 + instr(substr(last_scanned_at, 12), ' '), 3) || ':' || substr(last_scanned_at, 15 + instr(substr(last_scanned_at, 12), ' '), 2))
             || substr(last_scanned_at, 20, instr(substr(last_scanned_at, 12), ' ') - 9) || '+00:00', last_scanned_at)
        ELSE last_scanned_at END,
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(created_at, 1, 19) || substr(created_at, 12 + instr(substr(created_at, 12), ' '), 3) || ':' || substr(created_at, 15 + instr(substr(created_at, 12), ' '), 2))
             || substr(created_at, 20, instr(substr(created_at, 12), ' ') - 9) || '+00:00', created_at)
        ELSE created_at END,
    updated_at = CASE WHEN updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(updated_at, 1, 19) || substr(updated_at, 12 + instr(substr(updated_at, 12), ' '), 3) || ':' || substr(updated_at, 15 + instr(substr(updated_at, 12), ' '), 2))
             || substr(updated_at, 20, instr(substr(updated_at, 12), ' ') - 9) || '+00:00', updated_at)
        ELSE updated_at END;

UPDATE retired_codes SET
    retired_at = CASE WHEN retired_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(retired_at, 1, 19) || substr(retired_at, 12 + instr(substr(retired_at, 12), ' '), 3) || ':' || substr(retired_at, 15 + instr(substr(retired_at, 12), ' '), 2))
             || substr(retired_at, 20, instr(substr(retired_at, 12), ' ') - 9) || '+00:00', retired_at)
        ELSE retired_at END;

UPDATE routing_rules SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(created_at, 1, 19) || substr(created_at, 12 + instr(substr(created_at, 12), ' '), 3) || ':' || substr(created_at, 15 + instr(substr(created_at, 12), ' '), 2))
             || substr(created_at, 20, instr(substr(created_at, 12), ' ') - 9) || '+00:00', created_at)
        ELSE created_at END;

UPDATE tickets SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(created_at, 1, 19) || substr(created_at, 12 + instr(substr(created_at, 12), ' '), 3) || ':' || substr(created_at, 15 + instr(substr(created_at, 12), ' '), 2))
             || substr(created_at, 20, instr(substr(created_at, 12), ' ') - 9) || '+00:00', created_at)
        ELSE created_at END,
    assigned_at = CASE WHEN assigned_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(assigned_at, 1, 19) || substr(assigned_at, 12 + instr(substr(assigned_at, 12), ' '), 3) || ':' || substr(assigned_at, 15 + instr(substr(assigned_at, 12), ' '), 2))
             || substr(assigned_at, 20, instr(substr(assigned_at, 12), ' ') - 9) || '+00:00', assigned_at)
        ELSE assigned_at END,
    started_at = CASE WHEN started_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(started_at, 1, 19) || substr(started_at, 12 + instr(substr(started_at, 12), ' '), 3) || ':' || substr(started_at, 15 + instr(substr(started_at, 12), ' '), 2))
             || substr(started_at, 20, instr(substr(started_at, 12), ' ') - 9) || '+00:00', started_at)
        ELSE started_at END,
    done_at = CASE WHEN done_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(done_at, 1, 19) || substr(done_at, 12 + instr(substr(done_at, 12), ' '), 3) || ':' || substr(done_at, 15 + instr(substr(done_at, 12), ' '), 2))
             || substr(done_at, 20, instr(substr(done_at, 12), ' ') - 9) || '+00:00', done_at)
        ELSE done_at END,
    cancelled_at = CASE WHEN cancelled_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(cancelled_at, 1, 19) || substr(cancelled_at, 12 + instr(substr(cancelled_at, 12), ' '), 3) || ':' || substr(cancelled_at, 15 + instr(substr(cancelled_at, 12), ' '), 2))
             || substr(cancelled_at, 20, instr(substr(cancelled_at, 12), ' ') - 9) || '+00:00', cancelled_at)
        ELSE cancelled_at END;

UPDATE ticket_events SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(created_at, 1, 19) || substr(created_at, 12 + instr(substr(created_at, 12), ' '), 3) || ':' || substr(created_at, 15 + instr(substr(created_at, 12), ' '), 2))
             || substr(created_at, 20, instr(substr(created_at, 12), ' ') - 9) || '+00:00', created_at)
        ELSE created_at END;

UPDATE ticket_photos SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(created_at, 1, 19) || substr(created_at, 12 + instr(substr(created_at, 12), ' '), 3) || ':' || substr(created_at, 15 + instr(substr(created_at, 12), ' '), 2))
             || substr(created_at, 20, instr(substr(created_at, 12), ' ') - 9) || '+00:00', created_at)
        ELSE created_at END;

UPDATE ticket_idempotency SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]* [+-][0-9][0-9][0-9][0-9] *'
        THEN COALESCE(strftime('%Y-%m-%d %H:%M:%S', substr(created_at, 1, 19) || substr(created_at, 12 + instr(substr(created_at, 12), ' '), 3) || ':' || substr(created_at, 15 + instr(substr(created_at, 12), ' '), 2))
             || substr(created_at, 20, instr(substr(created_at, 12), ' ') - 9) || '+00:00', created_at)
        ELSE created_at END;

-- +goose Down
-- Back to Go's String() text for UTC values, which the older binary reads.
UPDATE ticket_idempotency SET
    created_at = CASE WHEN created_at GLOB '*+00:00' THEN substr(created_at, 1, length(created_at) - 6) || ' +0000 UTC' ELSE created_at END;

UPDATE ticket_photos SET
    created_at = CASE WHEN created_at GLOB '*+00:00' THEN substr(created_at, 1, length(created_at) - 6) || ' +0000 UTC' ELSE created_at END;

UPDATE ticket_events SET
    created_at = CASE WHEN created_at GLOB '*+00:00' THEN substr(created_at, 1, length(created_at) - 6) || ' +0000 UTC' ELSE created_at END;

UPDATE tickets SET
    created_at = CASE WHEN created_at GLOB '*+00:00' THEN substr(created_at, 1, length(created_at) - 6) || ' +0000 UTC' ELSE created_at END,
    assigned_at = CASE WHEN assigned_at GLOB '*+00:00' THEN substr(assigned_at, 1, length(assigned_at) - 6) || ' +0000 UTC' ELSE assigned_at END,
    started_at = CASE WHEN started_at GLOB '*+00:00' THEN substr(started_at, 1, length(started_at) - 6) || ' +0000 UTC' ELSE started_at END,
    done_at = CASE WHEN done_at GLOB '*+00:00' THEN substr(done_at, 1, length(done_at) - 6) || ' +0000 UTC' ELSE done_at END,
    cancelled_at = CASE WHEN cancelled_at GLOB '*+00:00' THEN substr(cancelled_at, 1, length(cancelled_at) - 6) || ' +0000 UTC' ELSE cancelled_at END;

UPDATE routing_rules SET
    created_at = CASE WHEN created_at GLOB '*+00:00' THEN substr(created_at, 1, length(created_at) - 6) || ' +0000 UTC' ELSE created_at END;

UPDATE retired_codes SET
    retired_at = CASE WHEN retired_at GLOB '*+00:00' THEN substr(retired_at, 1, length(retired_at) - 6) || ' +0000 UTC' ELSE retired_at END;

UPDATE assets SET
    last_scanned_at = CASE WHEN last_scanned_at GLOB '*+00:00' THEN substr(last_scanned_at, 1, length(last_scanned_at) - 6) || ' +0000 UTC' ELSE last_scanned_at END,
    created_at = CASE WHEN created_at GLOB '*+00:00' THEN substr(created_at, 1, length(created_at) - 6) || ' +0000 UTC' ELSE created_at END,
    updated_at = CASE WHEN updated_at GLOB '*+00:00' THEN substr(updated_at, 1, length(updated_at) - 6) || ' +0000 UTC' ELSE updated_at END;

UPDATE problem_types SET
    created_at = CASE WHEN created_at GLOB '*+00:00' THEN substr(created_at, 1, length(created_at) - 6) || ' +0000 UTC' ELSE created_at END;

UPDATE service_types SET
    created_at = CASE WHEN created_at GLOB '*+00:00' THEN substr(created_at, 1, length(created_at) - 6) || ' +0000 UTC' ELSE created_at END;

UPDATE service_classes SET
    created_at = CASE WHEN created_at GLOB '*+00:00' THEN substr(created_at, 1, length(created_at) - 6) || ' +0000 UTC' ELSE created_at END;

UPDATE login_failures SET
    at = CASE WHEN at GLOB '*+00:00' THEN substr(at, 1, length(at) - 6) || ' +0000 UTC' ELSE at END;

UPDATE sessions SET
    expiry = CASE WHEN expiry GLOB '*+00:00' THEN substr(expiry, 1, length(expiry) - 6) || ' +0000 UTC' ELSE expiry END;

UPDATE api_tokens SET
    created_at = CASE WHEN created_at GLOB '*+00:00' THEN substr(created_at, 1, length(created_at) - 6) || ' +0000 UTC' ELSE created_at END,
    expires_at = CASE WHEN expires_at GLOB '*+00:00' THEN substr(expires_at, 1, length(expires_at) - 6) || ' +0000 UTC' ELSE expires_at END,
    last_used_at = CASE WHEN last_used_at GLOB '*+00:00' THEN substr(last_used_at, 1, length(last_used_at) - 6) || ' +0000 UTC' ELSE last_used_at END,
    revoked_at = CASE WHEN revoked_at GLOB '*+00:00' THEN substr(revoked_at, 1, length(revoked_at) - 6) || ' +0000 UTC' ELSE revoked_at END;

UPDATE registrations SET
    created_at = CASE WHEN created_at GLOB '*+00:00' THEN substr(created_at, 1, length(created_at) - 6) || ' +0000 UTC' ELSE created_at END,
    expires_at = CASE WHEN expires_at GLOB '*+00:00' THEN substr(expires_at, 1, length(expires_at) - 6) || ' +0000 UTC' ELSE expires_at END,
    used_at = CASE WHEN used_at GLOB '*+00:00' THEN substr(used_at, 1, length(used_at) - 6) || ' +0000 UTC' ELSE used_at END;

UPDATE users SET
    created_at = CASE WHEN created_at GLOB '*+00:00' THEN substr(created_at, 1, length(created_at) - 6) || ' +0000 UTC' ELSE created_at END,
    updated_at = CASE WHEN updated_at GLOB '*+00:00' THEN substr(updated_at, 1, length(updated_at) - 6) || ' +0000 UTC' ELSE updated_at END,
    last_login_at = CASE WHEN last_login_at GLOB '*+00:00' THEN substr(last_login_at, 1, length(last_login_at) - 6) || ' +0000 UTC' ELSE last_login_at END,
    deactivated_at = CASE WHEN deactivated_at GLOB '*+00:00' THEN substr(deactivated_at, 1, length(deactivated_at) - 6) || ' +0000 UTC' ELSE deactivated_at END;

UPDATE departments SET
    created_at = CASE WHEN created_at GLOB '*+00:00' THEN substr(created_at, 1, length(created_at) - 6) || ' +0000 UTC' ELSE created_at END;
