package thinkexam

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// Handler answers the ThinkExam dialect's routes; web wires it with the
// collaborators every dialect shares.
type Handler struct{ apihttp.Base }

// The ThinkExam dialect (seed 004): signed headers ak, sgn, ts, and the
// {"result": "success"|"error", ...} envelope with ThinkExam's codes.

type thinkExamBody struct {
	Code string `json:"code"`
	Msg  string `json:"msg"`
	Data any    `json:"data,omitempty"`
}

type thinkExamEnvelope struct {
	Result  string         `json:"result"`
	Success *thinkExamBody `json:"success,omitempty"`
	Error   *thinkExamBody `json:"error,omitempty"`
}

// thinkExamError is a refusal with its ThinkExam code and HTTP status.
type thinkExamError struct {
	Status int
	Code   string
	Msg    string
}

func (e *thinkExamError) Error() string { return e.Msg }

func teErr(status int, code, msg string) *thinkExamError { return &thinkExamError{status, code, msg} }

// ThinkExam error codes; README lists them.
const (
	teRequired     = "3095" // {Field} is required.
	teBlank        = "3023" // {field} should not be blank
	teBadEmail     = "3024"
	teBadFlag      = "3025"
	teTooMany      = "3026"
	teBadJSON      = "3027"
	teUnknownTest  = "3404"
	teNoAssignment = "3405"
	teStarted      = "3409"
	teClosed       = "3410"
	teBadSignature = "4010"
	teStale        = "4011"
	teUnknownKey   = "4012"
	teBadSecret    = "4013"
)

// signatureWindow is how far ts may be from the server's clock.
const signatureWindow = 15 * time.Minute

// Dialect installs ThinkExam's error writer and answers its own errors
// (with their ThinkExam codes) in the envelope.
func Dialect(next echo.HandlerFunc) echo.HandlerFunc {
	return apihttp.Dialect(WriteError)(func(c echo.Context) error {
		err := next(c)
		var te *thinkExamError
		if errors.As(err, &te) {
			return c.JSON(te.Status, thinkExamEnvelope{Result: "error", Error: &thinkExamBody{Code: te.Code, Msg: te.Msg}})
		}
		return err
	})
}

// WriteError answers an error in ThinkExam's envelope; of several field
// problems, the first field's.
func WriteError(c echo.Context, status int, message string, fields store.FieldErrors) error {
	code := strconv.Itoa(status)
	if status == http.StatusNotFound && message == apihttp.NotFoundMessage {
		message = "No such endpoint."
	}
	if names := fields.Fields(); len(names) > 0 {
		code, message = teBadEmail, names[0]+" "+fields[names[0]]+"."
	}
	return c.JSON(status, thinkExamEnvelope{Result: "error", Error: &thinkExamBody{Code: code, Msg: message}})
}

// Signature is base64(HMAC-SHA256(secret, ak + ts)).
func Signature(secret, ak, ts string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ak + ts))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// RequireSignature checks ak, sgn and ts.
func (h *Handler) RequireSignature(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		hdr := c.Request().Header
		for _, name := range []string{"ak", "sgn", "ts"} {
			if _, sent := hdr[http.CanonicalHeaderKey(name)]; !sent {
				return teErr(http.StatusUnauthorized, teRequired, name+" is required.")
			}
			if strings.TrimSpace(hdr.Get(name)) == "" {
				return teErr(http.StatusUnauthorized, teBlank, name+" should not be blank")
			}
		}
		ak, sgn, ts := strings.TrimSpace(hdr.Get("ak")), strings.TrimSpace(hdr.Get("sgn")), strings.TrimSpace(hdr.Get("ts"))
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return teErr(http.StatusUnauthorized, teStale, "ts must be Unix seconds.")
		}
		if d := h.DB.Now().Sub(time.Unix(sec, 0)); d > signatureWindow || d < -signatureWindow {
			return teErr(http.StatusUnauthorized, teStale, "ts is outside the 15-minute window: generate a new signature.")
		}
		key, err := h.DB.APIKeyByPublicID(c.Request().Context(), ak)
		if errors.Is(err, store.ErrNotFound) {
			return teErr(http.StatusUnauthorized, teUnknownKey, "ak is not a valid API key.")
		}
		if err != nil {
			return err
		}
		if !hmac.Equal([]byte(sgn), []byte(Signature(key.SigningSecret, ak, ts))) {
			return teErr(http.StatusUnauthorized, teBadSignature, "sgn does not match ak and ts.")
		}
		apihttp.Authenticated(c, h.DB, h.Log, key)
		return next(c)
	}
}

