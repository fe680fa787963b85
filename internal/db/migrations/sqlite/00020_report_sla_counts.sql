-- +goose Up
-- The report's service-level section (internal/reports/sla.go) from a summary,
-- like migration 00017's: per UTC day (grain 1, at: days since 1970) and UTC week
-- (grain 7, at: weeks since 1970) of completion, per department, problem type and
-- executor, how many of the completed tickets had a take (done) target and how
-- many kept it. A year's report reads 52 weeks and a few days of it instead of
-- every ticket completed in the year; the partial days at a period's ends are
-- still read from tickets. A ticket counts while its status is done, it has a
-- completion time and a target, exactly the raw query's rows; kept by triggers
-- in the same transaction as every change. department_id and assignee_id 0
-- stand for none.
CREATE TABLE report_sla (
    grain           INTEGER NOT NULL,
    at              INTEGER NOT NULL,
    department_id   INTEGER NOT NULL,
    problem_type_id INTEGER NOT NULL,
    assignee_id     INTEGER NOT NULL,
    take_of         INTEGER NOT NULL DEFAULT 0,
    take_met        INTEGER NOT NULL DEFAULT 0,
    done_of         INTEGER NOT NULL DEFAULT 0,
    done_met        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, at, department_id, problem_type_id, assignee_id)
);

INSERT INTO report_sla (grain, at, department_id, problem_type_id, assignee_id, take_of, take_met, done_of, done_met)
    SELECT 1, (unixepoch(substr(t.done_at, 1, 19)) / 86400), COALESCE(t.department_id, 0), t.problem_type_id, COALESCE(t.assignee_id, 0),
        COUNT(CASE WHEN t.take_by IS NOT NULL THEN 1 END),
        COUNT(CASE WHEN t.take_by IS NOT NULL AND COALESCE(t.taken_at, t.done_at) <= t.take_by THEN 1 END),
        COUNT(CASE WHEN t.done_by IS NOT NULL THEN 1 END),
        COUNT(CASE WHEN t.done_by IS NOT NULL AND t.done_at <= t.done_by THEN 1 END)
    FROM tickets t WHERE t.status = 'done' AND t.done_at IS NOT NULL AND (t.take_by IS NOT NULL OR t.done_by IS NOT NULL)
    GROUP BY 2, 3, 4, 5;
INSERT INTO report_sla (grain, at, department_id, problem_type_id, assignee_id, take_of, take_met, done_of, done_met)
    SELECT 7, (unixepoch(substr(t.done_at, 1, 19)) / 604800), COALESCE(t.department_id, 0), t.problem_type_id, COALESCE(t.assignee_id, 0),
        COUNT(CASE WHEN t.take_by IS NOT NULL THEN 1 END),
        COUNT(CASE WHEN t.take_by IS NOT NULL AND COALESCE(t.taken_at, t.done_at) <= t.take_by THEN 1 END),
        COUNT(CASE WHEN t.done_by IS NOT NULL THEN 1 END),
        COUNT(CASE WHEN t.done_by IS NOT NULL AND t.done_at <= t.done_by THEN 1 END)
    FROM tickets t WHERE t.status = 'done' AND t.done_at IS NOT NULL AND (t.take_by IS NOT NULL OR t.done_by IS NOT NULL)
    GROUP BY 2, 3, 4, 5;

