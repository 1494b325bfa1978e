package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"testgate/store"
)

// The iMocha dialect (seed 000): /v3 routes, X-API-KEY, errors as
// {"errors": [...]} in FluentValidation's wording.

type imochaErrors struct {
	Errors []string `json:"errors"`
}

func (s *Server) imochaDialect(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(ctxErrorWriter, errorWriter(writeIMochaError))
		return next(c)
	}
}

func writeIMochaError(c echo.Context, status int, message string, fields store.FieldErrors) error {
	if status == http.StatusNotFound && message == notFoundMessage {
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
	case field == "email" && msg == "is required":
		return "'Email' must not be empty."
	case field == "email":
		return "Email address is in invalid format"
	case field == "name" && msg == "is required":
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
}

// decodeIMochaInvite reads an invite body and returns every problem in
// iMocha's words, in a stable order.
func decodeIMochaInvite(body []byte) (imochaInvite, []string) {
	var in imochaInvite
	fields := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(body)) > 0 {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(body, &raw); err != nil {
			return in, []string{"The request body is not valid JSON."}
		}
		for k, v := range raw {
			fields[strings.ToLower(k)] = v
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
	switch {
	case in.Email == "" && !in.DisableMandatoryFields:
		out = append(out, "'Email' must not be empty.", "Email address is in invalid format")
	case in.Email != "" && !store.ValidEmail(in.Email):
		out = append(out, "Email address is in invalid format")
	}
	switch {
	case in.Name == "" && nameOK && !in.DisableMandatoryFields:
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
	// Keep the messages in a stable order: the field checks, then types.
	return in, append(out, sortedStrings(errs)...)
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
		return "Completed"
	case store.StatusExpired:
		return "Expired"
	default:
		return "Cancelled"
	}
}

func (s *Server) apiActor(c echo.Context) string {
	if k, ok := c.Get(ctxAPIKey).(store.APIKey); ok {
		return "api:" + k.Name
	}
	return "api"
}

// imochaInvite: POST /v3/tests/{testId}/testlinks/{testLinkId}/invite.
func (s *Server) imochaInviteCandidate(c echo.Context) error {
	testID, err := pathID(c, "testId")
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "Test not found.")
	}
	linkID, err := pathID(c, "testLinkId")
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "Test link not found.")
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	in, problems := decodeIMochaInvite(body)
	if len(problems) > 0 {
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: problems})
	}
	ctx := c.Request().Context()
	if _, err := s.db.Test(ctx, testID); errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "Test not found.")
	} else if err != nil {
		return err
	}
	sendEmail := in.SendEmail
	res, err := s.db.Invite(ctx, store.NewInvitation{
		TestID: testID, LinkID: linkID, Name: in.Name, Email: in.Email,
		GeneratePlaceholders: in.DisableMandatoryFields, Source: store.SourceIMocha, Actor: s.apiActor(c),
		CallbackURL: in.CallbackURL, RedirectURL: in.RedirectURL, HideInstruction: in.HideInstruction,
		DisableMandatoryFields: &in.DisableMandatoryFields, SendEmail: &sendEmail,
	})
	switch {
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
	}{inv.ID, s.testURL(inv), imochaStatus(inv.Status)})
}

// imochaTestLinks: GET /v3/tests/{testId}/testlinks.
func (s *Server) imochaTestLinks(c echo.Context) error {
	testID, err := pathID(c, "testId")
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "Test not found.")
	}
	ctx := c.Request().Context()
	if _, err := s.db.Test(ctx, testID); errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "Test not found.")
	} else if err != nil {
		return err
	}
	links, err := s.db.Links(ctx, testID)
	if err != nil {
		return err
	}
	type testLink struct {
		TestLinkID   int64      `json:"testLinkId"`
		TestLinkName string     `json:"testLinkName"`
		TestLinkURL  string     `json:"testLinkUrl"`
		IsDefault    bool       `json:"isDefault"`
		IsActive     bool       `json:"isActive"`
		ExpiresOnUtc *time.Time `json:"expiresOnUtc"`
	}
	out := struct {
		TestID    int64      `json:"testId"`
		TestLinks []testLink `json:"testLinks"`
	}{TestID: testID, TestLinks: []testLink{}}
	for _, l := range links {
		out.TestLinks = append(out.TestLinks, testLink{l.ID, l.Name, s.linkURL(l), l.IsDefault, !l.Disabled(), l.ExpiresAt})
	}
	return c.JSON(http.StatusOK, out)
}

// imochaCancel: POST /v3/invitations/{id}/cancel, only before the start.
func (s *Server) imochaCancel(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "Test invitation not found.")
	}
	inv, err := s.db.CancelInvitation(c.Request().Context(), id, s.apiActor(c))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "Test invitation not found.")
	case errors.Is(err, store.ErrAlreadyStarted):
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{"The invitation cannot be cancelled: the candidate has already started the test."}})
	case err != nil:
		return err
	}
	return c.JSON(http.StatusOK, struct {
		TestInvitationID int64  `json:"testInvitationId"`
		Status           string `json:"status"`
	}{inv.ID, imochaStatus(inv.Status)})
}

// imochaReport: GET /v3/reports/{id}.
func (s *Server) imochaReport(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "Test invitation not found.")
	}
	inv, err := s.db.Invitation(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "Test invitation not found.")
	} else if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		TestInvitationID int64      `json:"testInvitationId"`
		TestID           int64      `json:"testId"`
		TestName         string     `json:"testName"`
		CandidateName    string     `json:"candidateName"`
		CandidateEmailID string     `json:"candidateEmailId"`
		Status           string     `json:"status"`
		TotalScore       *int       `json:"totalScore"`
		CandidateScore   *int       `json:"candidateScore"`
		ScorePercentage  *float64   `json:"scorePercentage"`
		AttemptedOnUtc   *time.Time `json:"attemptedOnUtc"`
		CompletedOnUtc   *time.Time `json:"completedOnUtc"`
		TestURL          string     `json:"testUrl"`
	}{inv.ID, inv.TestID, inv.TestName, inv.Name, inv.Email, imochaStatus(inv.Status), inv.MaxScore, inv.Score, inv.ScorePercent(),
		inv.StartedAt, inv.CompletedAt, s.testURL(inv)})
}

// maxReplay bounds one callback replay request.
const maxReplay = 100

// imochaReplayCallbacks: POST /v3/callbacks/process {"testinvitationIds":
// [...]} queues a callback of each invitation's current state again.
func (s *Server) imochaReplayCallbacks(c echo.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{"The request body is not valid JSON."}})
	}
	var ids []int64
	for k, v := range raw {
		if strings.EqualFold(k, "testInvitationIds") {
			if err := json.Unmarshal(v, &ids); err != nil {
				return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{"'Test Invitation Ids' must be a list of numbers."}})
			}
		}
	}
	switch {
	case len(ids) == 0:
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{"'Test Invitation Ids' must not be empty."}})
	case len(ids) > maxReplay:
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{fmt.Sprintf("'Test Invitation Ids' must contain at most %d items.", maxReplay)}})
	}
	queued, err := s.db.ReplayCallbacks(c.Request().Context(), ids)
	if err != nil {
		return err
	}
	skipped := []int64{}
	inQueue := map[int64]bool{}
	for _, id := range queued {
		inQueue[id] = true
	}
	for _, id := range ids {
		if !inQueue[id] {
			skipped = append(skipped, id)
		}
	}
	if queued == nil {
		queued = []int64{}
	}
	return c.JSON(http.StatusOK, struct {
		Queued  []int64 `json:"queued"`
		Skipped []int64 `json:"skipped"`
	}{queued, skipped})
}
