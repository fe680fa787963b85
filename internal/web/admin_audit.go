package web

import (
	"fmt"
	"net/http"
	"time"

	"smartservice/internal/audit"
	"smartservice/internal/backup"
	"smartservice/internal/tickets"
)

// adminAuditData is the audit page: the system box (backups, space), the filter and
// one page of entries.
type adminAuditData struct {
	Form     *form
	Kinds    []string
	Families []string
	Entries  []auditLine
	// Next is the link to the following page ("" on the last); First is set when this
	// is not the first page. CSV downloads every entry the filter chooses.
	Next, First, CSV string
	Filtered         bool
	Backup           backup.Status
	BackupsOn        bool
	// LastOK and LastFailed describe the newest successful and failed backups.
	LastOK, LastFailed  string
	LastSize, LastError string
	// DatabaseSize and PhotoSize are the database and its photos, readable.
	DatabaseSize, PhotoSize string
	Photos                  int64
	// PhotoPercent is the photos' share of the database, in whole percent.
	PhotoPercent int64
}

// auditLine is one entry as the page shows it.
type auditLine struct {
	At, Who, Addr, Kind, Subject string
	// Changes are the fields the change altered (auditDiff).
	Changes []auditChange
}

// humanBytes prints a size the way an administrator reads it.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// adminAudit shows the audit trail to an administrator; the domain refuses anyone
// else (403) before anything else is read.
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	aq := s.auditFilter(r)
	aq.filter.Limit = 25
	page, err := audit.List(r.Context(), s.DB, u, aq.filter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.Config.Location
	stamp := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04:05") }
	d := &adminAuditData{Form: aq.form, Kinds: audit.Kinds, Families: auditFamilies,
		Filtered: len(aq.keep) > 0, BackupsOn: s.Config.BackupDir != ""}
	for _, e := range page.Rows {
		d.Entries = append(d.Entries, auditLine{At: stamp(e.At), Who: e.ActorEmail, Addr: e.Addr, Kind: e.Kind, Subject: e.Subject,
			Changes: auditDiff(e.Before, e.After)})
	}
	if page.Next != "" {
		next := cloneValues(aq.keep)
		next.Set("cursor", page.Next)
		d.Next = "/admin/audit?" + next.Encode()
	}
	if aq.filter.Cursor != "" {
		d.First = "/admin/audit"
		if len(aq.keep) > 0 {
			d.First += "?" + aq.keep.Encode()
		}
	}
	d.CSV = "/admin/audit/export.csv"
	if len(aq.keep) > 0 {
		d.CSV += "?" + aq.keep.Encode()
	}
	if d.Backup, err = backup.ReadStatus(r.Context(), s.DB); err != nil {
		s.serverError(w, r, err)
		return
	}
	if ok := d.Backup.LastOK; ok != nil {
		d.LastOK, d.LastSize = stamp(ok.StartedAt), humanBytes(ok.Size)
	}
	if bad := d.Backup.LastFailed; bad != nil {
		d.LastFailed, d.LastError = stamp(bad.StartedAt), bad.Error
	}
	space, err := tickets.Space(r.Context(), s.DB)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.DatabaseSize, d.PhotoSize, d.Photos = humanBytes(space.DatabaseBytes), humanBytes(space.PhotoBytes), space.Photos
	if space.DatabaseBytes > 0 {
		d.PhotoPercent = space.PhotoBytes * 100 / space.DatabaseBytes
	}
	s.render(w, r, http.StatusOK, "admin_audit", "audit.title", d)
}

// adminAuditExport downloads the entries the page's filter chooses, as CSV.
func (s *Server) adminAuditExport(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	aq := s.auditFilter(r)
	out := &csvDownload{w: w, name: "audit.csv"}
	if err := audit.ExportCSV(r.Context(), s.DB, u, aq.filter, out); err != nil {
		if out.started {
			s.Logger.Error("audit export failed midway", "err", err)
			return
		}
		s.fail(w, r, err)
	}
}