-- +goose StatementBegin
CREATE TRIGGER tickets_report_sla_insert AFTER INSERT ON tickets
WHEN NEW.status = 'done' AND NEW.done_at IS NOT NULL AND (NEW.take_by IS NOT NULL OR NEW.done_by IS NOT NULL) BEGIN
    INSERT INTO report_sla (grain, at, department_id, problem_type_id, assignee_id, take_of, take_met, done_of, done_met)
        SELECT 1, (unixepoch(substr(NEW.done_at, 1, 19)) / 86400), COALESCE(NEW.department_id, 0), NEW.problem_type_id, COALESCE(NEW.assignee_id, 0),
            1 * (CASE WHEN NEW.take_by IS NOT NULL THEN 1 ELSE 0 END),
            1 * (CASE WHEN NEW.take_by IS NOT NULL AND COALESCE(NEW.taken_at, NEW.done_at) <= NEW.take_by THEN 1 ELSE 0 END),
            1 * (CASE WHEN NEW.done_by IS NOT NULL THEN 1 ELSE 0 END),
            1 * (CASE WHEN NEW.done_by IS NOT NULL AND NEW.done_at <= NEW.done_by THEN 1 ELSE 0 END) WHERE true
        ON CONFLICT (grain, at, department_id, problem_type_id, assignee_id) DO UPDATE SET take_of = take_of + excluded.take_of,
            take_met = take_met + excluded.take_met, done_of = done_of + excluded.done_of, done_met = done_met + excluded.done_met;
    INSERT INTO report_sla (grain, at, department_id, problem_type_id, assignee_id, take_of, take_met, done_of, done_met)
        SELECT 7, (unixepoch(substr(NEW.done_at, 1, 19)) / 604800), COALESCE(NEW.department_id, 0), NEW.problem_type_id, COALESCE(NEW.assignee_id, 0),
            1 * (CASE WHEN NEW.take_by IS NOT NULL THEN 1 ELSE 0 END),
            1 * (CASE WHEN NEW.take_by IS NOT NULL AND COALESCE(NEW.taken_at, NEW.done_at) <= NEW.take_by THEN 1 ELSE 0 END),
            1 * (CASE WHEN NEW.done_by IS NOT NULL THEN 1 ELSE 0 END),
            1 * (CASE WHEN NEW.done_by IS NOT NULL AND NEW.done_at <= NEW.done_by THEN 1 ELSE 0 END) WHERE true
        ON CONFLICT (grain, at, department_id, problem_type_id, assignee_id) DO UPDATE SET take_of = take_of + excluded.take_of,
            take_met = take_met + excluded.take_met, done_of = done_of + excluded.done_of, done_met = done_met + excluded.done_met;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tickets_report_sla_delete AFTER DELETE ON tickets
WHEN OLD.status = 'done' AND OLD.done_at IS NOT NULL AND (OLD.take_by IS NOT NULL OR OLD.done_by IS NOT NULL) BEGIN
    INSERT INTO report_sla (grain, at, department_id, problem_type_id, assignee_id, take_of, take_met, done_of, done_met)
        SELECT 1, (unixepoch(substr(OLD.done_at, 1, 19)) / 86400), COALESCE(OLD.department_id, 0), OLD.problem_type_id, COALESCE(OLD.assignee_id, 0),
            -1 * (CASE WHEN OLD.take_by IS NOT NULL THEN 1 ELSE 0 END),
            -1 * (CASE WHEN OLD.take_by IS NOT NULL AND COALESCE(OLD.taken_at, OLD.done_at) <= OLD.take_by THEN 1 ELSE 0 END),
            -1 * (CASE WHEN OLD.done_by IS NOT NULL THEN 1 ELSE 0 END),
            -1 * (CASE WHEN OLD.done_by IS NOT NULL AND OLD.done_at <= OLD.done_by THEN 1 ELSE 0 END) WHERE true
        ON CONFLICT (grain, at, department_id, problem_type_id, assignee_id) DO UPDATE SET take_of = take_of + excluded.take_of,
            take_met = take_met + excluded.take_met, done_of = done_of + excluded.done_of, done_met = done_met + excluded.done_met;
    INSERT INTO report_sla (grain, at, department_id, problem_type_id, assignee_id, take_of, take_met, done_of, done_met)
        SELECT 7, (unixepoch(substr(OLD.done_at, 1, 19)) / 604800), COALESCE(OLD.department_id, 0), OLD.problem_type_id, COALESCE(OLD.assignee_id, 0),
            -1 * (CASE WHEN OLD.take_by IS NOT NULL THEN 1 ELSE 0 END),
            -1 * (CASE WHEN OLD.take_by IS NOT NULL AND COALESCE(OLD.taken_at, OLD.done_at) <= OLD.take_by THEN 1 ELSE 0 END),
            -1 * (CASE WHEN OLD.done_by IS NOT NULL THEN 1 ELSE 0 END),
            -1 * (CASE WHEN OLD.done_by IS NOT NULL AND OLD.done_at <= OLD.done_by THEN 1 ELSE 0 END) WHERE true
        ON CONFLICT (grain, at, department_id, problem_type_id, assignee_id) DO UPDATE SET take_of = take_of + excluded.take_of,
            take_met = take_met + excluded.take_met, done_of = done_of + excluded.done_of, done_met = done_met + excluded.done_met;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tickets_report_sla_update AFTER UPDATE OF status, done_at, take_by, done_by, taken_at, department_id, problem_type_id, assignee_id ON tickets
