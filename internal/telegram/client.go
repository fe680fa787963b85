package telegram

// A plain net/http client of the Bot API: six methods, JSON in and out. A library
// would add a dependency for little; we need Telegram's own error fields
// (error_code, parameters.retry_after) to classify failures, and our own limiter
// in front of every send.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// DefaultAPIURL is Telegram's Bot API.
const DefaultAPIURL = "https://api.telegram.org"

// APIError is a refusal from the Bot API, with Telegram's error code.
type APIError struct {
	Method      string
	Code        int
	Description string
	// RetryAfter is set on 429.
	RetryAfter time.Duration
}

// Error names the method and Telegram's reason; it never contains the token.
func (e *APIError) Error() string {
	return fmt.Sprintf("telegram: %s: %d %s", e.Method, e.Code, e.Description)
}

// Client calls the Bot API with one token.
type Client struct {
	base  string // base URL + "/bot" + token; never logged
	http  *http.Client
	limit *limiter
}

// NewClient returns a client of the Bot API at apiURL (DefaultAPIURL when empty)
// for token, sending within limits.
func NewClient(apiURL, token string, limits Limits) *Client {
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	return &Client{
		base:  strings.TrimRight(apiURL, "/") + "/bot" + token,
		http:  &http.Client{Timeout: 70 * time.Second},
		limit: newLimiter(limits),
	}
}

// User is a Telegram user or bot.
type User struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot,omitempty"`
	FirstName    string `json:"first_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

// Chat is a private chat, a group or a supergroup.
type Chat struct {
	ID       int64  `json:"id"`
	Type     string `json:"type"`
	Title    string `json:"title,omitempty"`
	Username string `json:"username,omitempty"`
}

// Message is the part of a Telegram message the bot reads.
type Message struct {
	MessageID      int64    `json:"message_id"`
	From           *User    `json:"from,omitempty"`
	Chat           Chat     `json:"chat"`
	Date           int64    `json:"date"`
	Text           string   `json:"text,omitempty"`
	ReplyToMessage *Message `json:"reply_to_message,omitempty"`
}

// CallbackQuery is a press of an inline button.
type CallbackQuery struct {
	ID      string   `json:"id"`
	From    User     `json:"from"`
	Message *Message `json:"message,omitempty"`
	Data    string   `json:"data,omitempty"`
}

// Update is one event from getUpdates or the webhook.
type Update struct {
	UpdateID      int64          `json:"update_id"`
	Message       *Message       `json:"message,omitempty"`
	CallbackQuery *CallbackQuery `json:"callback_query,omitempty"`
}

// Button is an inline keyboard button.
type Button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// Keyboard is an inline keyboard: rows of buttons.
type Keyboard struct {
	InlineKeyboard [][]Button `json:"inline_keyboard"`
}

// ForceReply asks the recipient's app to open a reply to the message.
type ForceReply struct {
	ForceReply            bool   `json:"force_reply"`
	InputFieldPlaceholder string `json:"input_field_placeholder,omitempty"`
}

// SendMessage is sendMessage's request.
type SendMessage struct {
	ChatID                int64  `json:"chat_id"`
	Text                  string `json:"text"`
	ParseMode             string `json:"parse_mode,omitempty"`
	DisableWebPagePreview bool   `json:"disable_web_page_preview,omitempty"`
	ReplyToMessageID      int64  `json:"reply_to_message_id,omitempty"`
	// ReplyMarkup is a *Keyboard or a *ForceReply.
	ReplyMarkup any `json:"reply_markup,omitempty"`
}

// EditMessageText is editMessageText's request.
type EditMessageText struct {
	ChatID      int64     `json:"chat_id"`
	MessageID   int64     `json:"message_id"`
	Text        string    `json:"text"`
	ParseMode   string    `json:"parse_mode,omitempty"`
	ReplyMarkup *Keyboard `json:"reply_markup,omitempty"`
}

type response struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// call posts params as JSON to method and decodes the result into out.
func (c *Client) call(ctx context.Context, method string, params, out any) error {
	body, err := json.Marshal(params)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/"+method, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("telegram: %s: bad request", method)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		// The URL holds the token: report the method and the cause without it.
		var ue interface{ Unwrap() error }
		if errors.As(err, &ue) && ue.Unwrap() != nil {
			err = ue.Unwrap()
		}
		return fmt.Errorf("telegram: %s: %w", method, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("telegram: %s: reading the answer: %w", method, err)
	}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil || (!r.OK && r.ErrorCode == 0) {
		return &APIError{Method: method, Code: resp.StatusCode, Description: http.StatusText(resp.StatusCode)}
	}
	if !r.OK {
		e := &APIError{Method: method, Code: r.ErrorCode, Description: r.Description}
		if r.Parameters != nil && r.Parameters.RetryAfter > 0 {
			e.RetryAfter = time.Duration(r.Parameters.RetryAfter) * time.Second
		}
		if e.Code == http.StatusTooManyRequests {
			if e.RetryAfter <= 0 {
				e.RetryAfter = time.Second
			}
			c.limit.pause(e.RetryAfter)
		}
		return e
	}
	if out != nil {
		if err := json.Unmarshal(r.Result, out); err != nil {
			return fmt.Errorf("telegram: %s: unexpected result: %w", method, err)
		}
	}
	return nil
}

// GetMe returns the bot itself (its username makes the deep links).
func (c *Client) GetMe(ctx context.Context) (*User, error) {
	var u User
	if err := c.call(ctx, "getMe", struct{}{}, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// GetUpdates long-polls for updates after offset, waiting up to timeout.
func (c *Client) GetUpdates(ctx context.Context, offset int64, timeout time.Duration) ([]Update, error) {
	var ups []Update
	params := map[string]any{"offset": offset, "timeout": int(timeout / time.Second), "allowed_updates": []string{"message", "callback_query"}}
	err := c.call(ctx, "getUpdates", params, &ups)
	return ups, err
}

// SendMessage sends a message within the limits (waiting for its turn) and
// returns it as sent.
func (c *Client) SendMessage(ctx context.Context, m SendMessage) (*Message, error) {
	if err := c.limit.wait(ctx, m.ChatID); err != nil {
		return nil, err
	}
	var out Message
	if err := c.call(ctx, "sendMessage", m, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// EditMessageText replaces a message's text and buttons. Telegram's "message is
// not modified" is not an error here: the message already says it.
func (c *Client) EditMessageText(ctx context.Context, m EditMessageText) error {
	if err := c.limit.wait(ctx, m.ChatID); err != nil {
		return err
	}
	err := c.call(ctx, "editMessageText", m, nil)
	var ae *APIError
	if errors.As(err, &ae) && ae.Code == http.StatusBadRequest && strings.Contains(ae.Description, "not modified") {
		return nil
	}
	return err
}

// AnswerCallbackQuery ends a button's spinner, with a short text shown to the presser.
func (c *Client) AnswerCallbackQuery(ctx context.Context, id, text string, alert bool) error {
	return c.call(ctx, "answerCallbackQuery", map[string]any{"callback_query_id": id, "text": text, "show_alert": alert}, nil)
}

// SetWebhook tells Telegram to post updates to url with the secret header.
func (c *Client) SetWebhook(ctx context.Context, url, secret string) error {
	return c.call(ctx, "setWebhook", map[string]any{"url": url, "secret_token": secret, "allowed_updates": []string{"message", "callback_query"}}, nil)
}

// DeleteWebhook returns the bot to getUpdates.
func (c *Client) DeleteWebhook(ctx context.Context) error {
	return c.call(ctx, "deleteWebhook", map[string]any{}, nil)
}
