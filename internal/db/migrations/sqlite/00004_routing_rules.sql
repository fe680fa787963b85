-- +goose Up
-- Routing rules: (service class, service type, problem type) -> department. A NULL
-- column is the wildcard "any"; the most specific matching row wins (internal/tickets).
-- Two rows with the same three columns cannot exist, NULLs included: UNIQUE treats
-- NULLs as distinct, so the unique index is on COALESCE(column, 0) (ids start at 1).
-- The default department that catches what no row matches is the settings row
-- 'default_department_id'.
CREATE TABLE routing_rules (
    id               INTEGER PRIMARY KEY,
    service_class_id INTEGER REFERENCES service_classes (id) ON DELETE RESTRICT,
    service_type_id  INTEGER REFERENCES service_types (id) ON DELETE RESTRICT,
    problem_type_id  INTEGER REFERENCES problem_types (id) ON DELETE RESTRICT,
    department_id    INTEGER NOT NULL REFERENCES departments (id) ON DELETE RESTRICT,
    created_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX routing_rules_columns ON routing_rules (
    COALESCE(service_class_id, 0), COALESCE(service_type_id, 0), COALESCE(problem_type_id, 0));
CREATE INDEX routing_rules_class ON routing_rules (service_class_id);
CREATE INDEX routing_rules_type ON routing_rules (service_type_id);
CREATE INDEX routing_rules_problem ON routing_rules (problem_type_id);
CREATE INDEX routing_rules_department ON routing_rules (department_id);

-- +goose Down
DROP TABLE routing_rules;
