-- +goose Up
-- The period report's summary (internal/reports; docs/ARCHITECTURE.md, "Reports"):
-- what a year report over a million tickets would otherwise read ticket by ticket,
-- kept up to date by triggers on tickets in the same transaction as every change,
-- so it can never disagree with the tickets it sums. Times are whole UTC hours and
-- days since 1970 (integers, the same on both engines); the report adds the few
-- tickets of a period's partial hours or days from the tickets themselves.
-- department_id and assignee_id 0 stand for none.
--
-- report_hours: per hour of filing, completion, cancellation and start, the
-- counts and the summed seconds (completion: done_at - created_at; first action:
-- started_at - assigned_at); completions per executor, everything else under
-- assignee 0.
CREATE TABLE report_hours (
    hour            INTEGER NOT NULL,
    department_id   INTEGER NOT NULL,
    assignee_id     INTEGER NOT NULL,
    created         INTEGER NOT NULL DEFAULT 0,
    done            INTEGER NOT NULL DEFAULT 0,
    done_seconds    REAL NOT NULL DEFAULT 0,
    cancelled       INTEGER NOT NULL DEFAULT 0,
    started         INTEGER NOT NULL DEFAULT 0,
    started_seconds REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, department_id, assignee_id)
);
-- report_days: tickets filed per UTC day by department, device and problem (the
-- breakdowns).
CREATE TABLE report_days (
    day             INTEGER NOT NULL,
    department_id   INTEGER NOT NULL,
    asset_id        INTEGER NOT NULL,
    problem_type_id INTEGER NOT NULL,
    created         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, department_id, asset_id, problem_type_id)
);
-- report_spreads: a histogram of durations per department and UTC day (grain 1,
-- at: days since 1970) and UTC week (grain 7, at: weeks since 1970, so a year is
-- read from 52 weeks and a few days); kind 1: completion, by the time of
-- completion; 2: first action, by the time of start. Bin b < 100 holds [b, b+1)
-- seconds; bin 100 + k holds [100 * 1.02^k, 100 * 1.02^(k+1)), so a bin's
-- geometric middle is within 1 % of any duration in it.
CREATE TABLE report_spreads (
    kind          INTEGER NOT NULL,
    grain         INTEGER NOT NULL,
    at            INTEGER NOT NULL,
    department_id INTEGER NOT NULL,
    bin           INTEGER NOT NULL,
    n             INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, grain, at, department_id, bin)
);

INSERT INTO report_hours (hour, department_id, assignee_id, created)
    SELECT (unixepoch(substr(created_at, 1, 19)) / 3600), COALESCE(department_id, 0), 0, COUNT(*) FROM tickets GROUP BY 1, 2;
INSERT INTO report_hours (hour, department_id, assignee_id, done, done_seconds)
    SELECT (unixepoch(substr(done_at, 1, 19)) / 3600), COALESCE(department_id, 0), COALESCE(assignee_id, 0), COUNT(*), SUM((unixepoch(substr(done_at, 1, 19)) - unixepoch(substr(created_at, 1, 19))))
    FROM tickets WHERE done_at IS NOT NULL GROUP BY 1, 2, 3
    ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET done = excluded.done, done_seconds = excluded.done_seconds;
INSERT INTO report_hours (hour, department_id, assignee_id, cancelled)
    SELECT (unixepoch(substr(cancelled_at, 1, 19)) / 3600), COALESCE(department_id, 0), 0, COUNT(*) FROM tickets WHERE cancelled_at IS NOT NULL GROUP BY 1, 2
    ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET cancelled = excluded.cancelled;
INSERT INTO report_hours (hour, department_id, assignee_id, started, started_seconds)
    SELECT (unixepoch(substr(started_at, 1, 19)) / 3600), COALESCE(department_id, 0), 0, COUNT(*), SUM((unixepoch(substr(started_at, 1, 19)) - unixepoch(substr(assigned_at, 1, 19))))
    FROM tickets WHERE started_at IS NOT NULL AND assigned_at IS NOT NULL GROUP BY 1, 2
    ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET started = excluded.started, started_seconds = excluded.started_seconds;
