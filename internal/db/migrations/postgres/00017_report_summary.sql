-- +goose Up
-- The period report's summary (internal/reports; docs/ARCHITECTURE.md, "Reports"):
-- what a year report over a million tickets would otherwise read ticket by ticket,
-- kept up to date by a trigger on tickets in the same transaction as every change,
-- so it can never disagree with the tickets it sums. Times are whole UTC hours and
-- days since 1970 (integers, the same on both engines); the report adds the few
-- tickets of a period's partial hours or days from the tickets themselves.
-- department_id and assignee_id 0 stand for none.
--
-- Writers wait while the summary is filled and its trigger made (another instance
-- may still be running the older version): a ticket written between the two would
-- otherwise be missing from it, or counted twice.
LOCK TABLE tickets IN SHARE ROW EXCLUSIVE MODE;

-- report_hours: per hour of filing, completion, cancellation and start, the
-- counts and the summed seconds (completion: done_at - created_at; first action:
-- started_at - assigned_at); completions per executor, everything else under
-- assignee 0.
CREATE TABLE report_hours (
    hour            BIGINT NOT NULL,
    department_id   BIGINT NOT NULL,
    assignee_id     BIGINT NOT NULL,
    created         BIGINT NOT NULL DEFAULT 0,
    done            BIGINT NOT NULL DEFAULT 0,
    done_seconds    DOUBLE PRECISION NOT NULL DEFAULT 0,
    cancelled       BIGINT NOT NULL DEFAULT 0,
    started         BIGINT NOT NULL DEFAULT 0,
    started_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, department_id, assignee_id)
);
-- report_days: tickets filed per UTC day by department, device and problem (the
-- breakdowns).
CREATE TABLE report_days (
    day             BIGINT NOT NULL,
    department_id   BIGINT NOT NULL,
    asset_id        BIGINT NOT NULL,
    problem_type_id BIGINT NOT NULL,
    created         BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, department_id, asset_id, problem_type_id)
);
-- report_spreads: a histogram of durations per department and UTC day (grain 1,
-- at: days since 1970) and UTC week (grain 7, at: weeks since 1970, so a year is
-- read from 52 weeks and a few days); kind 1: completion, by the time of
-- completion; 2: first action, by the time of start. Bin b < 100 holds [b, b+1)
-- seconds; bin 100 + k holds [100 * 1.02^k, 100 * 1.02^(k+1)), so a bin's
-- geometric middle is within 1 % of any duration in it.
CREATE TABLE report_spreads (
    kind          BIGINT NOT NULL,
    grain         BIGINT NOT NULL,
    at            BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    bin           BIGINT NOT NULL,
    n             BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, grain, at, department_id, bin)
);

INSERT INTO report_hours (hour, department_id, assignee_id, created)
    SELECT CAST(floor(EXTRACT(EPOCH FROM created_at) / 3600) AS BIGINT), COALESCE(department_id, 0), 0, COUNT(*) FROM tickets GROUP BY 1, 2;
INSERT INTO report_hours (hour, department_id, assignee_id, done, done_seconds)
    SELECT CAST(floor(EXTRACT(EPOCH FROM done_at) / 3600) AS BIGINT), COALESCE(department_id, 0), COALESCE(assignee_id, 0), COUNT(*), SUM(CAST(EXTRACT(EPOCH FROM (done_at - created_at)) AS DOUBLE PRECISION))
    FROM tickets WHERE done_at IS NOT NULL GROUP BY 1, 2, 3
    ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET done = EXCLUDED.done, done_seconds = EXCLUDED.done_seconds;
INSERT INTO report_hours (hour, department_id, assignee_id, cancelled)
    SELECT CAST(floor(EXTRACT(EPOCH FROM cancelled_at) / 3600) AS BIGINT), COALESCE(department_id, 0), 0, COUNT(*) FROM tickets WHERE cancelled_at IS NOT NULL GROUP BY 1, 2
    ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET cancelled = EXCLUDED.cancelled;
INSERT INTO report_hours (hour, department_id, assignee_id, started, started_seconds)
    SELECT CAST(floor(EXTRACT(EPOCH FROM started_at) / 3600) AS BIGINT), COALESCE(department_id, 0), 0, COUNT(*), SUM(CAST(EXTRACT(EPOCH FROM (started_at - assigned_at)) AS DOUBLE PRECISION))
    FROM tickets WHERE started_at IS NOT NULL AND assigned_at IS NOT NULL GROUP BY 1, 2
    ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET started = EXCLUDED.started, started_seconds = EXCLUDED.started_seconds;
INSERT INTO report_days (day, department_id, asset_id, problem_type_id, created)
    SELECT CAST(floor(EXTRACT(EPOCH FROM created_at) / 86400) AS BIGINT), COALESCE(department_id, 0), asset_id, problem_type_id, COUNT(*) FROM tickets GROUP BY 1, 2, 3, 4;
INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
    SELECT 1, 1, CAST(floor(EXTRACT(EPOCH FROM done_at) / 86400) AS BIGINT), COALESCE(department_id, 0), CASE WHEN CAST(EXTRACT(EPOCH FROM (done_at - created_at)) AS DOUBLE PRECISION) < 100 THEN CAST(floor(CAST(EXTRACT(EPOCH FROM (done_at - created_at)) AS DOUBLE PRECISION)) AS BIGINT) ELSE 100 + CAST(floor(ln(CAST(EXTRACT(EPOCH FROM (done_at - created_at)) AS DOUBLE PRECISION) / 100.0) / ln(1.02)) AS BIGINT) END, COUNT(*)
    FROM tickets WHERE done_at IS NOT NULL GROUP BY 3, 4, 5;
INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
    SELECT 1, 7, CAST(floor(EXTRACT(EPOCH FROM done_at) / 604800) AS BIGINT), COALESCE(department_id, 0), CASE WHEN CAST(EXTRACT(EPOCH FROM (done_at - created_at)) AS DOUBLE PRECISION) < 100 THEN CAST(floor(CAST(EXTRACT(EPOCH FROM (done_at - created_at)) AS DOUBLE PRECISION)) AS BIGINT) ELSE 100 + CAST(floor(ln(CAST(EXTRACT(EPOCH FROM (done_at - created_at)) AS DOUBLE PRECISION) / 100.0) / ln(1.02)) AS BIGINT) END, COUNT(*)
    FROM tickets WHERE done_at IS NOT NULL GROUP BY 3, 4, 5;
INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
    SELECT 2, 1, CAST(floor(EXTRACT(EPOCH FROM started_at) / 86400) AS BIGINT), COALESCE(department_id, 0), CASE WHEN CAST(EXTRACT(EPOCH FROM (started_at - assigned_at)) AS DOUBLE PRECISION) < 100 THEN CAST(floor(CAST(EXTRACT(EPOCH FROM (started_at - assigned_at)) AS DOUBLE PRECISION)) AS BIGINT) ELSE 100 + CAST(floor(ln(CAST(EXTRACT(EPOCH FROM (started_at - assigned_at)) AS DOUBLE PRECISION) / 100.0) / ln(1.02)) AS BIGINT) END, COUNT(*)
    FROM tickets WHERE started_at IS NOT NULL AND assigned_at IS NOT NULL GROUP BY 3, 4, 5;
INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
    SELECT 2, 7, CAST(floor(EXTRACT(EPOCH FROM started_at) / 604800) AS BIGINT), COALESCE(department_id, 0), CASE WHEN CAST(EXTRACT(EPOCH FROM (started_at - assigned_at)) AS DOUBLE PRECISION) < 100 THEN CAST(floor(CAST(EXTRACT(EPOCH FROM (started_at - assigned_at)) AS DOUBLE PRECISION)) AS BIGINT) ELSE 100 + CAST(floor(ln(CAST(EXTRACT(EPOCH FROM (started_at - assigned_at)) AS DOUBLE PRECISION) / 100.0) / ln(1.02)) AS BIGINT) END, COUNT(*)
    FROM tickets WHERE started_at IS NOT NULL AND assigned_at IS NOT NULL GROUP BY 3, 4, 5;

-- report_ticket adds (sign 1) or takes away (sign -1) one ticket's share of the
-- figures asked for: filed (c), completed (d), cancelled (x), started (s).
-- +goose StatementBegin
CREATE FUNCTION report_ticket(r tickets, sign BIGINT, c BOOLEAN, d BOOLEAN, x BOOLEAN, s BOOLEAN) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    dep BIGINT := COALESCE(r.department_id, 0);
    secs DOUBLE PRECISION;
