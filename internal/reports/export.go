package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"smartservice/internal/csvsafe"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// Labels turns a translation key into the reader's language; exports name
// their columns and figures in it. Name picks a name of the reader's language
// from the English and Russian columns.
type Labels struct {
	T    func(key string) string
	Name func(en, ru string) string
}

// Table is one block of an export: a title, a header and rows, each cell a
// string or a number (int64, float64), so spreadsheets get real numbers.
type Table struct {
	// Sheet names the table's sheet in a workbook; Title heads it in CSV.
	Sheet  string
	Title  string
	Header []string
	Rows   [][]any
}

func secs(d time.Duration) int64 { return int64(d / time.Second) }

// Tables lays the report out for export: the figures (times in seconds) beside
// the previous period's, the per-day series, the breakdowns and the backlog.
func (r *Report) Tables(l Labels) []Table {
	t := l.T
	fig := Table{Sheet: t("reports.sheet_figures"), Title: t("reports.sheet_figures") + " (" + t("reports.seconds_note") + ")",
		Header: []string{t("reports.figure"), t("reports.this_period"), t("reports.previous_period")}}
	addFig := func(key string, now, before int64) { fig.Rows = append(fig.Rows, []any{t(key), now, before}) }
	c, b := r.Current, r.Before
	addFig("reports.created", c.Created, b.Created)
	addFig("reports.completed", c.Completed, b.Completed)
	addFig("reports.cancelled", c.Cancelled, b.Cancelled)
	addFig("reports.open_at_end", c.OpenAtEnd, b.OpenAtEnd)
	addFig("reports.completion_avg", secs(c.Completion.Avg), secs(b.Completion.Avg))
	addFig("reports.completion_median", secs(c.Completion.Median), secs(b.Completion.Median))
	addFig("reports.completion_p90", secs(c.Completion.P90), secs(b.Completion.P90))
	addFig("reports.first_action_avg", secs(c.FirstAction.Avg), secs(b.FirstAction.Avg))
	addFig("reports.first_action_median", secs(c.FirstAction.Median), secs(b.FirstAction.Median))
	addFig("reports.first_action_p90", secs(c.FirstAction.P90), secs(b.FirstAction.P90))
	fig.Rows = append(fig.Rows, []any{t("reports.period"), r.Period.From.Format(DateLayout) + " – " + r.Period.To.Format(DateLayout),
		r.Previous.From.Format(DateLayout) + " – " + r.Previous.To.Format(DateLayout)})

	days := Table{Sheet: t("reports.sheet_days"), Title: t("reports.sheet_days"), Header: []string{t("reports.day"), t("reports.created"), t("reports.completed")}}
	for _, d := range r.Days {
		days.Rows = append(days.Rows, []any{d.Date.Format(DateLayout), d.Created, d.Completed})
	}

	br := Table{Sheet: t("reports.sheet_breakdowns"), Title: t("reports.sheet_breakdowns"), Header: []string{t("reports.kind"), "id", t("reports.name"), t("reports.tickets"), t("reports.avg_completion")}}
	add := func(kind string, lines []Line, none string) {
		for _, ln := range lines {
			name := l.Name(ln.NameEN, ln.NameRU)
			if ln.ID == 0 {
				name = t(none)
			}
			if ln.Code != "" {
				name += " (" + ln.Code + ")"
			}
			if kind == "reports.by_executor" {
				br.Rows = append(br.Rows, []any{t(kind), ln.ID, name, ln.Completed, secs(ln.AvgCompletion)})
			} else {
				br.Rows = append(br.Rows, []any{t(kind), ln.ID, name, ln.Created, ""})
			}
		}
	}
	add("reports.by_department", r.Departments, "reports.no_department")
	add("reports.by_class", r.Classes, "")
	add("reports.by_type", r.Types, "")
	add("reports.by_problem", r.Problems, "")
	add("reports.by_device", r.Devices, "")
	add("reports.by_executor", r.Executors, "reports.nobody")
	for _, k := range []struct {
		key string
		n   int64
	}{{"reports.backlog_open", r.Backlog.Open}, {"reports.backlog_hour", r.Backlog.OverHour},
		{"reports.backlog_day", r.Backlog.OverDay}, {"reports.backlog_week", r.Backlog.OverWeek}} {
		br.Rows = append(br.Rows, []any{t("reports.backlog"), "", t(k.key), k.n, ""})
	}
	return []Table{fig, days, br, r.slaTable(l)}
}

// cell is a cell's text in CSV.
func cell(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return csvSafe(x)
	}
	return csvSafe(fmt.Sprint(v))
}

// csvSafe neutralises a cell a spreadsheet would run as a formula (CSV injection),
// with the one guard every export uses; names here come from people (devices,
// departments), so it matters. Numbers are written as they are.
func csvSafe(s string) string { return csvsafe.Escape(s) }

// WriteCSV writes the report's tables as CSV, one block after another, a blank
// line between them.
func (r *Report) WriteCSV(out io.Writer, l Labels) error {
	w := csv.NewWriter(out)
	for i, tb := range r.Tables(l) {
		if i > 0 {
			if err := w.Write([]string{""}); err != nil {
				return err
			}
		}
		if err := w.Write([]string{csvSafe(tb.Title)}); err != nil {
			return err
		}
		head := make([]string, len(tb.Header))
		for j, h := range tb.Header {
			head[j] = csvSafe(h)
		}
		if err := w.Write(head); err != nil {
			return err
		}
		for _, row := range tb.Rows {
			rec := make([]string, len(row))
			for j, v := range row {
				rec[j] = cell(v)
			}
			if err := w.Write(rec); err != nil {
				return err
			}
		}
	}
	w.Flush()
	return w.Error()
}

// WriteXLSX writes the report as a workbook, one sheet per table; numbers are
// numbers and strings are strings (excelize stores a string as text, never as a
// formula).
func (r *Report) WriteXLSX(out io.Writer, l Labels) error {
	f := excelize.NewFile()
	defer f.Close()
	for i, tb := range r.Tables(l) {
		sheet := tb.Sheet
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return fmt.Errorf("reports: xlsx: %w", err)
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return fmt.Errorf("reports: xlsx: %w", err)
		}
		rows := append([][]any{toAny(tb.Header)}, tb.Rows...)
		for y, row := range rows {
			addr, err := excelize.CoordinatesToCellName(1, y+1)
			if err != nil {
				return fmt.Errorf("reports: xlsx: %w", err)
			}
			if err := f.SetSheetRow(sheet, addr, &row); err != nil {
				return fmt.Errorf("reports: xlsx: %w", err)
			}
		}
		_ = f.SetColWidth(sheet, "A", "A", 36)
		_ = f.SetColWidth(sheet, "B", "E", 16)
	}
	if _, err := f.WriteTo(out); err != nil {
		return fmt.Errorf("reports: xlsx: %w", err)
	}
	return nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
