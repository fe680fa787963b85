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
    auth      INTEGER NOT NULL,
    catalogue INTEGER NOT NULL
);
INSERT INTO cache_versions (id, auth, catalogue) VALUES (1, 1, 1);

-- +goose StatementBegin
CREATE TRIGGER users_insert_auth_version AFTER INSERT ON users BEGIN
    UPDATE cache_versions SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER users_update_auth_version AFTER UPDATE ON users BEGIN
    UPDATE cache_versions SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER users_delete_auth_version AFTER DELETE ON users BEGIN
    UPDATE cache_versions SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER user_roles_insert_auth_version AFTER INSERT ON user_roles BEGIN
    UPDATE cache_versions SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER user_roles_update_auth_version AFTER UPDATE ON user_roles BEGIN
    UPDATE cache_versions SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER user_roles_delete_auth_version AFTER DELETE ON user_roles BEGIN
    UPDATE cache_versions SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER user_departments_insert_auth_version AFTER INSERT ON user_departments BEGIN
    UPDATE cache_versions SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER user_departments_update_auth_version AFTER UPDATE ON user_departments BEGIN
    UPDATE cache_versions SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER user_departments_delete_auth_version AFTER DELETE ON user_departments BEGIN
    UPDATE cache_versions SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER departments_insert_auth_version AFTER INSERT ON departments BEGIN
    UPDATE cache_versions SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER departments_update_auth_version AFTER UPDATE ON departments BEGIN
    UPDATE cache_versions SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER departments_delete_auth_version AFTER DELETE ON departments BEGIN
    UPDATE cache_versions SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sessions_update_auth_version AFTER UPDATE ON sessions BEGIN
    UPDATE cache_versions SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sessions_delete_auth_version AFTER DELETE ON sessions BEGIN
    UPDATE cache_versions SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER service_classes_insert_catalogue_version AFTER INSERT ON service_classes BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER service_classes_update_catalogue_version AFTER UPDATE ON service_classes BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER service_classes_delete_catalogue_version AFTER DELETE ON service_classes BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER service_types_insert_catalogue_version AFTER INSERT ON service_types BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER service_types_update_catalogue_version AFTER UPDATE ON service_types BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER service_types_delete_catalogue_version AFTER DELETE ON service_types BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER problem_types_insert_catalogue_version AFTER INSERT ON problem_types BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER problem_types_update_catalogue_version AFTER UPDATE ON problem_types BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER problem_types_delete_catalogue_version AFTER DELETE ON problem_types BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER type_problems_insert_catalogue_version AFTER INSERT ON type_problems BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER type_problems_update_catalogue_version AFTER UPDATE ON type_problems BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER type_problems_delete_catalogue_version AFTER DELETE ON type_problems BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER assets_insert_catalogue_version AFTER INSERT ON assets BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER assets_update_catalogue_version AFTER UPDATE OF code, name, type_id, inventory_number, building, floor, room, instructions, owner_id, archived ON assets BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER assets_delete_catalogue_version AFTER DELETE ON assets BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER assets_delete_catalogue_version;
DROP TRIGGER assets_update_catalogue_version;
DROP TRIGGER assets_insert_catalogue_version;
DROP TRIGGER type_problems_delete_catalogue_version;
DROP TRIGGER type_problems_update_catalogue_version;
DROP TRIGGER type_problems_insert_catalogue_version;
DROP TRIGGER problem_types_delete_catalogue_version;
DROP TRIGGER problem_types_update_catalogue_version;
DROP TRIGGER problem_types_insert_catalogue_version;
DROP TRIGGER service_types_delete_catalogue_version;
DROP TRIGGER service_types_update_catalogue_version;
DROP TRIGGER service_types_insert_catalogue_version;
DROP TRIGGER service_classes_delete_catalogue_version;
DROP TRIGGER service_classes_update_catalogue_version;
DROP TRIGGER service_classes_insert_catalogue_version;
DROP TRIGGER sessions_delete_auth_version;
DROP TRIGGER sessions_update_auth_version;
DROP TRIGGER departments_delete_auth_version;
DROP TRIGGER departments_update_auth_version;
DROP TRIGGER departments_insert_auth_version;
DROP TRIGGER user_departments_delete_auth_version;
DROP TRIGGER user_departments_update_auth_version;
DROP TRIGGER user_departments_insert_auth_version;
DROP TRIGGER user_roles_delete_auth_version;
DROP TRIGGER user_roles_update_auth_version;
DROP TRIGGER user_roles_insert_auth_version;
DROP TRIGGER users_delete_auth_version;
DROP TRIGGER users_update_auth_version;
DROP TRIGGER users_insert_auth_version;
DROP TABLE cache_versions;
