package testinvite

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// Handler answers the Testinvite dialect's routes; web wires it with the
// collaborators every dialect shares.
type Handler struct{ apihttp.Base }

// The Testinvite dialect (seed 002): Authorization: Bearer, candidates
// under a task (a test, through its default link), errors as
// {"error": {"message": "..."}}.

type testinviteError struct {
	Error struct {
		Message string `json:"message"`
	} `json:"error"`
}

// WriteError answers an error as Testinvite does, {"error": {"message"}},
// every field problem named.
func WriteError(c echo.Context, status int, message string, fields store.FieldErrors) error {
	if status == http.StatusNotFound && message == apihttp.NotFoundMessage {
		message = "Not found."
	}
	if len(fields) > 0 {
		parts := make([]string, 0, len(fields))
		for _, f := range fields.Fields() {
			parts = append(parts, f+" "+fields[f])
		}
		message = strings.Join(parts, "; ")
	}
	var e testinviteError
	e.Error.Message = message
	return c.JSON(status, e)
}

func tiFail(status int, format string, args ...any) error {
	return echo.NewHTTPError(status, fmt.Sprintf(format, args...))
}

// consoleUser is a user the request's key may copy: any, or, for a
// team's key, a member of its team (another is ErrNotFound, as if absent).
func (h *Handler) consoleUser(c echo.Context, id int64) (store.User, error) {
	ctx := c.Request().Context()
	u, err := h.DB.User(ctx, id)
	if err != nil {
		return u, err
	}
	k, _ := apihttp.Key(c)
	if keyTeams := k.Teams(); keyTeams != nil {
		teams, err := h.DB.UserTeams(ctx, u.ID)
		if err != nil {
			return u, err
		}
		if !slices.ContainsFunc(teams, keyTeams.Has) {
			return store.User{}, store.ErrNotFound
		}
	}
	return u, nil
}

// testinviteCandidate is the create body: the common properties and those
// of either kind.
type testinviteCandidate struct {
	Kind         string         `json:"kind"`
	ID           string         `json:"id"`
	Fullname     string         `json:"fullname"`
	Email        string         `json:"email"`
	Credential1  string         `json:"credential1"`
	Credential2  string         `json:"credential2"`
	Tracking     *tiTracking    `json:"tracking"`
	Group        string         `json:"group"`
	Labels       []string       `json:"labels"`
	Tags         map[string]any `json:"tags"`
	ExternalID   string         `json:"externalId"`
	ExternalData map[string]any `json:"externalData"`
	Lang         string         `json:"lang"`
	ProgramIDs   []string       `json:"programIds"`
	ExtraEmails  []string       `json:"extraEmails"`
	Dates        *struct {
		Before *int64 `json:"before"`
		After  *int64 `json:"after"`
	} `json:"dates"`
	Price *struct {
		Amount   *float64 `json:"amount"`
		Currency string   `json:"currency"`
	} `json:"price"`
	CustomizedSteps []struct {
		StepID        string `json:"stepId"`
		Customization struct {
			ActiveAfter  *int64 `json:"activeAfter"`
			ActiveBefore *int64 `json:"activeBefore"`
		} `json:"customization"`
	} `json:"customizedSteps"`
	InviteByEmail *struct {
		EmailTemplateName string `json:"emailTemplateName"`
		DateToSend        *int64 `json:"dateToSend"`
	} `json:"inviteByEmail"`
	Callback *struct {
		URL      string         `json:"url"`
		Params   map[string]any `json:"params"`
		Resource string         `json:"resource"`
	} `json:"callback"`
}

type tiTracking struct {
	UniqID string `json:"uniqId"`
	Scope  string `json:"scope"`
}

var testinviteLangs = []string{"tr", "en", "es", "fr", "nl", "it", "sr", "sv", "de", "no", "ru", "pt"}

// validate checks the body field by field, in Testinvite's names.
func (b testinviteCandidate) validate() store.FieldErrors {
	fe := store.FieldErrors{}
	switch b.Kind {
	case "temporary-candidate":
		if b.ID != "" {
			fe["id"] = "is only for internal-candidate"
		}
	case "internal-candidate":
		if strings.TrimSpace(b.ID) == "" {
			fe["id"] = "is required for internal-candidate"
		}
		if b.Tracking != nil {
			fe["tracking"] = "is set from the user for internal-candidate"
		}
	case "":
		fe["kind"] = "is required"
	default:
		fe["kind"] = "must be temporary-candidate or internal-candidate"
	}
	if b.Email != "" && !store.ValidEmail(b.Email) {
		fe["email"] = "is not a valid email address"
	}
	if b.Lang != "" && !slices.Contains(testinviteLangs, b.Lang) {
		fe["lang"] = "must be one of " + strings.Join(testinviteLangs, ", ")
	}
	for i, e := range b.ExtraEmails {
		if !store.ValidEmail(e) {
			fe[fmt.Sprintf("extraEmails[%d]", i)] = "is not a valid email address"
		}
	}
	if t := b.Tracking; t != nil {
		if strings.TrimSpace(t.UniqID) == "" {
			fe["tracking.uniqId"] = "is required"
		}
		switch t.Scope {
		case "", "task":
		case "group":
			if b.Group == "" {
				fe["tracking.scope"] = "group needs a group"
			}
		case "labels":
			if len(b.Labels) == 0 {
				fe["tracking.scope"] = "labels needs labels"
			}
		case "programs":
			if len(b.ProgramIDs) == 0 {
				fe["tracking.scope"] = "programs needs programIds"
			}
		default:
			fe["tracking.scope"] = "must be task, group, labels or programs"
		}
	}
	if d := b.Dates; d != nil && d.Before != nil && d.After != nil && *d.Before <= *d.After {
		fe["dates.before"] = "must be later than dates.after"
	}
	if p := b.Price; p != nil {
		if p.Amount == nil || *p.Amount < 0 {
			fe["price.amount"] = "is required and must not be negative"
		}
		if !slices.Contains([]string{"USD", "EUR", "TRY"}, p.Currency) {
			fe["price.currency"] = "must be USD, EUR or TRY"
		}
	}
	for i, st := range b.CustomizedSteps {
		if strings.TrimSpace(st.StepID) == "" {
			fe[fmt.Sprintf("customizedSteps[%d].stepId", i)] = "is required"
		}
	}
	if ie := b.InviteByEmail; ie != nil && strings.TrimSpace(ie.EmailTemplateName) == "" {
		fe["inviteByEmail.emailTemplateName"] = "is required"
	}
	if cb := b.Callback; cb != nil {
		if msg := store.ValidWebURL(cb.URL); msg != "" {
			fe["callback.url"] = msg
		}
		if cb.Resource != "basic" && cb.Resource != "detailed" {
			fe["callback.resource"] = "must be basic or detailed"
		}
	}
	return fe
}