BEGIN
    IF c THEN
        INSERT INTO report_hours (hour, department_id, assignee_id, created) VALUES (CAST(floor(EXTRACT(EPOCH FROM r.created_at) / 3600) AS BIGINT), dep, 0, sign)
            ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET created = report_hours.created + EXCLUDED.created;
        INSERT INTO report_days (day, department_id, asset_id, problem_type_id, created)
            VALUES (CAST(floor(EXTRACT(EPOCH FROM r.created_at) / 86400) AS BIGINT), dep, r.asset_id, r.problem_type_id, sign)
            ON CONFLICT (day, department_id, asset_id, problem_type_id) DO UPDATE SET created = report_days.created + EXCLUDED.created;
    END IF;
    IF d AND r.done_at IS NOT NULL THEN
        secs := CAST(EXTRACT(EPOCH FROM (r.done_at - r.created_at)) AS DOUBLE PRECISION);
        INSERT INTO report_hours (hour, department_id, assignee_id, done, done_seconds)
            VALUES (CAST(floor(EXTRACT(EPOCH FROM r.done_at) / 3600) AS BIGINT), dep, COALESCE(r.assignee_id, 0), sign, sign * secs)
            ON CONFLICT (hour, department_id, assignee_id) DO UPDATE
            SET done = report_hours.done + EXCLUDED.done, done_seconds = report_hours.done_seconds + EXCLUDED.done_seconds;
        INSERT INTO report_spreads (kind, grain, at, department_id, bin, n) VALUES (1, 1, CAST(floor(EXTRACT(EPOCH FROM r.done_at) / 86400) AS BIGINT), dep, CASE WHEN secs < 100 THEN CAST(floor(secs) AS BIGINT) ELSE 100 + CAST(floor(ln(secs / 100.0) / ln(1.02)) AS BIGINT) END, sign)
            ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = report_spreads.n + EXCLUDED.n;
        INSERT INTO report_spreads (kind, grain, at, department_id, bin, n) VALUES (1, 7, CAST(floor(EXTRACT(EPOCH FROM r.done_at) / 604800) AS BIGINT), dep, CASE WHEN secs < 100 THEN CAST(floor(secs) AS BIGINT) ELSE 100 + CAST(floor(ln(secs / 100.0) / ln(1.02)) AS BIGINT) END, sign)
            ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = report_spreads.n + EXCLUDED.n;
    END IF;
    IF x AND r.cancelled_at IS NOT NULL THEN
        INSERT INTO report_hours (hour, department_id, assignee_id, cancelled) VALUES (CAST(floor(EXTRACT(EPOCH FROM r.cancelled_at) / 3600) AS BIGINT), dep, 0, sign)
            ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET cancelled = report_hours.cancelled + EXCLUDED.cancelled;
    END IF;
    IF s AND r.started_at IS NOT NULL AND r.assigned_at IS NOT NULL THEN
        secs := CAST(EXTRACT(EPOCH FROM (r.started_at - r.assigned_at)) AS DOUBLE PRECISION);
        INSERT INTO report_hours (hour, department_id, assignee_id, started, started_seconds)
            VALUES (CAST(floor(EXTRACT(EPOCH FROM r.started_at) / 3600) AS BIGINT), dep, 0, sign, sign * secs)
            ON CONFLICT (hour, department_id, assignee_id) DO UPDATE
            SET started = report_hours.started + EXCLUDED.started, started_seconds = report_hours.started_seconds + EXCLUDED.started_seconds;
        INSERT INTO report_spreads (kind, grain, at, department_id, bin, n) VALUES (2, 1, CAST(floor(EXTRACT(EPOCH FROM r.started_at) / 86400) AS BIGINT), dep, CASE WHEN secs < 100 THEN CAST(floor(secs) AS BIGINT) ELSE 100 + CAST(floor(ln(secs / 100.0) / ln(1.02)) AS BIGINT) END, sign)
            ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = report_spreads.n + EXCLUDED.n;
        INSERT INTO report_spreads (kind, grain, at, department_id, bin, n) VALUES (2, 7, CAST(floor(EXTRACT(EPOCH FROM r.started_at) / 604800) AS BIGINT), dep, CASE WHEN secs < 100 THEN CAST(floor(secs) AS BIGINT) ELSE 100 + CAST(floor(ln(secs / 100.0) / ln(1.02)) AS BIGINT) END, sign)
            ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = report_spreads.n + EXCLUDED.n;
    END IF;
END
$$;
-- +goose StatementEnd

-- The trigger touches only the figures a change moves: a filing adds a row to
-- report_hours and report_days; a transition moves one figure.
-- +goose StatementBegin
CREATE FUNCTION tickets_report() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    c BOOLEAN;
    d BOOLEAN;
    x BOOLEAN;
    s BOOLEAN;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM report_ticket(NEW, 1, true, true, true, true);
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM report_ticket(OLD, -1, true, true, true, true);
        RETURN NULL;
    END IF;
    c := OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.department_id IS DISTINCT FROM NEW.department_id
        OR OLD.asset_id IS DISTINCT FROM NEW.asset_id OR OLD.problem_type_id IS DISTINCT FROM NEW.problem_type_id;
    d := OLD.done_at IS DISTINCT FROM NEW.done_at OR (OLD.done_at IS NOT NULL AND (OLD.created_at IS DISTINCT FROM NEW.created_at
        OR OLD.department_id IS DISTINCT FROM NEW.department_id OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id));
    x := OLD.cancelled_at IS DISTINCT FROM NEW.cancelled_at
        OR (OLD.cancelled_at IS NOT NULL AND OLD.department_id IS DISTINCT FROM NEW.department_id);
    s := OLD.started_at IS DISTINCT FROM NEW.started_at OR (OLD.started_at IS NOT NULL AND (OLD.assigned_at IS DISTINCT FROM NEW.assigned_at
        OR OLD.department_id IS DISTINCT FROM NEW.department_id));
    IF c OR d OR x OR s THEN
        PERFORM report_ticket(OLD, -1, c, d, x, s);
        PERFORM report_ticket(NEW, 1, c, d, x, s);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER tickets_report AFTER INSERT OR UPDATE OR DELETE ON tickets FOR EACH ROW EXECUTE FUNCTION tickets_report();

-- +goose Down
DROP TRIGGER tickets_report ON tickets;
DROP FUNCTION tickets_report();
DROP FUNCTION report_ticket(tickets, BIGINT, BOOLEAN, BOOLEAN, BOOLEAN, BOOLEAN);
DROP TABLE report_spreads;
DROP TABLE report_days;
DROP TABLE report_hours;