// thinkExamFields decodes a JSON object with its keys lower-cased.
func thinkExamFields(c echo.Context) (map[string]json.RawMessage, error) {
	f, ok, err := apihttp.ObjectFields(c)
	if err == nil && !ok {
		err = teErr(http.StatusBadRequest, teBadJSON, "The request body is not valid JSON.")
	}
	return f, err
}

// teString reads a required string (a number is taken as its digits).
func teString(f map[string]json.RawMessage, name string) (string, error) {
	raw, ok := f[strings.ToLower(name)]
	if !ok || string(raw) == "null" {
		return "", teErr(http.StatusBadRequest, teRequired, strings.ToUpper(name[:1])+name[1:]+" is required.")
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return "", teErr(http.StatusBadRequest, teBlank, name+" should not be blank")
		}
		s = n.String()
	}
	if strings.TrimSpace(s) == "" {
		return "", teErr(http.StatusBadRequest, teBlank, name+" should not be blank")
	}
	return strings.TrimSpace(s), nil
}

// teFlag reads an optional "1"/"0" flag.
func teFlag(f map[string]json.RawMessage, name string, def bool) (bool, error) {
	raw, ok := f[strings.ToLower(name)]
	if !ok || string(raw) == "null" {
		return def, nil
	}
	switch strings.Trim(string(raw), `"`) {
	case "1", "true":
		return true, nil
	case "0", "false":
		return false, nil
	}
	return false, teErr(http.StatusBadRequest, teBadFlag, name+` must be "1" or "0".`)
}

// thinkExamTest resolves testId to a test and its default link.
func (h *Handler) thinkExamTest(c echo.Context, f map[string]json.RawMessage) (store.TestLink, error) {
	raw, err := teString(f, "testId")
	if err != nil {
		return store.TestLink{}, err
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return store.TestLink{}, teErr(http.StatusNotFound, teUnknownTest, "No test with this testId.")
	}
	if reached, err := apihttp.Reaches(c, h.DB, "tests", id); err != nil {
		return store.TestLink{}, err
	} else if !reached {
		return store.TestLink{}, teErr(http.StatusNotFound, teUnknownTest, "No test with this testId.")
	}
	link, err := h.DB.DefaultLink(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return link, teErr(http.StatusNotFound, teUnknownTest, "No test with this testId.")
	}
	return link, err
}

type thinkExamAssigned struct {
	Email        string `json:"email"`
	InvitationID int64  `json:"invitationId"`
	TestURL      string `json:"testUrl"`
}