WHEN ((OLD.status = 'done' AND OLD.done_at IS NOT NULL AND (OLD.take_by IS NOT NULL OR OLD.done_by IS NOT NULL))
    OR (NEW.status = 'done' AND NEW.done_at IS NOT NULL AND (NEW.take_by IS NOT NULL OR NEW.done_by IS NOT NULL)))
    AND (OLD.status IS NOT NEW.status OR OLD.done_at IS NOT NEW.done_at OR OLD.take_by IS NOT NEW.take_by OR OLD.done_by IS NOT NEW.done_by
    OR OLD.taken_at IS NOT NEW.taken_at OR OLD.department_id IS NOT NEW.department_id OR OLD.problem_type_id IS NOT NEW.problem_type_id OR OLD.assignee_id IS NOT NEW.assignee_id) BEGIN
    INSERT INTO report_sla (grain, at, department_id, problem_type_id, assignee_id, take_of, take_met, done_of, done_met)
        SELECT 1, (unixepoch(substr(OLD.done_at, 1, 19)) / 86400), COALESCE(OLD.department_id, 0), OLD.problem_type_id, COALESCE(OLD.assignee_id, 0),
            -1 * (CASE WHEN OLD.take_by IS NOT NULL THEN 1 ELSE 0 END),
            -1 * (CASE WHEN OLD.take_by IS NOT NULL AND COALESCE(OLD.taken_at, OLD.done_at) <= OLD.take_by THEN 1 ELSE 0 END),
            -1 * (CASE WHEN OLD.done_by IS NOT NULL THEN 1 ELSE 0 END),
            -1 * (CASE WHEN OLD.done_by IS NOT NULL AND OLD.done_at <= OLD.done_by THEN 1 ELSE 0 END) WHERE OLD.status = 'done' AND OLD.done_at IS NOT NULL AND (OLD.take_by IS NOT NULL OR OLD.done_by IS NOT NULL)
        ON CONFLICT (grain, at, department_id, problem_type_id, assignee_id) DO UPDATE SET take_of = take_of + excluded.take_of,
            take_met = take_met + excluded.take_met, done_of = done_of + excluded.done_of, done_met = done_met + excluded.done_met;
    INSERT INTO report_sla (grain, at, department_id, problem_type_id, assignee_id, take_of, take_met, done_of, done_met)
        SELECT 7, (unixepoch(substr(OLD.done_at, 1, 19)) / 604800), COALESCE(OLD.department_id, 0), OLD.problem_type_id, COALESCE(OLD.assignee_id, 0),
            -1 * (CASE WHEN OLD.take_by IS NOT NULL THEN 1 ELSE 0 END),
            -1 * (CASE WHEN OLD.take_by IS NOT NULL AND COALESCE(OLD.taken_at, OLD.done_at) <= OLD.take_by THEN 1 ELSE 0 END),
            -1 * (CASE WHEN OLD.done_by IS NOT NULL THEN 1 ELSE 0 END),
            -1 * (CASE WHEN OLD.done_by IS NOT NULL AND OLD.done_at <= OLD.done_by THEN 1 ELSE 0 END) WHERE OLD.status = 'done' AND OLD.done_at IS NOT NULL AND (OLD.take_by IS NOT NULL OR OLD.done_by IS NOT NULL)
        ON CONFLICT (grain, at, department_id, problem_type_id, assignee_id) DO UPDATE SET take_of = take_of + excluded.take_of,
            take_met = take_met + excluded.take_met, done_of = done_of + excluded.done_of, done_met = done_met + excluded.done_met;
    INSERT INTO report_sla (grain, at, department_id, problem_type_id, assignee_id, take_of, take_met, done_of, done_met)
        SELECT 1, (unixepoch(substr(NEW.done_at, 1, 19)) / 86400), COALESCE(NEW.department_id, 0), NEW.problem_type_id, COALESCE(NEW.assignee_id, 0),
            1 * (CASE WHEN NEW.take_by IS NOT NULL THEN 1 ELSE 0 END),
            1 * (CASE WHEN NEW.take_by IS NOT NULL AND COALESCE(NEW.taken_at, NEW.done_at) <= NEW.take_by THEN 1 ELSE 0 END),
            1 * (CASE WHEN NEW.done_by IS NOT NULL THEN 1 ELSE 0 END),
            1 * (CASE WHEN NEW.done_by IS NOT NULL AND NEW.done_at <= NEW.done_by THEN 1 ELSE 0 END) WHERE NEW.status = 'done' AND NEW.done_at IS NOT NULL AND (NEW.take_by IS NOT NULL OR NEW.done_by IS NOT NULL)
        ON CONFLICT (grain, at, department_id, problem_type_id, assignee_id) DO UPDATE SET take_of = take_of + excluded.take_of,
            take_met = take_met + excluded.take_met, done_of = done_of + excluded.done_of, done_met = done_met + excluded.done_met;
    INSERT INTO report_sla (grain, at, department_id, problem_type_id, assignee_id, take_of, take_met, done_of, done_met)
        SELECT 7, (unixepoch(substr(NEW.done_at, 1, 19)) / 604800), COALESCE(NEW.department_id, 0), NEW.problem_type_id, COALESCE(NEW.assignee_id, 0),
            1 * (CASE WHEN NEW.take_by IS NOT NULL THEN 1 ELSE 0 END),
            1 * (CASE WHEN NEW.take_by IS NOT NULL AND COALESCE(NEW.taken_at, NEW.done_at) <= NEW.take_by THEN 1 ELSE 0 END),
            1 * (CASE WHEN NEW.done_by IS NOT NULL THEN 1 ELSE 0 END),
            1 * (CASE WHEN NEW.done_by IS NOT NULL AND NEW.done_at <= NEW.done_by THEN 1 ELSE 0 END) WHERE NEW.status = 'done' AND NEW.done_at IS NOT NULL AND (NEW.take_by IS NOT NULL OR NEW.done_by IS NOT NULL)
        ON CONFLICT (grain, at, department_id, problem_type_id, assignee_id) DO UPDATE SET take_of = take_of + excluded.take_of,
            take_met = take_met + excluded.take_met, done_of = done_of + excluded.done_of, done_met = done_met + excluded.done_met;