INSERT INTO report_days (day, department_id, asset_id, problem_type_id, created)
    SELECT (unixepoch(substr(created_at, 1, 19)) / 86400), COALESCE(department_id, 0), asset_id, problem_type_id, COUNT(*) FROM tickets GROUP BY 1, 2, 3, 4;
INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
    SELECT 1, 1, (unixepoch(substr(done_at, 1, 19)) / 86400), COALESCE(department_id, 0), CASE WHEN (unixepoch(substr(done_at, 1, 19)) - unixepoch(substr(created_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(done_at, 1, 19)) - unixepoch(substr(created_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(done_at, 1, 19)) - unixepoch(substr(created_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, COUNT(*)
    FROM tickets WHERE done_at IS NOT NULL GROUP BY 3, 4, 5;
INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
    SELECT 1, 7, (unixepoch(substr(done_at, 1, 19)) / 604800), COALESCE(department_id, 0), CASE WHEN (unixepoch(substr(done_at, 1, 19)) - unixepoch(substr(created_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(done_at, 1, 19)) - unixepoch(substr(created_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(done_at, 1, 19)) - unixepoch(substr(created_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, COUNT(*)
    FROM tickets WHERE done_at IS NOT NULL GROUP BY 3, 4, 5;
INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
    SELECT 2, 1, (unixepoch(substr(started_at, 1, 19)) / 86400), COALESCE(department_id, 0), CASE WHEN (unixepoch(substr(started_at, 1, 19)) - unixepoch(substr(assigned_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(started_at, 1, 19)) - unixepoch(substr(assigned_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(started_at, 1, 19)) - unixepoch(substr(assigned_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, COUNT(*)
    FROM tickets WHERE started_at IS NOT NULL AND assigned_at IS NOT NULL GROUP BY 3, 4, 5;
INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
    SELECT 2, 7, (unixepoch(substr(started_at, 1, 19)) / 604800), COALESCE(department_id, 0), CASE WHEN (unixepoch(substr(started_at, 1, 19)) - unixepoch(substr(assigned_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(started_at, 1, 19)) - unixepoch(substr(assigned_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(started_at, 1, 19)) - unixepoch(substr(assigned_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, COUNT(*)
    FROM tickets WHERE started_at IS NOT NULL AND assigned_at IS NOT NULL GROUP BY 3, 4, 5;

-- Each trigger touches only the figures a change moves: a filing adds a row to
-- report_hours and report_days; a transition moves one figure.
-- +goose StatementBegin
CREATE TRIGGER tickets_report_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO report_hours (hour, department_id, assignee_id, created) VALUES ((unixepoch(substr(NEW.created_at, 1, 19)) / 3600), COALESCE(NEW.department_id, 0), 0, 1)
        ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET created = created + excluded.created;
    INSERT INTO report_days (day, department_id, asset_id, problem_type_id, created) VALUES ((unixepoch(substr(NEW.created_at, 1, 19)) / 86400), COALESCE(NEW.department_id, 0), NEW.asset_id, NEW.problem_type_id, 1)
        ON CONFLICT (day, department_id, asset_id, problem_type_id) DO UPDATE SET created = created + excluded.created;
    INSERT INTO report_hours (hour, department_id, assignee_id, done, done_seconds)
        SELECT (unixepoch(substr(NEW.done_at, 1, 19)) / 3600), COALESCE(NEW.department_id, 0), COALESCE(NEW.assignee_id, 0), 1, 1 * (unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19))) WHERE NEW.done_at IS NOT NULL
        ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET done = done + excluded.done, done_seconds = done_seconds + excluded.done_seconds;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 1, 1, (unixepoch(substr(NEW.done_at, 1, 19)) / 86400), COALESCE(NEW.department_id, 0), CASE WHEN (unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, 1 WHERE NEW.done_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 1, 7, (unixepoch(substr(NEW.done_at, 1, 19)) / 604800), COALESCE(NEW.department_id, 0), CASE WHEN (unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, 1 WHERE NEW.done_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_hours (hour, department_id, assignee_id, cancelled)
        SELECT (unixepoch(substr(NEW.cancelled_at, 1, 19)) / 3600), COALESCE(NEW.department_id, 0), 0, 1 WHERE NEW.cancelled_at IS NOT NULL
        ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET cancelled = cancelled + excluded.cancelled;
    INSERT INTO report_hours (hour, department_id, assignee_id, started, started_seconds)
        SELECT (unixepoch(substr(NEW.started_at, 1, 19)) / 3600), COALESCE(NEW.department_id, 0), 0, 1, 1 * (unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19))) WHERE NEW.started_at IS NOT NULL AND NEW.assigned_at IS NOT NULL
        ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET started = started + excluded.started, started_seconds = started_seconds + excluded.started_seconds;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 2, 1, (unixepoch(substr(NEW.started_at, 1, 19)) / 86400), COALESCE(NEW.department_id, 0), CASE WHEN (unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, 1 WHERE NEW.started_at IS NOT NULL AND NEW.assigned_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 2, 7, (unixepoch(substr(NEW.started_at, 1, 19)) / 604800), COALESCE(NEW.department_id, 0), CASE WHEN (unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, 1 WHERE NEW.started_at IS NOT NULL AND NEW.assigned_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tickets_report_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO report_hours (hour, department_id, assignee_id, created) VALUES ((unixepoch(substr(OLD.created_at, 1, 19)) / 3600), COALESCE(OLD.department_id, 0), 0, -1)
        ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET created = created + excluded.created;
    INSERT INTO report_days (day, department_id, asset_id, problem_type_id, created) VALUES ((unixepoch(substr(OLD.created_at, 1, 19)) / 86400), COALESCE(OLD.department_id, 0), OLD.asset_id, OLD.problem_type_id, -1)
        ON CONFLICT (day, department_id, asset_id, problem_type_id) DO UPDATE SET created = created + excluded.created;
    INSERT INTO report_hours (hour, department_id, assignee_id, done, done_seconds)
        SELECT (unixepoch(substr(OLD.done_at, 1, 19)) / 3600), COALESCE(OLD.department_id, 0), COALESCE(OLD.assignee_id, 0), -1, -1 * (unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19))) WHERE OLD.done_at IS NOT NULL
        ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET done = done + excluded.done, done_seconds = done_seconds + excluded.done_seconds;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 1, 1, (unixepoch(substr(OLD.done_at, 1, 19)) / 86400), COALESCE(OLD.department_id, 0), CASE WHEN (unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, -1 WHERE OLD.done_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 1, 7, (unixepoch(substr(OLD.done_at, 1, 19)) / 604800), COALESCE(OLD.department_id, 0), CASE WHEN (unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, -1 WHERE OLD.done_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_hours (hour, department_id, assignee_id, cancelled)
        SELECT (unixepoch(substr(OLD.cancelled_at, 1, 19)) / 3600), COALESCE(OLD.department_id, 0), 0, -1 WHERE OLD.cancelled_at IS NOT NULL
        ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET cancelled = cancelled + excluded.cancelled;
    INSERT INTO report_hours (hour, department_id, assignee_id, started, started_seconds)
        SELECT (unixepoch(substr(OLD.started_at, 1, 19)) / 3600), COALESCE(OLD.department_id, 0), 0, -1, -1 * (unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19))) WHERE OLD.started_at IS NOT NULL AND OLD.assigned_at IS NOT NULL
        ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET started = started + excluded.started, started_seconds = started_seconds + excluded.started_seconds;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 2, 1, (unixepoch(substr(OLD.started_at, 1, 19)) / 86400), COALESCE(OLD.department_id, 0), CASE WHEN (unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, -1 WHERE OLD.started_at IS NOT NULL AND OLD.assigned_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 2, 7, (unixepoch(substr(OLD.started_at, 1, 19)) / 604800), COALESCE(OLD.department_id, 0), CASE WHEN (unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, -1 WHERE OLD.started_at IS NOT NULL AND OLD.assigned_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tickets_report_created AFTER UPDATE OF created_at, department_id, asset_id, problem_type_id ON tickets
WHEN OLD.created_at IS NOT NEW.created_at OR OLD.department_id IS NOT NEW.department_id
    OR OLD.asset_id IS NOT NEW.asset_id OR OLD.problem_type_id IS NOT NEW.problem_type_id BEGIN
    INSERT INTO report_hours (hour, department_id, assignee_id, created) VALUES ((unixepoch(substr(OLD.created_at, 1, 19)) / 3600), COALESCE(OLD.department_id, 0), 0, -1)
        ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET created = created + excluded.created;
    INSERT INTO report_days (day, department_id, asset_id, problem_type_id, created) VALUES ((unixepoch(substr(OLD.created_at, 1, 19)) / 86400), COALESCE(OLD.department_id, 0), OLD.asset_id, OLD.problem_type_id, -1)
        ON CONFLICT (day, department_id, asset_id, problem_type_id) DO UPDATE SET created = created + excluded.created;
    INSERT INTO report_hours (hour, department_id, assignee_id, created) VALUES ((unixepoch(substr(NEW.created_at, 1, 19)) / 3600), COALESCE(NEW.department_id, 0), 0, 1)
        ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET created = created + excluded.created;
    INSERT INTO report_days (day, department_id, asset_id, problem_type_id, created) VALUES ((unixepoch(substr(NEW.created_at, 1, 19)) / 86400), COALESCE(NEW.department_id, 0), NEW.asset_id, NEW.problem_type_id, 1)
        ON CONFLICT (day, department_id, asset_id, problem_type_id) DO UPDATE SET created = created + excluded.created;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tickets_report_done AFTER UPDATE OF done_at, created_at, department_id, assignee_id ON tickets
WHEN OLD.done_at IS NOT NEW.done_at OR (OLD.done_at IS NOT NULL AND (OLD.created_at IS NOT NEW.created_at
    OR OLD.department_id IS NOT NEW.department_id OR OLD.assignee_id IS NOT NEW.assignee_id)) BEGIN
    INSERT INTO report_hours (hour, department_id, assignee_id, done, done_seconds)
        SELECT (unixepoch(substr(OLD.done_at, 1, 19)) / 3600), COALESCE(OLD.department_id, 0), COALESCE(OLD.assignee_id, 0), -1, -1 * (unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19))) WHERE OLD.done_at IS NOT NULL
        ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET done = done + excluded.done, done_seconds = done_seconds + excluded.done_seconds;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 1, 1, (unixepoch(substr(OLD.done_at, 1, 19)) / 86400), COALESCE(OLD.department_id, 0), CASE WHEN (unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, -1 WHERE OLD.done_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 1, 7, (unixepoch(substr(OLD.done_at, 1, 19)) / 604800), COALESCE(OLD.department_id, 0), CASE WHEN (unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, -1 WHERE OLD.done_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_hours (hour, department_id, assignee_id, done, done_seconds)
        SELECT (unixepoch(substr(NEW.done_at, 1, 19)) / 3600), COALESCE(NEW.department_id, 0), COALESCE(NEW.assignee_id, 0), 1, 1 * (unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19))) WHERE NEW.done_at IS NOT NULL
        ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET done = done + excluded.done, done_seconds = done_seconds + excluded.done_seconds;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 1, 1, (unixepoch(substr(NEW.done_at, 1, 19)) / 86400), COALESCE(NEW.department_id, 0), CASE WHEN (unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, 1 WHERE NEW.done_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 1, 7, (unixepoch(substr(NEW.done_at, 1, 19)) / 604800), COALESCE(NEW.department_id, 0), CASE WHEN (unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, 1 WHERE NEW.done_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tickets_report_cancelled AFTER UPDATE OF cancelled_at, department_id ON tickets
WHEN OLD.cancelled_at IS NOT NEW.cancelled_at OR (OLD.cancelled_at IS NOT NULL AND OLD.department_id IS NOT NEW.department_id) BEGIN
    INSERT INTO report_hours (hour, department_id, assignee_id, cancelled)
        SELECT (unixepoch(substr(OLD.cancelled_at, 1, 19)) / 3600), COALESCE(OLD.department_id, 0), 0, -1 WHERE OLD.cancelled_at IS NOT NULL
        ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET cancelled = cancelled + excluded.cancelled;
    INSERT INTO report_hours (hour, department_id, assignee_id, cancelled)
        SELECT (unixepoch(substr(NEW.cancelled_at, 1, 19)) / 3600), COALESCE(NEW.department_id, 0), 0, 1 WHERE NEW.cancelled_at IS NOT NULL
        ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET cancelled = cancelled + excluded.cancelled;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tickets_report_started AFTER UPDATE OF started_at, assigned_at, department_id ON tickets
WHEN OLD.started_at IS NOT NEW.started_at OR (OLD.started_at IS NOT NULL AND (OLD.assigned_at IS NOT NEW.assigned_at
    OR OLD.department_id IS NOT NEW.department_id)) BEGIN
    INSERT INTO report_hours (hour, department_id, assignee_id, started, started_seconds)
        SELECT (unixepoch(substr(OLD.started_at, 1, 19)) / 3600), COALESCE(OLD.department_id, 0), 0, -1, -1 * (unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19))) WHERE OLD.started_at IS NOT NULL AND OLD.assigned_at IS NOT NULL
        ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET started = started + excluded.started, started_seconds = started_seconds + excluded.started_seconds;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 2, 1, (unixepoch(substr(OLD.started_at, 1, 19)) / 86400), COALESCE(OLD.department_id, 0), CASE WHEN (unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, -1 WHERE OLD.started_at IS NOT NULL AND OLD.assigned_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 2, 7, (unixepoch(substr(OLD.started_at, 1, 19)) / 604800), COALESCE(OLD.department_id, 0), CASE WHEN (unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, -1 WHERE OLD.started_at IS NOT NULL AND OLD.assigned_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_hours (hour, department_id, assignee_id, started, started_seconds)
        SELECT (unixepoch(substr(NEW.started_at, 1, 19)) / 3600), COALESCE(NEW.department_id, 0), 0, 1, 1 * (unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19))) WHERE NEW.started_at IS NOT NULL AND NEW.assigned_at IS NOT NULL
        ON CONFLICT (hour, department_id, assignee_id) DO UPDATE SET started = started + excluded.started, started_seconds = started_seconds + excluded.started_seconds;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 2, 1, (unixepoch(substr(NEW.started_at, 1, 19)) / 86400), COALESCE(NEW.department_id, 0), CASE WHEN (unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, 1 WHERE NEW.started_at IS NOT NULL AND NEW.assigned_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 2, 7, (unixepoch(substr(NEW.started_at, 1, 19)) / 604800), COALESCE(NEW.department_id, 0), CASE WHEN (unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, 1 WHERE NEW.started_at IS NOT NULL AND NEW.assigned_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER tickets_report_started;
DROP TRIGGER tickets_report_cancelled;
DROP TRIGGER tickets_report_done;
DROP TRIGGER tickets_report_created;
DROP TRIGGER tickets_report_delete;
DROP TRIGGER tickets_report_insert;
DROP TABLE report_spreads;
DROP TABLE report_days;
DROP TABLE report_hours;