// Assign serves both assign endpoints: one email, or a list
// assigned all together or not at all.
func (h *Handler) Assign(multi bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		f, err := thinkExamFields(c)
		if err != nil {
			return err
		}
		var emails []string
		if multi {
			raw, ok := f["email"]
			if !ok || string(raw) == "null" {
				return teErr(http.StatusBadRequest, teRequired, "Email is required.")
			}
			if json.Unmarshal(raw, &emails) != nil {
				return teErr(http.StatusBadRequest, teBadEmail, "email must be a list of email addresses.")
			}
			if len(emails) == 0 {
				return teErr(http.StatusBadRequest, teBlank, "email should not be blank")
			}
			if len(emails) > store.MaxBulkInvitations {
				return teErr(http.StatusBadRequest, teTooMany, fmt.Sprintf("email must list at most %d addresses.", store.MaxBulkInvitations))
			}
		} else {
			e, err := teString(f, "email")
			if err != nil {
				return err
			}
			emails = []string{e}
		}
		for i, e := range emails {
			if !store.ValidEmail(e) {
				field := "email"
				if multi {
					field = fmt.Sprintf("email[%d]", i)
				}
				return teErr(http.StatusBadRequest, teBadEmail, fmt.Sprintf("%s is not a valid email address: %q.", field, e))
			}
		}
		link, err := h.thinkExamTest(c, f)
		if err != nil {
			return err
		}
		mail, err := teFlag(f, "isMailEnable", false)
		if err != nil {
			return err
		}
		skip, err := teFlag(f, "isPasswordSkip", false)
		if err != nil {
			return err
		}
		name := ""
		if !multi {
			if raw, ok := f["name"]; ok {
				json.Unmarshal(raw, &name)
			}
		}
		ns := make([]store.NewInvitation, len(emails))
		for i, e := range emails {
			n := name
			if n == "" {
				n = strings.TrimSpace(e[:strings.IndexByte(e, '@')])
			}
			ns[i] = store.NewInvitation{TestID: link.TestID, LinkID: link.ID, Name: n, Email: strings.TrimSpace(e),
				SendEmail: &mail, RequireAccessCode: !skip, Source: store.SourceThinkExam, Actor: apihttp.Actor(c)}
		}
		ids, err := h.DB.InviteMany(c.Request().Context(), ns)
		switch {
		case errors.Is(err, store.ErrClosed):
			return teErr(http.StatusConflict, teClosed, err.Error())
		case err != nil:
			return err
		}
		tokens, err := h.DB.Tokens(c.Request().Context(), ids)
		if err != nil {
			return err
		}
		assigned := make([]thinkExamAssigned, 0, len(ids))
		for i, id := range ids {
			assigned = append(assigned, thinkExamAssigned{Email: emails[i], InvitationID: id, TestURL: h.URLs.TestURL(store.Invitation{Token: tokens[id]})})
		}
		msg := "Test is assigned successfully"
		if mail {
			msg = "Test is assigned and mail has been sent successfully"
		}
		var data any = assigned[0]
		if multi {
			data = struct {
				Assigned    int                 `json:"assigned"`
				Invitations []thinkExamAssigned `json:"invitations"`
			}{len(assigned), assigned}
		}
		return c.JSON(http.StatusOK, thinkExamEnvelope{Result: "success", Success: &thinkExamBody{Code: "200", Msg: msg, Data: data}})
	}
}

// Deassign cancels an assignment the candidate has not started.
func (h *Handler) Deassign(c echo.Context) error {
	f, err := thinkExamFields(c)
	if err != nil {
		return err
	}
	email, err := teString(f, "email")
	if err != nil {
		return err
	}
	link, err := h.thinkExamTest(c, f)
	if err != nil {
		return err
	}
	inv, err := h.DB.InvitationOnLink(c.Request().Context(), link.ID, email)
	if errors.Is(err, store.ErrNotFound) {
		return teErr(http.StatusNotFound, teNoAssignment, "No assignment of this test to "+email+".")
	}
	if err != nil {
		return err
	}
	_, err = h.DB.CancelInvitation(c.Request().Context(), inv.ID, apihttp.Actor(c))
	if errors.Is(err, store.ErrAlreadyStarted) {
		return teErr(http.StatusConflict, teStarted, "The candidate has already started the test.")
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, thinkExamEnvelope{Result: "success", Success: &thinkExamBody{Code: "200", Msg: "Test successfully deassigned from the candidate"}})
}

// GenerateSignature gives a client that proves its secret a
// fresh {ak, sgn, ts}.
func (h *Handler) GenerateSignature(c echo.Context) error {
	f, err := thinkExamFields(c)
	if err != nil {
		return err
	}
	ak, err := teString(f, "ak")
	if err != nil {
		return err
	}
	secret, err := teString(f, "secret")
	if err != nil {
		return err
	}
	key, err := h.DB.APIKeyByPublicID(c.Request().Context(), ak)
	if errors.Is(err, store.ErrNotFound) {
		return teErr(http.StatusUnauthorized, teUnknownKey, "ak is not a valid API key.")
	}
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(secret), []byte(key.SigningSecret)) {
		return teErr(http.StatusUnauthorized, teBadSecret, "secret does not match ak.")
	}
	ts := strconv.FormatInt(h.DB.Now().Unix(), 10)
	return c.JSON(http.StatusOK, thinkExamEnvelope{Result: "success", Success: &thinkExamBody{Code: "200", Msg: "Signature generated",
		Data: map[string]string{"ak": ak, "sgn": Signature(key.SigningSecret, ak, ts), "ts": ts}}})
}
