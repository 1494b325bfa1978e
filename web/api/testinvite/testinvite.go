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
		Labels: b.Labels, Group: b.Group, ExternalID: b.ExternalID, Lang: b.Lang, CandidateKind: "temp"}
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

// testinviteBasicCandidate is the "basic" candidate object of Testinvite's
// REST guide ("Endpoint: Listing Candidates").
type testinviteBasicCandidate struct {
	CandidateID     string  `json:"candidateId"`
	Kind            string  `json:"kind"`
	TaskID          string  `json:"taskId"`
	LoggedIn        bool    `json:"loggedIn"`
	Fullname        string  `json:"fullname,omitempty"`
	Email           string  `json:"email,omitempty"`
	InvitationCode  string  `json:"invitationCode"`
	DirectAccessURL *string `json:"directAccessUrl"` // null for kind "user"
}

// testinviteDetailedCandidate is the "detailed" object: the guide's
// fields, then Testgate's own (kept from before).
type testinviteDetailedCandidate struct {
	testinviteBasicCandidate
	OrganizationID string          `json:"organizationId"`
	Source         string          `json:"source"` // "self-registration" or "pre-registration"
	Active         bool            `json:"active"`
	ActiveAfter    *int64          `json:"activeAfter"`  // Unix seconds
	ActiveBefore   *int64          `json:"activeBefore"` // Unix seconds
	Group          string          `json:"group"`
	Tags           json.RawMessage `json:"tags"`
	Labels         []string        `json:"labels"`
	Rating         *int            `json:"rating"`
	Stage          *string         `json:"stage"`

	Status       string          `json:"status"`
	TestURL      string          `json:"testUrl"`
	ExternalID   string          `json:"externalId,omitempty"`
	ExternalData json.RawMessage `json:"externalData"`
	Lang         string          `json:"lang,omitempty"`
	Tracking     *tiTracking     `json:"tracking,omitempty"`
	Score        *int            `json:"score"`
	MaxScore     *int            `json:"maxScore"`
	CreatedAt    time.Time       `json:"createdAt"`
	StartedAt    *time.Time      `json:"startedAt"`
	CompletedAt  *time.Time      `json:"completedAt"`
}

func loggedIn(inv store.Invitation) bool {
	return inv.OpenedAt != nil || inv.StartedAt != nil || inv.CompletedAt != nil
}

func (h *Handler) testinviteBasic(inv store.Invitation) testinviteBasicCandidate {
	kind := inv.CandidateKind
	if kind == "" {
		kind = "temp"
	}
	b := testinviteBasicCandidate{CandidateID: strconv.FormatInt(inv.ID, 10), Kind: kind, TaskID: strconv.FormatInt(inv.TestID, 10),
		LoggedIn: loggedIn(inv), InvitationCode: inv.Token}
	if !inv.Placeholder {
		b.Fullname, b.Email = inv.Name, inv.Email
	}
	if kind != "user" {
		url := h.URLs.TestURL(inv)
		b.DirectAccessURL = &url
	}
	return b
}

// testinviteOrganization is the organisation id of this installation: it
// has one.
const testinviteOrganization = "1"

func (h *Handler) testinviteDetailed(inv store.Invitation) testinviteDetailedCandidate {
	d := testinviteDetailedCandidate{testinviteBasicCandidate: h.testinviteBasic(inv), OrganizationID: testinviteOrganization,
		Source: "pre-registration", Active: inv.Status.Live(), ActiveAfter: unixSeconds(inv.ValidFrom), ActiveBefore: unixSeconds(inv.ValidUntil),
		Status: string(inv.Status), TestURL: h.URLs.TestURL(inv),
		Group: inv.Group, Labels: inv.Labels, Tags: inv.Tags, ExternalID: inv.ExternalID, ExternalData: inv.ExternalData, Lang: inv.Lang,
		Score: inv.Score, MaxScore: inv.MaxScore, CreatedAt: inv.CreatedAt, StartedAt: inv.StartedAt, CompletedAt: inv.CompletedAt}
	if inv.Source == store.SourcePublic {
		d.Source = "self-registration"
	}
	if d.Labels == nil {
		d.Labels = []string{}
	}
	if inv.TrackingUniqID != "" {
		scope, _, _ := strings.Cut(inv.TrackingKey, ":")
		d.Tracking = &tiTracking{UniqID: inv.TrackingUniqID, Scope: scope}
	}
	return d
}

func unixSeconds(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	v := t.Unix()
	return &v
}

func (h *Handler) testinviteView(mode string, inv store.Invitation) any {
	if mode == "detailed" {
		return h.testinviteDetailed(inv)
	}
	return h.testinviteBasic(inv)
}

func testinviteMode(c echo.Context) (string, error) {
	switch m := c.QueryParam("mode"); m {
	case "", "basic":
		return "basic", nil
	case "detailed":
		return m, nil
	default:
		return "", store.FieldErrors{"mode": "must be basic or detailed"}
	}
}

