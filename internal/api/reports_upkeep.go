package api

import "smartservice/internal/reports"

// reportUpkeep is the report's upkeep section: upkeep due in the period, done
// on time (before the plan's next occurrence) or late, and the devices late
// twice or more.
type reportUpkeep struct {
	Due       int64            `json:"due"`
	OnTime    int64            `json:"on_time"`
	Late      int64            `json:"late"`
	Pending   int64            `json:"pending"`
	Cancelled int64            `json:"cancelled"`
	Slipping  []reportSlipLine `json:"slipping"`
}

type reportSlipLine struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Code string `json:"code"`
	Late int64  `json:"late"`
}

func upkeepSection(u reports.Upkeep) reportUpkeep {
	out := reportUpkeep{Due: u.Due, OnTime: u.OnTime, Late: u.Late, Pending: u.Pending, Cancelled: u.Cancelled, Slipping: []reportSlipLine{}}
	for _, l := range u.Slipping {
		out.Slipping = append(out.Slipping, reportSlipLine{ID: l.ID, Name: l.Name, Code: l.Code, Late: l.Late})
	}
	return out
}
