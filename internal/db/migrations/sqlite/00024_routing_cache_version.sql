-- +goose Up
-- What a filing reads besides the device (internal/tickets: the route, the service
-- level's targets and the office calendar) joins the catalogue's version, so a
-- filing reads it from the caches like the device (cache.CatalogueUnchanged): the
-- routing rules (their department and their targets), departments (a route names
-- one), the office hours and holidays, and the default department's setting (only
-- that key: other settings do not route). All of them change at an admin's hand,
-- rarely; a change empties the catalogue's caches as a device edit does.
-- +goose StatementBegin
CREATE TRIGGER routing_rules_insert_catalogue_version AFTER INSERT ON routing_rules BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER routing_rules_update_catalogue_version AFTER UPDATE ON routing_rules BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER routing_rules_delete_catalogue_version AFTER DELETE ON routing_rules BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER departments_insert_catalogue_version AFTER INSERT ON departments BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER departments_update_catalogue_version AFTER UPDATE ON departments BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER departments_delete_catalogue_version AFTER DELETE ON departments BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER office_hours_insert_catalogue_version AFTER INSERT ON office_hours BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER office_hours_update_catalogue_version AFTER UPDATE ON office_hours BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER office_hours_delete_catalogue_version AFTER DELETE ON office_hours BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER office_holidays_insert_catalogue_version AFTER INSERT ON office_holidays BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER office_holidays_update_catalogue_version AFTER UPDATE ON office_holidays BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER office_holidays_delete_catalogue_version AFTER DELETE ON office_holidays BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER settings_default_insert_catalogue_version AFTER INSERT ON settings WHEN NEW.key = 'default_department_id' BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER settings_default_update_catalogue_version AFTER UPDATE ON settings WHEN NEW.key = 'default_department_id' OR OLD.key = 'default_department_id' BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER settings_default_delete_catalogue_version AFTER DELETE ON settings WHEN OLD.key = 'default_department_id' BEGIN
    UPDATE cache_versions SET catalogue = catalogue + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER settings_default_delete_catalogue_version;
DROP TRIGGER settings_default_update_catalogue_version;
DROP TRIGGER settings_default_insert_catalogue_version;
DROP TRIGGER office_holidays_delete_catalogue_version;
DROP TRIGGER office_holidays_update_catalogue_version;
DROP TRIGGER office_holidays_insert_catalogue_version;
DROP TRIGGER office_hours_delete_catalogue_version;
DROP TRIGGER office_hours_update_catalogue_version;
DROP TRIGGER office_hours_insert_catalogue_version;
DROP TRIGGER departments_delete_catalogue_version;
DROP TRIGGER departments_update_catalogue_version;
DROP TRIGGER departments_insert_catalogue_version;
DROP TRIGGER routing_rules_delete_catalogue_version;
DROP TRIGGER routing_rules_update_catalogue_version;
DROP TRIGGER routing_rules_insert_catalogue_version;
