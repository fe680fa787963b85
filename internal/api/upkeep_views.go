package api

import (
	"smartservice/internal/apperr"
	"smartservice/internal/i18n"
	"smartservice/internal/upkeep"
)

// upkeepSchedule is a plan's schedule as the API writes it.
type upkeepSchedule struct {
	Every    string   `json:"every"`
	N        int      `json:"n"`
	Weekdays []string `json:"weekdays"`
	MonthDay int      `json:"month_day"`
	At       string   `json:"at"`
	Start    string   `json:"start"`
	End      *string  `json:"end"`
}

// upkeepInput is a plan as a client sends it, whole (POST and PUT).
type upkeepInput struct {
	Name      string         `json:"name"`
	Target    string         `json:"target"`
	AssetID   int64          `json:"asset_id"`
	TypeID    int64          `json:"type_id"`
	ClassID   int64          `json:"class_id"`
	Building  string         `json:"building"`
	Floor     string         `json:"floor"`
	ProblemID int64          `json:"problem_type_id"`
	Schedule  upkeepSchedule `json:"schedule"`
	Note      string         `json:"note"`
	Active    *bool          `json:"active"`
}

// domain turns the input into the domain's; malformed dates, times and weekdays
// go into f by their JSON field.
func (in upkeepInput) domain(f *apperr.Fields) upkeep.Input {
	sc := upkeep.Schedule{Every: upkeep.Every(in.Schedule.Every), N: in.Schedule.N, MonthDay: in.Schedule.MonthDay,
		AtMinute: upkeep.ParseAt(in.Schedule.At)}
	if sc.AtMinute < 0 {
		f.Add("schedule.at", "upkeep.err_at")
		sc.AtMinute = 0
	}
	var ok bool
	if sc.Start, ok = upkeep.ParseDate(in.Schedule.Start); !ok {
		f.Add("schedule.start", "upkeep.err_start")
	}
	if in.Schedule.End != nil && *in.Schedule.End != "" {
		if sc.End, ok = upkeep.ParseDate(*in.Schedule.End); !ok {
			f.Add("schedule.end", "upkeep.err_end")
		}
	}
	for _, code := range in.Schedule.Weekdays {
		found := false
		for _, d := range upkeep.WeekdayOrder {
			if upkeep.WeekdayCode(d) == code {
				sc.Weekdays |= 1 << uint(d)
				found = true
			}
		}
		if !found {
			f.Add("schedule.weekdays", "upkeep.err_weekdays")
		}
	}
	active := in.Active == nil || *in.Active
	return upkeep.Input{Name: in.Name, Target: upkeep.Target(in.Target), AssetID: in.AssetID, TypeID: in.TypeID, ClassID: in.ClassID,
		Building: in.Building, Floor: in.Floor, ProblemID: in.ProblemID, Schedule: sc, Note: in.Note, Active: active}
}

// upkeepFields maps the domain's field names to the API's.
var upkeepFields = map[string]string{"every": "schedule.every", "every_n": "schedule.n", "weekdays": "schedule.weekdays",
	"month_day": "schedule.month_day", "at": "schedule.at", "start": "schedule.start", "end": "schedule.end"}

// upkeepView is a plan as the API answers it.
type upkeepView struct {
	ID           int64          `json:"id"`
	Name         string         `json:"name"`
	Target       string         `json:"target"`
	AssetID      *int64         `json:"asset_id"`
	TypeID       *int64         `json:"type_id"`
	ClassID      *int64         `json:"class_id"`
	TargetName   string         `json:"target_name"`
	DeviceGone   bool           `json:"device_gone"`
	Building     string         `json:"building"`
	Floor        string         `json:"floor"`
	ProblemID    int64          `json:"problem_type_id"`
	ProblemName  string         `json:"problem_type_name"`
	DepartmentID *int64         `json:"department_id"`
	Schedule     upkeepSchedule `json:"schedule"`
	ScheduleText string         `json:"schedule_text"`
	Note         string         `json:"note"`
	Active       bool           `json:"active"`
	NextDue      *string        `json:"next_due"`
	LastFiled    *string        `json:"last_filed"`
	LastDone     *string        `json:"last_done"`
	CreatedAt    string         `json:"created_at"`
	UpdatedAt    string         `json:"updated_at"`
}

func upkeepID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func (a *API) upkeepView(l *i18n.Localizer, p *upkeep.Plan) upkeepView {
	sc := upkeepSchedule{Every: string(p.Schedule.Every), N: p.Schedule.N, Weekdays: []string{}, MonthDay: p.Schedule.MonthDay,
		At: p.Schedule.AtText(), Start: p.Schedule.Start.String()}
	if !p.Schedule.End.IsZero() {
		e := p.Schedule.End.String()
		sc.End = &e
	}
	for _, d := range upkeep.WeekdayOrder {
		if p.Schedule.Weekdays&(1<<uint(d)) != 0 {
			sc.Weekdays = append(sc.Weekdays, upkeep.WeekdayCode(d))
		}
	}
	return upkeepView{ID: p.ID, Name: p.Name, Target: string(p.Target), AssetID: upkeepID(p.AssetID), TypeID: upkeepID(p.TypeID), ClassID: upkeepID(p.ClassID),
		TargetName: l.Name(p.TargetEN, p.TargetRU), DeviceGone: p.DeviceGone, Building: p.Building, Floor: p.Floor,
		ProblemID: p.ProblemID, ProblemName: l.Name(p.ProblemEN, p.ProblemRU), DepartmentID: upkeepID(p.DepartmentID),
		Schedule: sc, ScheduleText: p.Schedule.Words(l), Note: p.Note, Active: p.Active,
		NextDue: a.optTimestamp(p.NextDue), LastFiled: a.optTimestamp(p.LastFiled), LastDone: a.optTimestamp(p.LastDone),
		CreatedAt: a.timestamp(p.CreatedAt), UpdatedAt: a.timestamp(p.UpdatedAt)}
}