END;
-- +goose StatementEnd

-- Migration 00017's histograms of durations (report_spreads) also by blocks of
-- four UTC weeks (grain 28, at: blocks since 1970, block b holding weeks 4b to
-- 4b + 3), so a year's median and 90th percentile read 13 blocks and the weeks
-- and days around them: the weekly rows were a third of a year report's time.
INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
    SELECT 1, 28, (unixepoch(substr(done_at, 1, 19)) / 2419200), COALESCE(department_id, 0), CASE WHEN (unixepoch(substr(done_at, 1, 19)) - unixepoch(substr(created_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(done_at, 1, 19)) - unixepoch(substr(created_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(done_at, 1, 19)) - unixepoch(substr(created_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, COUNT(*)
    FROM tickets WHERE done_at IS NOT NULL GROUP BY 3, 4, 5;
INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
    SELECT 2, 28, (unixepoch(substr(started_at, 1, 19)) / 2419200), COALESCE(department_id, 0), CASE WHEN (unixepoch(substr(started_at, 1, 19)) - unixepoch(substr(assigned_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(started_at, 1, 19)) - unixepoch(substr(assigned_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(started_at, 1, 19)) - unixepoch(substr(assigned_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, COUNT(*)
    FROM tickets WHERE started_at IS NOT NULL AND assigned_at IS NOT NULL GROUP BY 3, 4, 5;

-- +goose StatementBegin
CREATE TRIGGER tickets_report_blocks_insert AFTER INSERT ON tickets
WHEN NEW.done_at IS NOT NULL OR NEW.started_at IS NOT NULL BEGIN
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 1, 28, (unixepoch(substr(NEW.done_at, 1, 19)) / 2419200), COALESCE(NEW.department_id, 0), CASE WHEN (unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, 1 WHERE NEW.done_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 2, 28, (unixepoch(substr(NEW.started_at, 1, 19)) / 2419200), COALESCE(NEW.department_id, 0), CASE WHEN (unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, 1 WHERE NEW.started_at IS NOT NULL AND NEW.assigned_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tickets_report_blocks_delete AFTER DELETE ON tickets
WHEN OLD.done_at IS NOT NULL OR OLD.started_at IS NOT NULL BEGIN
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 1, 28, (unixepoch(substr(OLD.done_at, 1, 19)) / 2419200), COALESCE(OLD.department_id, 0), CASE WHEN (unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, -1 WHERE OLD.done_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 2, 28, (unixepoch(substr(OLD.started_at, 1, 19)) / 2419200), COALESCE(OLD.department_id, 0), CASE WHEN (unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, -1 WHERE OLD.started_at IS NOT NULL AND OLD.assigned_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tickets_report_blocks_done AFTER UPDATE OF done_at, created_at, department_id ON tickets
WHEN OLD.done_at IS NOT NEW.done_at OR (OLD.done_at IS NOT NULL AND (OLD.created_at IS NOT NEW.created_at
    OR OLD.department_id IS NOT NEW.department_id)) BEGIN
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 1, 28, (unixepoch(substr(OLD.done_at, 1, 19)) / 2419200), COALESCE(OLD.department_id, 0), CASE WHEN (unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(OLD.done_at, 1, 19)) - unixepoch(substr(OLD.created_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, -1 WHERE OLD.done_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 1, 28, (unixepoch(substr(NEW.done_at, 1, 19)) / 2419200), COALESCE(NEW.department_id, 0), CASE WHEN (unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(NEW.done_at, 1, 19)) - unixepoch(substr(NEW.created_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, 1 WHERE NEW.done_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tickets_report_blocks_started AFTER UPDATE OF started_at, assigned_at, department_id ON tickets
WHEN OLD.started_at IS NOT NEW.started_at OR (OLD.started_at IS NOT NULL AND (OLD.assigned_at IS NOT NEW.assigned_at
    OR OLD.department_id IS NOT NEW.department_id)) BEGIN
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 2, 28, (unixepoch(substr(OLD.started_at, 1, 19)) / 2419200), COALESCE(OLD.department_id, 0), CASE WHEN (unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(OLD.started_at, 1, 19)) - unixepoch(substr(OLD.assigned_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, -1 WHERE OLD.started_at IS NOT NULL AND OLD.assigned_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
        SELECT 2, 28, (unixepoch(substr(NEW.started_at, 1, 19)) / 2419200), COALESCE(NEW.department_id, 0), CASE WHEN (unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19))) < 100 THEN CAST(floor((unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19)))) AS INTEGER) ELSE 100 + CAST(floor(ln((unixepoch(substr(NEW.started_at, 1, 19)) - unixepoch(substr(NEW.assigned_at, 1, 19))) / 100.0) / ln(1.02)) AS INTEGER) END, 1 WHERE NEW.started_at IS NOT NULL AND NEW.assigned_at IS NOT NULL
        ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd

-- The journal's tabs for a reader who sees only some tickets count what they
-- reported by status from this index (internal/tickets/counts_capped.go), as
-- they already count what they are assigned and their departments' tickets.
CREATE INDEX tickets_reporter_status ON tickets (reporter_id, status);

-- +goose Down
DROP TRIGGER tickets_report_blocks_started;
DROP TRIGGER tickets_report_blocks_done;
DROP TRIGGER tickets_report_blocks_delete;
DROP TRIGGER tickets_report_blocks_insert;
DELETE FROM report_spreads WHERE grain = 28;
DROP INDEX tickets_reporter_status;
DROP TRIGGER tickets_report_sla_update;
DROP TRIGGER tickets_report_sla_delete;
DROP TRIGGER tickets_report_sla_insert;
DROP TABLE report_sla;
