package imocha

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// Handler answers the iMocha dialect's routes; web wires it with the
// collaborators every dialect shares.
type Handler struct{ apihttp.Base }

// The iMocha dialect (seed 000): /v3 routes, X-API-KEY, errors as
// {"errors": [...]} in FluentValidation's wording.

type imochaErrors struct {
	Errors []string `json:"errors"`
}

// WriteError answers an error as iMocha does: {"errors": [...]}, a
// FluentValidation sentence per field problem.
func WriteError(c echo.Context, status int, message string, fields store.FieldErrors) error {
	if status == http.StatusNotFound && message == apihttp.NotFoundMessage {
		message = "The requested resource was not found."
	}
	msgs := []string{message}
	if len(fields) > 0 {
		msgs = imochaFieldMessages(fields)
	}
	return c.JSON(status, imochaErrors{Errors: msgs})
}

// imochaFieldMessages words the store's field errors as iMocha does.
func imochaFieldMessages(fe store.FieldErrors) []string {
	var out []string
	for _, f := range []string{"email", "name", "callbackUrl", "redirectUrl"} {
		if msg, ok := fe[f]; ok {
			out = append(out, imochaMessage(f, msg))
		}
	}
	return out
}

func imochaMessage(field, msg string) string {
	switch {
	case field == "email" && msg == store.ProblemRequired:
		return "'Email' must not be empty."
	case field == "email":
		return "Email address is in invalid format"
	case field == "name" && msg == store.ProblemRequired:
		return "'Name' must not be empty."
	case field == "callbackUrl":
		return "'Callback Url' is not a valid URL."
	case field == "redirectUrl":
		return "'Redirect Url' is not a valid URL."
	default:
		return fmt.Sprintf("'%s' %s.", strings.ToUpper(field[:1])+field[1:], msg)
	}
}

// imochaInvite is a decoded invite request. Field names are matched
// without regard to case (callbackUrl and callbackURL both arrive).
type imochaInvite struct {
	Email, Name              string
	CallbackURL, RedirectURL *string
	DisableMandatoryFields   bool
	HideInstruction          *bool
	SendEmail                bool
	// The access window: startDateTime, endDateTime and timeZoneId.
	ValidFrom, ValidUntil *time.Time
}

// decodeIMochaInvite reads an invite body and returns every problem in
// iMocha's words, in a stable order. A reattempt names no candidate: it
// takes the one of the attempt it follows.
func decodeIMochaInvite(body []byte, reattempt bool) (imochaInvite, []string) {
	var in imochaInvite
	fields := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(body)) > 0 {
		var ok bool
		if fields, ok = apihttp.DecodeFields(body); !ok {
			return in, []string{"The request body is not valid JSON."}
		}
	}
	var errs []string
	str := func(key, label string) (*string, bool) {
		v, ok := fields[key]
		if !ok || string(v) == "null" {
			return nil, true
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			errs = append(errs, fmt.Sprintf("'%s' must be a string.", label))
			return nil, false
		}
		return &s, true
	}
	flag := func(key, label string) *bool {
		v, ok := fields[key]
		if !ok || string(v) == "null" {
			return nil
		}
		var b bool
		switch strings.Trim(strings.ToLower(string(v)), `"`) {
		case "0", "false":
		case "1", "true":
			b = true
		default:
			errs = append(errs, fmt.Sprintf("'%s' must be 0 or 1.", label))
			return nil
		}
		return &b
	}

	email, _ := str("email", "Email")
	name, nameOK := str("name", "Name")
	if dmf := flag("disablemandatoryfields", "Disable Mandatory Fields"); dmf != nil {
		in.DisableMandatoryFields = *dmf
	}
	in.HideInstruction = flag("hideinstruction", "Hide Instruction")
	if email != nil {
		in.Email = strings.TrimSpace(*email)
	}
	if name != nil {
		in.Name = strings.TrimSpace(*name)
	}

	var out []string
	identityOptional := in.DisableMandatoryFields || reattempt
	switch {
	case in.Email == "" && !identityOptional:
		out = append(out, "'Email' must not be empty.", "Email address is in invalid format")
	case in.Email != "" && !store.ValidEmail(in.Email):
		out = append(out, "Email address is in invalid format")
	}
	switch {
	case in.Name == "" && nameOK && !identityOptional:
		out = append(out, "'Name' must not be empty.")
	case utf8.RuneCountInString(in.Name) > store.MaxNameLength:
		out = append(out, fmt.Sprintf("The length of 'Name' must be %d characters or fewer. You entered %d characters.",
			store.MaxNameLength, utf8.RuneCountInString(in.Name)))
	case store.HasUnsafeChars(in.Name):
		out = append(out, "'Name' must be a single line without control or text-direction characters.")
	}
	for key, label := range map[string]string{"callbackurl": "Callback Url", "redirecturl": "Redirect Url"} {
		u, _ := str(key, label)
		if u == nil || strings.TrimSpace(*u) == "" {
			continue
		}
		v := strings.TrimSpace(*u)
		if store.ValidWebURL(v) != "" {
			out = append(out, fmt.Sprintf("'%s' is not a valid URL.", label))
		}
		if key == "callbackurl" {
			in.CallbackURL = &v
		} else {
			in.RedirectURL = &v
		}
	}
	if v, ok := fields["sendemail"]; ok && string(v) != "null" {
		switch strings.Trim(strings.ToLower(string(v)), `"`) {
		case "yes", "true", "1":
			in.SendEmail = true
		case "no", "false", "0", "":
		default:
			out = append(out, "'Send Email' must be either 'yes' or 'no'.")
		}
	}
	out = append(out, decodeAccessWindow(fields, &in)...)
	// Keep the messages in a stable order: the field checks, then types.
	return in, append(out, sortedStrings(errs)...)
}

