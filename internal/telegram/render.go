package telegram

// Messages are rendered from the ticket as the recipient sees it now
// (tickets.Service.View), in the recipient's language, in Telegram's HTML parse
// mode: every text from people (device names, comments) is escaped, and a
// message longer than Telegram's 4,096 characters loses the end of its longest
// text, never the link to the ticket.

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"smartservice/internal/i18n"
	"smartservice/internal/tickets"
)

// MaxMessage is Telegram's limit on a message's text, in characters.
const MaxMessage = 4096

// escape escapes text for Telegram's HTML subset, which knows only &lt; &gt;
// &amp; and &quot; (html.EscapeString's &#39; is not among them).
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// message is a rendered message: its fixed head, one long free text (a comment,
// a resolution) that may be cut, and its tail with the link.
type message struct {
	head     []string // HTML lines
	label    string   // the free text's label
	free     string   // raw text, escaped when assembled
	tail     string   // HTML
	cutNote  string
	Keyboard *Keyboard
}

// html assembles the message within MaxMessage characters, cutting the free text.
func (m *message) html() string {
	head := strings.Join(m.head, "\n")
	if m.free == "" {
		return head + "\n\n" + m.tail
	}
	pre := head + "\n\n<b>" + escape(m.label) + ":</b> "
	post := "\n\n" + m.tail
	full := pre + escape(m.free) + post
	if utf8.RuneCountInString(full) <= MaxMessage {
		return full
	}
	budget := MaxMessage - utf8.RuneCountInString(pre) - utf8.RuneCountInString(post) - utf8.RuneCountInString(m.cutNote) - 1
	var b strings.Builder
	n := 0
	for _, r := range m.free {
		e := escape(string(r))
		if n+utf8.RuneCountInString(e) > budget {
			break
		}
		b.WriteString(e)
		n += utf8.RuneCountInString(e)
	}
	return pre + b.String() + "\n" + escape(m.cutNote) + post
}

// render builds the message of kind about ticket v for a reader in lang. detail
// is the event's text for a comment.
func (s *Service) render(l *i18n.Localizer, kind string, v *tickets.View, detail string) *message {
	r := &v.Row
	num := r.Number()
	m := &message{cutNote: l.T("telegram.cut")}
	m.head = append(m.head, "<b>"+escape(l.T("telegram.kind."+kind, "Number", num))+"</b>")
	line := func(key, value string) {
		if strings.TrimSpace(value) != "" {
			m.head = append(m.head, "<b>"+escape(l.T(key))+":</b> "+escape(value))
		}
	}
	line("telegram.device", r.AssetName)
	line("telegram.location", r.Location)
	line("telegram.problem", l.Name(r.ProblemEN, r.ProblemRU))
	line("telegram.status", l.T("journal.status_"+string(r.Status)))
	line("telegram.assignee", r.AssigneeName)
	switch kind {
	case "comment":
		m.label, m.free = l.T("telegram.comment"), detail
	case "done":
		m.label, m.free = l.T("telegram.resolution"), r.Resolution
	case "cancelled":
		m.label, m.free = l.T("telegram.reason"), r.CancelReason
	default:
		m.label, m.free = l.T("telegram.comment"), r.Comment
	}
	link := s.d.BaseURL.String() + "/tickets/" + strconv.FormatInt(r.ID, 10)
	m.tail = `<a href="` + escape(link) + `">` + escape(l.T("telegram.open", "Number", num)) + "</a>"
	return m
}

// Button actions in callback data: one letter, then the message's opaque key.
const (
	actTake   = "t"
	actStart  = "s"
	actDone   = "d"
	actCancel = "c"
)

// keyboard is the buttons for what the reader may do now (View's actions).
func keyboard(l *i18n.Localizer, a tickets.Actions, key string, takeOnly bool) *Keyboard {
	var row []Button
	add := func(ok bool, act, label string) {
		if ok {
			row = append(row, Button{Text: l.T(label), CallbackData: act + ":" + key})
		}
	}
	add(a.Take, actTake, "telegram.button.take")
	if !takeOnly {
		add(a.Start, actStart, "telegram.button.start")
		add(a.Complete, actDone, "telegram.button.done")
		add(a.Cancel, actCancel, "telegram.button.cancel")
	}
	if len(row) == 0 {
		return &Keyboard{InlineKeyboard: [][]Button{}}
	}
	return &Keyboard{InlineKeyboard: [][]Button{row}}
}