// trackingKey names the scope instance a uniqId must be unique in.
func trackingKey(taskID int64, b testinviteCandidate, scope string) string {
	switch scope {
	case "group":
		return "group:" + b.Group
	case "labels":
		l := slices.Clone(b.Labels)
		slices.Sort(l)
		return "labels:" + strings.Join(l, ",")
	case "programs":
		p := slices.Clone(b.ProgramIDs)
		slices.Sort(p)
		return "programs:" + strings.Join(p, ",")
	default:
		return "task:" + strconv.FormatInt(taskID, 10)
	}
}

func (h *Handler) testinviteTask(c echo.Context) (store.Test, error) {
	id, err := strconv.ParseInt(c.Param("taskId"), 10, 64)
	if err != nil || id <= 0 {
		return store.Test{}, tiFail(http.StatusNotFound, "No task with this id.")
	}
	t, err := h.DB.Test(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return t, tiFail(http.StatusNotFound, "No task with this id.")
	}
	return t, err
}

func unixPtr(sec *int64) *time.Time {
	if sec == nil {
		return nil
	}
	t := time.Unix(*sec, 0).UTC()
	return &t
}

// Create: POST /api/integration/rest/v1/tasks/{taskId}/candidates.
func (h *Handler) Create(c echo.Context) error {
	t, err := h.testinviteTask(c)
	if err != nil {
		return err
	}
	body, err := apihttp.ReadBody(c)
	if err != nil {
		return err
	}
	var b testinviteCandidate
	if err := json.Unmarshal(body, &b); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return store.FieldErrors{typeErr.Field: "must be " + apihttp.JSONTypeName(typeErr.Type.String())}
		}
		return tiFail(http.StatusBadRequest, "The request body must be a JSON object.")
	}
	if fe := b.validate(); len(fe) > 0 {
		return fe
	}
	n := store.NewInvitation{TestID: t.ID, Name: b.Fullname, Email: b.Email, Source: store.SourceTestinvite, Actor: apihttp.Actor(c),
		Labels: b.Labels, Group: b.Group, ExternalID: b.ExternalID, Lang: b.Lang, CandidateKind: "temp",
		NewAfterFinish: true} // a finished candidate is re-tested as a new one, as Testinvite does
	if b.Tags != nil {
		n.Tags, _ = json.Marshal(b.Tags)
	}
	if b.ExternalData != nil {
		n.ExternalData, _ = json.Marshal(b.ExternalData)
	}
	if b.Kind == "internal-candidate" {
		// Copying a console user reads their name and address: a key with
		// the full scope may, and a team's key only for its team's users.
		if err := apihttp.RequireScope(c, store.ScopeFull); err != nil {
			return err
		}
		uid, _ := strconv.ParseInt(b.ID, 10, 64)
		u, err := h.consoleUser(c, uid)
		if errors.Is(err, store.ErrNotFound) {
			return tiFail(http.StatusNotFound, "No user with this id.")
		} else if err != nil {
			return err
		}
		// The user's sign-in name (their address) is their uniqId in the task.
		n.Name, n.Email, n.CandidateKind = u.Name, u.Email, "user"
		if n.Name == "" {
			n.Name = u.Email
		}
		n.TrackingUniqID, n.TrackingKey = u.Email, trackingKey(t.ID, b, "task")
	} else if b.Tracking != nil {
		n.TrackingUniqID, n.TrackingKey = strings.TrimSpace(b.Tracking.UniqID), trackingKey(t.ID, b, b.Tracking.Scope)
	}
	n.GeneratePlaceholders = strings.TrimSpace(n.Email) == "" || strings.TrimSpace(n.Name) == ""
	if d := b.Dates; d != nil {
		n.ValidFrom, n.ValidUntil = unixPtr(d.After), unixPtr(d.Before)
	}
	send := false
	if ie := b.InviteByEmail; ie != nil {
		send, n.SendEmailAt = true, unixPtr(ie.DateToSend)
	}
	n.SendEmail = &send
	if cb := b.Callback; cb != nil {
		n.CallbackURL, n.CallbackResource = &cb.URL, cb.Resource
		if cb.Params != nil {
			n.CallbackParams, _ = json.Marshal(cb.Params)
		}
	}
	res, err := h.DB.Invite(c.Request().Context(), n)
	switch {
	case errors.Is(err, store.ErrDuplicateTracking):
		return tiFail(http.StatusConflict, "A candidate with this uniqId already exists in this scope.")
	case errors.Is(err, store.ErrClosed):
		return tiFail(http.StatusConflict, "%s", err.Error())
	case err != nil:
		return err
	}
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	return c.JSON(status, h.testinviteBasic(res.Invitation))
}
