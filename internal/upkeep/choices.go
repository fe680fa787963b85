package upkeep

import (
	"context"
	"fmt"

	"smartservice/internal/users"
)

// Choice is one entry of a form's select.
type Choice struct {
	ID     int64
	EN, RU string
	// Extra is the device's place, for devices.
	Extra string
}

// Choices are what the plan form offers.
type Choices struct {
	Devices, Types, Classes, Problems []Choice
}

// MaxDeviceChoices bounds the device select; a larger office plans by type or
// class, or from the device's page, which names its device.
const MaxDeviceChoices = 2000

// Choices lists the devices (not archived), types, classes and problem types a
// plan may name, for whoever may make plans.
func (s *Service) Choices(ctx context.Context, actor *users.User) (*Choices, error) {
	if err := requireManager(actor); err != nil {
		return nil, err
	}
	c := &Choices{}
	read := func(dst *[]Choice, q string, args ...any) error {
		rows, err := s.db.R.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("upkeep: form choices: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var ch Choice
			if err := rows.Scan(&ch.ID, &ch.EN, &ch.RU, &ch.Extra); err != nil {
				return err
			}
			*dst = append(*dst, ch)
		}
		return rows.Err()
	}
	if err := read(&c.Devices, `SELECT id, name, name, building || ' ' || floor || ' ' || room FROM assets WHERE archived = $1 ORDER BY name, id LIMIT $2`,
		false, MaxDeviceChoices); err != nil {
		return nil, err
	}
	if err := read(&c.Types, `SELECT st.id, st.name_en, st.name_ru, '' FROM service_types st ORDER BY st.name_en, st.id`); err != nil {
		return nil, err
	}
	if err := read(&c.Classes, `SELECT id, name_en, name_ru, '' FROM service_classes ORDER BY name_en, id`); err != nil {
		return nil, err
	}
	if err := read(&c.Problems, `SELECT id, name_en, name_ru, '' FROM problem_types ORDER BY name_en, id`); err != nil {
		return nil, err
	}
	return c, nil
}
