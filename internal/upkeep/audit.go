package upkeep

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"smartservice/internal/audit"
	"smartservice/internal/users"
)

// auditState is a plan as the audit trail keeps it: what an admin set, in
// words a reader of the JSON understands without the code (ids, not names,
// since names change).
type auditState struct {
	Name         string `json:"name"`
	Target       string `json:"target"`
	AssetID      int64  `json:"asset_id,omitempty"`
	TypeID       int64  `json:"type_id,omitempty"`
	ClassID      int64  `json:"class_id,omitempty"`
	Building     string `json:"building,omitempty"`
	Floor        string `json:"floor,omitempty"`
	ProblemID    int64  `json:"problem_type_id"`
	Every        string `json:"every"`
	N            int    `json:"n"`
	Weekdays     int    `json:"weekdays,omitempty"`
	MonthDay     int    `json:"month_day,omitempty"`
	AtMinute     int    `json:"at_minute"`
	Start        string `json:"start"`
	End          string `json:"end,omitempty"`
	Note         string `json:"note"`
	Active       bool   `json:"active"`
	DepartmentID int64  `json:"department_id,omitempty"`
}

// stateOfInput is what Create and Update write; departmentID is the one the
// rules resolved.
func stateOfInput(in *Input, departmentID int64) *auditState {
	return &auditState{Name: in.Name, Target: string(in.Target), AssetID: in.AssetID, TypeID: in.TypeID, ClassID: in.ClassID,
		Building: in.Building, Floor: in.Floor, ProblemID: in.ProblemID, Every: string(in.Schedule.Every), N: in.Schedule.N,
		Weekdays: in.Schedule.Weekdays, MonthDay: in.Schedule.MonthDay, AtMinute: in.Schedule.AtMinute,
		Start: in.Schedule.Start.String(), End: in.Schedule.End.String(), Note: in.Note, Active: in.Active, DepartmentID: departmentID}
}

// stateOfPlan is a stored plan's state, the Before of a change.
func stateOfPlan(p *Plan) *auditState { return stateOfInput(&p.Input, p.DepartmentID) }

// record appends a plan's change to the audit trail inside tx, so a change
// that fails leaves no entry and an entry never names a change that was not
// made.
func record(ctx context.Context, tx *sql.Tx, actor *users.User, at time.Time, kind string, id int64, before, after any) error {
	return audit.Record(ctx, tx, audit.Entry{At: at, ActorID: actor.ID, ActorEmail: actor.Email, Kind: kind,
		Subject: fmt.Sprintf("upkeep plan %d", id), Before: before, After: after})
}
