package notify

// The text of a message, from the catalogue in the recipient's language: a
// headline, the device, where it is, the problem, what the event says (a
// comment, a resolution, a reason) cut to an excerpt, and the ticket's link. Mail
// sends it as it is; without a Telegram channel it is the preview an admin reads.
// The Telegram channel renders its own (escaped for its parse mode, with buttons).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ExcerptRunes is the longest excerpt of a comment, resolution or reason in a
// message; the rest is on the ticket's page.
const ExcerptRunes = 500

// Message is a rendered notification.
type Message struct {
	Subject, Body string
}

// Render renders n from the ticket's current state, read through q (a change's
// tx or a read handle), in n.Lang.
func (s *Service) Render(ctx context.Context, q querier, n Notification) (Message, error) {
	d, err := readRenderData(ctx, q, n.TicketID, n.EventID)
	if err != nil {
		return Message{}, err
	}
	return s.compose(d, n), nil
}

// renderData is what a message says of its ticket and event, whatever the
// recipient's language: an event's previews read it once for all of them.
type renderData struct {
	device, building, floor, room, probEN, probRU, comment, actor, detail string
}

// readRenderData reads the ticket's and event's parts of a message through q.
func readRenderData(ctx context.Context, q querier, ticketID, eventID int64) (renderData, error) {
	d, _, err := readRenderDataTo(ctx, q, ticketID, eventID, 0)
	return d, err
}

// recipientRow is what a mail needs of its recipient's account.
type recipientRow struct {
	email  string
	active bool
}

// readRenderDataTo reads the ticket's and event's parts of a message and, in the
// same query, the account of user (a delivery's round trip fewer): a zero
// recipientRow when there is no such account.
func readRenderDataTo(ctx context.Context, q querier, ticketID, eventID, user int64) (renderData, recipientRow, error) {
	var d renderData
	var to recipientRow
	err := q.QueryRowContext(ctx, `SELECT a.name, a.building, a.floor, a.room, p.name_en, p.name_ru, t.comment,
		COALESCE(u.full_name, ''), COALESCE(e.detail, ''), COALESCE(r.email, ''), COALESCE(r.active, $4)
	FROM tickets t JOIN assets a ON a.id = t.asset_id JOIN problem_types p ON p.id = t.problem_type_id
	LEFT JOIN ticket_events e ON e.id = $2 AND e.ticket_id = t.id LEFT JOIN users u ON u.id = e.actor_id
	LEFT JOIN users r ON r.id = $3
	WHERE t.id = $1`, ticketID, eventID, user, false).
		Scan(&d.device, &d.building, &d.floor, &d.room, &d.probEN, &d.probRU, &d.comment, &d.actor, &d.detail, &to.email, &to.active)
	if errors.Is(err, sql.ErrNoRows) {
		return d, to, fmt.Errorf("notify: ticket %d is gone: %w", ticketID, ErrRecipientGone)
	}
	if err != nil {
		return d, to, fmt.Errorf("notify: unable to read ticket %d: %w", ticketID, err)
	}
	return d, to, nil
}

// compose writes n's message from d in n.Lang (no database).
func (s *Service) compose(d renderData, n Notification) Message {
	loc := s.opts.Catalog.For(n.Lang)
	device, building, floor, room, comment, actor, detail := d.device, d.building, d.floor, d.room, d.comment, d.actor, d.detail
	probEN, probRU := d.probEN, d.probRU
	var where []string
	for _, p := range []string{building, floor, room} {
		if p = strings.TrimSpace(p); p != "" {
			where = append(where, p)
		}
	}
	if actor == "" {
		actor = loc.T("notify.msg.someone")
	}
	id := strconv.FormatInt(n.TicketID, 10)
	problem := loc.Name(probEN, probRU)
	subject := loc.T("notify.msg.subject."+n.Kind, "ID", id, "Problem", problem, "Device", device, "Actor", actor)
	lines := []string{loc.T("notify.msg.headline."+n.Kind, "ID", id, "Actor", actor), ""}
	lines = append(lines, loc.T("notify.msg.device", "Device", device))
	if len(where) > 0 {
		lines = append(lines, loc.T("notify.msg.location", "Location", strings.Join(where, ", ")))
	}
	lines = append(lines, loc.T("notify.msg.problem", "Problem", problem))
	// What the event says; the reporter's own comment only to those who handle
	// the ticket (a follower's page does not show it).
	switch n.Kind {
	case KindAssigned, KindWaiting, KindEscalated, KindUnrouted, KindSLAAtRisk, KindSLABreached:
		if comment != "" {
			lines = append(lines, loc.T("notify.msg.comment", "Text", excerpt(comment)))
		}
	case KindDone:
		lines = append(lines, loc.T("notify.msg.resolution", "Text", excerpt(detail)))
	case KindCancelled:
		lines = append(lines, loc.T("notify.msg.reason", "Text", excerpt(detail)))
	case KindComment:
		lines = append(lines, loc.T("notify.msg.comment", "Text", excerpt(detail)))
	}
	lines = append(lines, "", loc.T("notify.msg.link", "Link", s.opts.BaseURL.String()+"/tickets/"+id))
	return Message{Subject: subject, Body: strings.Join(lines, "\n") + "\n"}
}

// previewText is what a notification without a channel would have said.
func (s *Service) previewText(ctx context.Context, q querier, n Notification) (string, error) {
	m, err := s.Render(ctx, q, n)
	if err != nil {
		return "", err
	}
	return m.Body, nil
}

// excerpt cuts s to ExcerptRunes characters, marking the cut.
func excerpt(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= ExcerptRunes {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:ExcerptRunes-1])) + "…"
}