// decodeAccessWindow reads startDateTime, endDateTime and timeZoneId. The
// pages write both times "in UTC ISO 8601" (the Z may be left out; an
// offset is honoured), and timeZoneId is the zone the candidate is shown
// the window in: a number of iMocha's list, which real clients send from
// their own configuration (1720, say), so any whole number is taken.
func decodeAccessWindow(fields map[string]json.RawMessage, in *imochaInvite) []string {
	var out []string
	if raw, ok := fields["timezoneid"]; ok && string(raw) != "null" {
		if _, valid := jsonWholeNumber(raw); !valid {
			out = append(out, "'Time Zone Id' must be a number from GET /v3/timezones.")
		}
	}
	for _, f := range []struct {
		key, label string
		dst        **time.Time
	}{{"startdatetime", "Start Date Time", &in.ValidFrom}, {"enddatetime", "End Date Time", &in.ValidUntil}} {
		raw, ok := fields[f.key]
		if !ok || string(raw) == "null" {
			continue
		}
		var text string
		if json.Unmarshal(raw, &text) != nil {
			out = append(out, fmt.Sprintf("'%s' must be a string.", f.label))
			continue
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		t, ok := parseIMochaTime(text)
		if !ok {
			out = append(out, fmt.Sprintf("'%s' is not in a valid format. Use ISO 8601, for example 2020-06-11T16:00:00Z.", f.label))
			continue
		}
		*f.dst = &t
	}
	if in.ValidFrom != nil && in.ValidUntil != nil && !in.ValidUntil.After(*in.ValidFrom) {
		out = append(out, "'End Date Time' must be later than 'Start Date Time'.")
	}
	return out
}

// jsonWholeNumber reads a whole number sent as a JSON number or as a
// string of digits.
func jsonWholeNumber(raw json.RawMessage) (int64, bool) {
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		v, err := n.Int64()
		return v, err == nil && v >= 0
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return 0, false
	}
	if s = strings.TrimSpace(s); s == "" {
		return 0, true
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil && v >= 0
}

func sortedStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

// imochaStatus is the status word iMocha clients expect.
func imochaStatus(s store.InvitationStatus) string {
	switch s {
	case store.StatusInvited, store.StatusOpened:
		return "Pending"
	case store.StatusStarted:
		return "In Progress"
	case store.StatusCompleted:
		return "Complete"
	case store.StatusExpired:
		return "Expired"
	default:
		return "Cancelled"
	}
}

// InviteCandidate: POST /v3/tests/{testId}/testlinks/{testLinkId}/invite,
// and POST /v3/tests/{testId}/invite through the test's default link.
func (h *Handler) InviteCandidate(c echo.Context) error {
	testID, err := apihttp.PathID(c, "testId")
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "Test not found.")
	}
	var linkID int64 // 0: the default link
	if c.Param("testLinkId") != "" {
		if linkID, err = apihttp.PathID(c, "testLinkId"); err != nil {
			return echo.NewHTTPError(http.StatusNotFound, "Test link not found.")
		}
	}
	body, err := apihttp.ReadBody(c)
	if err != nil {
		return err
	}
	in, problems := decodeIMochaInvite(body, false)
	if in.ValidUntil != nil && !in.ValidUntil.After(h.DB.Now()) {
		problems = append(problems, "'End Date Time' must be in the future.")
	}
	if len(problems) > 0 {
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: problems})
	}
	ctx := c.Request().Context()
	sendEmail := in.SendEmail
	res, err := h.DB.Invite(ctx, store.NewInvitation{
		TestID: testID, LinkID: linkID, Name: in.Name, Email: in.Email,
		GeneratePlaceholders: in.DisableMandatoryFields, Source: store.SourceIMocha, Actor: apihttp.Actor(c),
		CallbackURL: in.CallbackURL, RedirectURL: in.RedirectURL, HideInstruction: in.HideInstruction,
		DisableMandatoryFields: &in.DisableMandatoryFields, SendEmail: &sendEmail, ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil,
	})
	switch {
	case errors.Is(err, store.ErrTestNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "Test not found.")
	case errors.Is(err, store.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "Test link not found.")
	case errors.Is(err, store.ErrClosed):
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{err.Error()}})
	case err != nil:
		return err
	}
	inv := res.Invitation
	return c.JSON(http.StatusCreated, struct {
		TestInvitationID int64  `json:"testInvitationId"`
		TestURL          string `json:"testUrl"`
		Status           string `json:"status"`
	}{inv.ID, h.URLs.TestURL(inv), imochaStatus(inv.Status)})
}
