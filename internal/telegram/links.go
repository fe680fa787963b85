package telegram

// What the profile, the departments page and the API do with Telegram: make a
// deep link, show and remove the linked chat, make a group code for a department,
// show and unbind its group.

import (
	"context"
	"database/sql"
	"net/url"
	"strings"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/users"
)

// LinkOf returns actor's linked chat, nil when none. A nil Service is a server
// built without the bot (faces' own tests): nobody is linked.
func (s *Service) LinkOf(ctx context.Context, actor *users.User) (*Link, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	if s == nil {
		return nil, nil
	}
	return linkOfUser(ctx, s.d.DB.R, actor.ID)
}

// NewLink makes a one-time deep link https://t.me/<bot>?start=<token> for actor,
// valid LinkTTL; the token is stored hashed. Unavailable when the bot is off or
// Telegram does not answer getMe.
func (s *Service) NewLink(ctx context.Context, actor *users.User) (string, time.Time, error) {
	if err := requireLogin(actor); err != nil {
		return "", time.Time{}, err
	}
	if !s.Enabled() {
		return "", time.Time{}, errOff
	}
	bot, err := s.botUsername(ctx)
	if err != nil {
		s.d.Logger.Warn("telegram: getMe failed", "err", err)
		return "", time.Time{}, apperr.Wrap(apperr.Unavailable, "telegram.unreachable", err)
	}
	token := randomToken(18)
	expires := s.now().Add(LinkTTL)
	if err := insertLinkToken(ctx, s.d.DB.W, actor.ID, token, expires); err != nil {
		return "", time.Time{}, err
	}
	return "https://t.me/" + url.PathEscape(bot) + "?start=" + token, expires, nil
}

// Unlink removes actor's linked chat (none is not an error).
func (s *Service) Unlink(ctx context.Context, actor *users.User) error {
	if err := requireLogin(actor); err != nil {
		return err
	}
	if s == nil {
		return nil
	}
	_, err := deleteLinkOfUser(ctx, s.d.DB.W, actor.ID)
	return err
}

// requireAdmin: group chats are an administrator's business; anyone else gets
// the same NotFound as for an absent department.
func requireAdmin(actor *users.User) error {
	if err := requireLogin(actor); err != nil {
		return err
	}
	if !actor.IsAdmin() {
		return errForbidden
	}
	return nil
}

// DepartmentChats returns every department's group chat, by department id, for an admin.
func (s *Service) DepartmentChats(ctx context.Context, actor *users.User) (map[int64]DepartmentChat, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return departmentChats(ctx, s.d.DB.R)
}

// NewDepartmentCode makes a one-time code for department deptID, valid LinkTTL:
// "/link <code>" in a group binds the group to it.
func (s *Service) NewDepartmentCode(ctx context.Context, actor *users.User, deptID int64) (string, time.Time, error) {
	if err := requireAdmin(actor); err != nil {
		return "", time.Time{}, err
	}
	if !s.Enabled() {
		return "", time.Time{}, errOff
	}
	dept, err := s.d.Accounts.Department(ctx, actor, deptID)
	if err != nil {
		return "", time.Time{}, err
	}
	code := strings.ToUpper(randomToken(6)) // 8 characters, shown to be typed
	code = strings.NewReplacer("-", "X", "_", "Y").Replace(code)
	expires := s.now().Add(LinkTTL)
	err = s.d.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := insertDepartmentCode(ctx, tx, deptID, code, expires); err != nil {
			return err
		}
		// The entry says a code exists until when, never the code: the trail is
		// readable by every admin, and the code binds any group it is typed in.
		return audit.Record(ctx, tx, audit.Entry{At: s.now(), ActorID: actor.ID, ActorEmail: actor.Email, Kind: audit.TelegramCode,
			Subject: "department " + dept.Code, After: map[string]string{"expires_at": expires.Format(time.RFC3339)}})
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return code, expires, nil
}

// UnbindDepartment removes department deptID's group chat.
func (s *Service) UnbindDepartment(ctx context.Context, actor *users.User, deptID int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	if s == nil {
		return errOff
	}
	dept, err := s.d.Accounts.Department(ctx, actor, deptID)
	if err != nil {
		return err
	}
	return s.d.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := departmentChat(ctx, tx, deptID)
		if err != nil || before == nil {
			return err // no group: nothing changes, nothing to record
		}
		if err := unbindDepartment(ctx, tx, deptID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.now(), ActorID: actor.ID, ActorEmail: actor.Email, Kind: audit.TelegramUnbound,
			Subject: "department " + dept.Code, Before: chatState(before)})
	})
}

// chatState is what the audit trail keeps of a department's group.
func chatState(c *DepartmentChat) map[string]any {
	return map[string]any{"chat_id": c.ChatID, "title": c.Title}
}

// LinkedAmong tells, for an admin, which of the users ids have a live link (one
// that delivers): one query for a whole page of the users list.
func (s *Service) LinkedAmong(ctx context.Context, actor *users.User, ids []int64) (map[int64]bool, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return liveLinks(ctx, s.d.DB.R, ids)
}
