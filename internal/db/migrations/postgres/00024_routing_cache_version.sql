-- +goose Up
-- What a filing reads besides the device (internal/tickets: the route, the service
-- level's targets and the office calendar) joins the catalogue's version, so a
-- filing reads it from the caches like the device (cache.CatalogueUnchanged): the
-- routing rules (their department and their targets), departments (a route names
-- one), the office hours and holidays, and the default department's setting (only
-- that key: other settings do not route). All of them change at an admin's hand,
-- rarely; a change empties the catalogue's caches as a device edit does.
CREATE TRIGGER routing_rules_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON routing_rules FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER departments_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON departments FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER office_hours_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON office_hours FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER office_holidays_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON office_holidays FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER settings_default_insert_catalogue_version AFTER INSERT ON settings FOR EACH ROW
    WHEN (NEW.key = 'default_department_id') EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER settings_default_update_catalogue_version AFTER UPDATE ON settings FOR EACH ROW
    WHEN (NEW.key = 'default_department_id' OR OLD.key = 'default_department_id') EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER settings_default_delete_catalogue_version AFTER DELETE ON settings FOR EACH ROW
    WHEN (OLD.key = 'default_department_id') EXECUTE FUNCTION bump_catalogue_version();

-- +goose Down
DROP TRIGGER settings_default_delete_catalogue_version ON settings;
DROP TRIGGER settings_default_update_catalogue_version ON settings;
DROP TRIGGER settings_default_insert_catalogue_version ON settings;
DROP TRIGGER office_holidays_catalogue_version ON office_holidays;
DROP TRIGGER office_hours_catalogue_version ON office_hours;
DROP TRIGGER departments_catalogue_version ON departments;
DROP TRIGGER routing_rules_catalogue_version ON routing_rules;
