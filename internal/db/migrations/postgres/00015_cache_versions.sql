-- +goose Up
-- Caches with instant invalidation on every instance (internal/cache). A request
-- reads this one row first; a cached session, account or catalogue entry is used
-- only when it was loaded under the version the row holds now. The triggers move
-- the versions in the same transaction as any change to what the caches hold, so
-- no code path (and no later module writing these tables) can forget to: a
-- deactivation, a password change, a logout, a role or an admin's catalogue change
-- is seen by the very next request everywhere.
--   auth: accounts, their roles and departments, departments, sessions (a new
--         session's INSERT needs no move: nobody has it cached).
--   catalogue: classes, types, problem types, offers, and the devices' own columns
--         (not the scan counter, which the batched flush moves every few seconds).
CREATE TABLE cache_versions (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    auth      BIGINT NOT NULL,
    catalogue BIGINT NOT NULL
);
INSERT INTO cache_versions (id, auth, catalogue) VALUES (1, 1, 1);

-- +goose StatementBegin
CREATE FUNCTION bump_auth_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cache_versions SET auth = auth + 1 WHERE id = 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION bump_catalogue_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER users_auth_version AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_version();
CREATE TRIGGER user_roles_auth_version AFTER INSERT OR UPDATE OR DELETE ON user_roles FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_version();
CREATE TRIGGER user_departments_auth_version AFTER INSERT OR UPDATE OR DELETE ON user_departments FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_version();
CREATE TRIGGER departments_auth_version AFTER INSERT OR UPDATE OR DELETE ON departments FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_version();
CREATE TRIGGER sessions_auth_version AFTER UPDATE OR DELETE ON sessions FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_version();
CREATE TRIGGER service_classes_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON service_classes FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER service_types_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON service_types FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER problem_types_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON problem_types FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER type_problems_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON type_problems FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER assets_catalogue_version AFTER INSERT OR DELETE OR UPDATE OF code, name, type_id, inventory_number, building, floor, room, instructions, owner_id, archived ON assets FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();

-- +goose Down
DROP TRIGGER assets_catalogue_version ON assets;
DROP TRIGGER type_problems_catalogue_version ON type_problems;
DROP TRIGGER problem_types_catalogue_version ON problem_types;
DROP TRIGGER service_types_catalogue_version ON service_types;
DROP TRIGGER service_classes_catalogue_version ON service_classes;
DROP TRIGGER sessions_auth_version ON sessions;
DROP TRIGGER departments_auth_version ON departments;
DROP TRIGGER user_departments_auth_version ON user_departments;
DROP TRIGGER user_roles_auth_version ON user_roles;
DROP TRIGGER users_auth_version ON users;
DROP FUNCTION bump_catalogue_version();
DROP FUNCTION bump_auth_version();
DROP TABLE cache_versions;