// testinviteCandidateOf loads a candidate of the task in the path.
func (h *Handler) testinviteCandidateOf(c echo.Context, t store.Test) (store.Invitation, error) {
	id, err := strconv.ParseInt(c.Param("candidateId"), 10, 64)
	if err != nil || id <= 0 {
		return store.Invitation{}, tiFail(http.StatusNotFound, "No candidate with this id in this task.")
	}
	inv, err := h.DB.Invitation(c.Request().Context(), id)
	// A deleted candidate is a cancelled invitation: gone for Testinvite.
	if errors.Is(err, store.ErrNotFound) || (err == nil && (inv.TestID != t.ID || inv.Status == store.StatusCancelled)) {
		return inv, tiFail(http.StatusNotFound, "No candidate with this id in this task.")
	}
	return inv, err
}

// List: GET .../candidates?mode=&limit=&page=&fullname=&email=&code=
// (and Testgate's externalId and group), as the guide's "Endpoint: Listing
// Candidates": exact matches, 10 a page by default, with a pagination
// object whose next and previous are the URLs of those pages.
func (h *Handler) List(c echo.Context) error {
	t, err := h.testinviteTask(c)
	if err != nil {
		return err
	}
	mode, err := testinviteMode(c)
	if err != nil {
		return err
	}
	fe := store.FieldErrors{}
	limit, page := 10, 1
	if v := c.QueryParam("limit"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > store.MaxPageSize {
			fe["limit"] = fmt.Sprintf("must be between 1 and %d", store.MaxPageSize)
		} else {
			limit = n
		}
	}
	if v := c.QueryParam("page"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 {
			fe["page"] = "must be a positive whole number"
		} else {
			page = n
		}
	}
	if len(fe) > 0 {
		return fe
	}
	q := c.QueryParams()
	invs, total, err := h.DB.Invitations(c.Request().Context(), store.InvitationFilter{TestID: t.ID, NotCancelled: true,
		Name: q.Get("fullname"), Email: q.Get("email"), Token: q.Get("code"), ExternalID: q.Get("externalId"), Group: q.Get("group"),
		Page: page, PageSize: limit, Sort: "created"})
	if err != nil {
		return err
	}
	candidates := []any{}
	for _, inv := range invs {
		candidates = append(candidates, h.testinviteView(mode, inv))
	}
	pages := (total + limit - 1) / limit
	pageURL := func(n int) *string {
		if n < 1 || n > pages {
			return nil
		}
		q.Set("page", strconv.Itoa(n))
		q.Set("limit", strconv.Itoa(limit))
		u := h.URLs.BaseURL() + c.Request().URL.Path + "?" + q.Encode()
		return &u
	}
	type pagination struct {
		TotalItems  int     `json:"totalItems"`
		TotalPages  int     `json:"totalPages"`
		CurrentPage int     `json:"currentPage"`
		Limit       int     `json:"limit"`
		Next        *string `json:"next"`
		Previous    *string `json:"previous"`
	}
	return c.JSON(http.StatusOK, struct {
		Candidates []any      `json:"candidates"`
		Pagination pagination `json:"pagination"`
	}{candidates, pagination{total, pages, page, limit, pageURL(page + 1), pageURL(page - 1)}})
}

// Get: GET .../candidates/{candidateId}?mode=
func (h *Handler) Get(c echo.Context) error {
	t, err := h.testinviteTask(c)
	if err != nil {
		return err
	}
	mode, err := testinviteMode(c)
	if err != nil {
		return err
	}
	inv, err := h.testinviteCandidateOf(c, t)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.testinviteView(mode, inv))
}

// Delete: DELETE .../candidates/{candidateId}, refused once the
// candidate has logged in (opened the test).
func (h *Handler) Delete(c echo.Context) error {
	t, err := h.testinviteTask(c)
	if err != nil {
		return err
	}
	inv, err := h.testinviteCandidateOf(c, t)
	if err != nil {
		return err
	}
	if loggedIn(inv) {
		return tiFail(http.StatusForbidden, "The candidate has already logged in and cannot be deleted.")
	}
	if _, err := h.DB.CancelInvitation(c.Request().Context(), inv.ID, apihttp.Actor(c)); errors.Is(err, store.ErrAlreadyStarted) {
		return tiFail(http.StatusForbidden, "The candidate has already logged in and cannot be deleted.")
	} else if err != nil {
		return err
	}
	// "Upon a successful request, a payload with an empty object will be returned."
	return c.JSON(http.StatusOK, struct{}{})
}

// testinviteCallback is Testinvite's notification: the event, the params
// the integrator gave, and the candidate as the resource asked.
func (h *Handler) testinviteCallback(event string, inv store.Invitation) map[string]any {
	params := json.RawMessage(inv.CallbackParams)
	if len(params) == 0 {
		params = json.RawMessage("{}")
	}
	return map[string]any{"event": event, "params": params, "candidate": h.testinviteView(inv.CallbackResource, inv)}
}

// CallbackBody is Testinvite's notification of an event.
func (h *Handler) CallbackBody(event string, inv store.Invitation, _ string, _ time.Time) ([]byte, error) {
	return json.Marshal(h.testinviteCallback(event, inv))
}
